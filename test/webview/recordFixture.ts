/**
 * Records the webview fixtures from the engine: analyses FIXTURE_TEXT with the
 * small random-weight models in test/fixtures/models, and writes the
 * StateMessage, every pattern (each head, the mean and the max of every
 * layer) and the top 5 predictions at every position to
 * test/fixtures/webview/<model>.json.
 *
 * It also writes the tokens of UNICODE_TEXT to unicode-tokens.json.
 *
 * Run after a change to the engine, the tokenizer or FIXTURE_TEXT
 * (`--unicode-only` writes just the Unicode tokens):
 *   node --import tsx test/webview/recordFixture.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelFolder } from '../../src/cli/model-folder';
import { Engine } from '../../src/engine/engine';
import type { PatternSelection } from '../../src/protocol';
import { Tokenizer } from '../../src/tokenizer/index';
import { FIXTURE_TEXT, UNICODE_TEXT, type RecordedFixtureFile, type RecordedTokensFile } from './fixtureFile';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PREDICTION_COUNT = 5;
const MAX_TOKENS = 512;

function base64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

async function record(model: 'gpt2' | 'bert'): Promise<void> {
  const engine = new Engine();
  const modelFolder = path.join('test/fixtures/models', model);
  const info = await engine.loadModel(readModelFolder(path.join(root, modelFolder)));
  const summary = await engine.analyze(FIXTURE_TEXT, MAX_TOKENS);
  const tokens = summary.tokens;

  const patterns: Record<string, string> = {};
  for (let layer = 0; layer < info.layers; layer++) {
    const heads: Array<PatternSelection['head']> = [...Array.from({ length: info.heads }, (_, head) => head), 'mean', 'max'];
    for (const head of heads) {
      const block = engine.patterns(summary.analysisId, [{ layer, head }]);
      patterns[`${layer}/${head}`] = base64(block.data);
    }
  }

  const predictions: RecordedFixtureFile['predictions'] = {};
  if (info.causal) {
    for (let position = 0; position < tokens.count; position++) {
      predictions[position] = engine.predictions(summary.analysisId, position, PREDICTION_COUNT);
    }
  }

  const file: RecordedFixtureFile = {
    source: `Engine output for ${modelFolder} on FIXTURE_TEXT, written by test/webview/recordFixture.ts`,
    model: info,
    tokens: {
      ids: [...tokens.ids],
      starts: [...tokens.starts],
      ends: [...tokens.ends],
      flags: [...tokens.flags],
      labels: tokens.labels,
    },
    analysedLength: summary.analysedLength,
    patterns,
    predictions,
  };
  const output = path.join(root, 'test/fixtures/webview', `${model}.json`);
  writeFileSync(output, `${JSON.stringify(file)}\n`);
  console.log(`wrote ${path.relative(root, output)}: ${tokens.count} tokens, ${Object.keys(patterns).length} patterns`);
}

/** Writes the GPT-2 fixture tokenizer's tokens of UNICODE_TEXT; the fake host pairs them with hand-made patterns. */
function recordUnicodeTokens(): void {
  const folder = 'test/fixtures/models/gpt2';
  const tokenizer = Tokenizer.fromJson(readFileSync(path.join(root, folder, 'tokenizer.json'), 'utf8'));
  const tokens = tokenizer.encode(UNICODE_TEXT);
  const file: RecordedTokensFile = {
    source: `Tokens of UNICODE_TEXT from ${folder}/tokenizer.json, written by test/webview/recordFixture.ts`,
    tokens: { ids: [...tokens.ids], starts: [...tokens.starts], ends: [...tokens.ends], flags: [...tokens.flags], labels: tokens.labels },
  };
  const output = path.join(root, 'test/fixtures/webview', 'unicode-tokens.json');
  writeFileSync(output, `${JSON.stringify(file)}\n`);
  console.log(`wrote ${path.relative(root, output)}: ${tokens.count} tokens`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--unicode-only')) {
    recordUnicodeTokens();
    return;
  }
  await record('gpt2');
  await record('bert');
  recordUnicodeTokens();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
