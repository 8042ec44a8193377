import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readModelFolder } from '../../../src/cli/model-folder';
import { Checkpoint } from '../../../src/engine/checkpoint';
import { parseModelConfig } from '../../../src/engine/config';
import { createModel } from '../../../src/engine/models/index';
import { Tokenizer } from '../../../src/tokenizer/index';

const ROOT = join(__dirname, '..', '..', '..');
const MODEL_DIR = join(ROOT, 'media', 'model');
const HELDOUT_DIR = join(ROOT, 'test', 'fixtures', 'shipped');

/** PyTorch reference written by tools/export_model.py: float32 on the exported F16 weights. */
interface HeldoutReference {
  readonly model_sha256: string;
  readonly ids: number[];
  /** Nats, mean over the len(ids) - 1 next-token predictions. */
  readonly mean_cross_entropy: number;
  readonly cross_entropy_per_position: number[];
}

/** Training record written by tools/export_model.py: the fields this test reads. */
interface TrainingRecord {
  readonly baselines: { readonly validation_stream: { readonly bigram_cross_entropy: number } };
}

/** Largest accepted gap between the engine's and PyTorch's mean cross-entropy, in nats. */
const MEAN_TOLERANCE = 1e-3;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Cross-entropy of `target` under softmax(logits), in nats, with the maximum subtracted first. */
function crossEntropy(logits: Float32Array, target: number): number {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  return Math.log(sum) + max - logits[target];
}

describe('shipped model', () => {
  const reference = readJson<HeldoutReference>(join(HELDOUT_DIR, 'heldout.json'));
  const text = readFileSync(join(HELDOUT_DIR, 'heldout.txt'), 'utf8');

  it('reference was made from these weights', () => {
    const weights = readFileSync(join(MODEL_DIR, 'model.safetensors'));
    const digest = createHash('sha256').update(weights).digest('hex');
    assert.equal(digest, reference.model_sha256, 're-run tools/export_model.py to refresh test/fixtures/shipped/heldout.json');
  });

  it('tokenizes held-out text to training ids', () => {
    const tokenizer = Tokenizer.fromJson(
      readFileSync(join(MODEL_DIR, 'tokenizer.json'), 'utf8'),
      readFileSync(join(MODEL_DIR, 'tokenizer_config.json'), 'utf8'),
    );
    const tokens = tokenizer.encode(text, { addSpecialTokens: false });
    assert.deepEqual(Array.from(tokens.ids), reference.ids);
  });

  it('matches PyTorch cross-entropy and beats bigram', async () => {
    const folder = readModelFolder(MODEL_DIR);
    const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
    assert.equal(config.modelType, 'gpt2');
    const model = createModel(config, Checkpoint.open(folder));

    const ids = Int32Array.from(reference.ids);
    const result = await model.forward(ids);
    let total = 0;
    let worstPosition = 0;
    let worstDiff = 0;
    for (let position = 0; position + 1 < ids.length; position++) {
      const logits = model.logitsAt(result.hidden, position);
      assert.ok(logits, 'a gpt2 model has a language-model head');
      const loss = crossEntropy(logits, ids[position + 1]);
      total += loss;
      const diff = Math.abs(loss - reference.cross_entropy_per_position[position]);
      if (diff > worstDiff) {
        worstDiff = diff;
        worstPosition = position;
      }
    }
    const mean = total / (ids.length - 1);
    console.log(`shipped model: engine ${mean.toFixed(6)} nats, PyTorch ${reference.mean_cross_entropy.toFixed(6)}, `
      + `max per-position diff ${worstDiff.toExponential(2)} at ${worstPosition}`);
    assert.ok(Math.abs(mean - reference.mean_cross_entropy) <= MEAN_TOLERANCE,
      `engine mean cross-entropy ${mean} differs from PyTorch's ${reference.mean_cross_entropy} by more than ${MEAN_TOLERANCE}`);

    const training = readJson<TrainingRecord>(join(MODEL_DIR, 'training.json'));
    const bigram = training.baselines.validation_stream.bigram_cross_entropy;
    assert.ok(mean < bigram, `mean cross-entropy ${mean} is not below the bigram baseline ${bigram}`);
  });
});
