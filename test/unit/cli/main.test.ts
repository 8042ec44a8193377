import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const MODELS = join(ROOT, 'test', 'fixtures', 'models');
/** A real source file of this repository, as the command would be used. */
const SOURCE = join(ROOT, 'src', 'engine', 'tensor.ts');

interface CliOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: string[]): CliOutput {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonToken {
  readonly id: number;
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly special: boolean;
}

interface JsonOutput {
  readonly model: { readonly modelType: string; readonly layers: number; readonly heads: number };
  readonly tokens: JsonToken[];
  readonly droppedTokens: number;
  readonly attention: { readonly layer: number; readonly head: number | string; readonly rows: number[][] };
}

function assertRowsAreDistributions(rows: number[][], causal: boolean): void {
  rows.forEach((row, query) => {
    assert.equal(row.length, rows.length);
    const sum = row.reduce((total, value) => total + value, 0);
    assert.ok(Math.abs(sum - 1) <= 1e-5, `row ${query} sums to ${sum}`);
    if (causal) {
      for (let key = query + 1; key < row.length; key++) assert.equal(row[key], 0, `row ${query} sees future key ${key}`);
    }
  });
}

describe('attention-inspector analyze', () => {
  test('gpt2 fixture on a source range as JSON', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--range', '2:4-3:6', '--layer', '0', '--head', '3', '--json']);
    assert.equal(output.status, 0, output.stderr);
    const json = JSON.parse(output.stdout) as JsonOutput;
    assert.equal(json.model.modelType, 'gpt2');
    assert.deepEqual({ layer: json.attention.layer, head: json.attention.head }, { layer: 0, head: 3 });

    const fileText = readFileSync(SOURCE, 'utf8');
    const lineStarts = [0, ...[...fileText.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1)];
    const rangeStart = lineStarts[1] + 3;
    const rangeEnd = lineStarts[2] + 5;
    assert.equal(json.droppedTokens, 0);
    assert.equal(json.tokens[0].start, rangeStart, 'offsets count from the start of the file');
    assert.equal(json.tokens.at(-1)?.end, rangeEnd);
    for (const token of json.tokens) {
      assert.ok(token.start >= rangeStart, `token ${JSON.stringify(token)} starts before the range`);
      assert.ok(token.end <= rangeEnd, `token ${JSON.stringify(token)} ends after the range`);
      assert.ok(token.start < token.end, `token ${JSON.stringify(token)} is empty`);
    }
    assert.equal(json.tokens.map((token) => fileText.slice(token.start, token.end)).join(''), fileText.slice(rangeStart, rangeEnd));
    assertRowsAreDistributions(json.attention.rows, true);
  });

  test('bert fixture marks special tokens', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'bert'), '--file', SOURCE, '--range', '1:1-3:1', '--head', 'mean', '--json']);
    assert.equal(output.status, 0, output.stderr);
    const json = JSON.parse(output.stdout) as JsonOutput;
    assert.equal(json.attention.layer, json.model.layers - 1, 'the last layer by default');
    assert.equal(json.attention.head, 'mean');
    assert.deepEqual([json.tokens[0].label, json.tokens[0].special, json.tokens[0].start], ['[CLS]', true, -1]);
    assert.deepEqual([json.tokens.at(-1)?.label, json.tokens.at(-1)?.special], ['[SEP]', true]);
    assertRowsAreDistributions(json.attention.rows, false);
  });

  test('text output of the mistral fixture', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'mistral'), '--file', SOURCE, '--range', '1:1-12:1', '--max-tokens', '20', '--top', '2']);
    assert.equal(output.status, 0, output.stderr);
    assert.match(output.stdout, /^Model {4}mistral \(mistral, F32\): 3 layers, 4 heads \(1 key\/value\), head dim 8/);
    assert.match(output.stdout, /sliding window 8/);
    assert.match(output.stdout, /, 20 tokens\n/);
    assert.match(output.stdout, /tokens beyond the limit were dropped; raise --max-tokens/);
    assert.match(output.stdout, /\n {4}0 +1 +special/, 'BOS is listed as a special token');
    assert.match(output.stdout, /\nAttention, layer 2, head 0: the 2 keys each token attends to most\n/);
    assert.match(output.stdout, /\n {4}0  <s> +-> 0:<s> 1\.000\n/);
    assert.match(output.stdout, /\nTime {5}load \d+ ms, tokenize \d+ ms, forward \d+ ms, pattern \d+ ms, total \d+ ms\n$/);
  });

  test('invalid arguments exit with code 2 and usage', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2')]);
    assert.equal(output.status, 2);
    assert.equal(output.stdout, '');
    assert.match(output.stderr, /^attention-inspector: Missing --file PATH\.\nUsage: attention-inspector analyze --model DIR --file PATH \[options\]\n/);
  });

  test('layer out of range exits with code 2', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--layer', '2']);
    assert.equal(output.status, 2);
    assert.match(output.stderr, /--layer 2 is out of range; gpt2 has layers 0 to 1\./);
  });

  test('broken model folder exits with code 1', () => {
    const output = runCli(['analyze', '--model', join(ROOT, 'test', 'fixtures'), '--file', SOURCE]);
    assert.equal(output.status, 1);
    assert.match(output.stderr, /^attention-inspector: ConfigError: "fixtures" has no config\.json/);
  });

  test('--help prints the options', () => {
    const output = runCli(['--help']);
    assert.equal(output.status, 0);
    assert.match(output.stdout, /--range L:C-L:C/);
    assert.match(output.stdout, /Exit codes: 0 on success, 1 when the model or the analysis fails, 2 on\ninvalid arguments\./);
  });
});
