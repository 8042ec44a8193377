import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headPattern } from '../../../src/engine/attention';
import { Checkpoint } from '../../../src/engine/checkpoint';
import { parseModelConfig, type ModelConfig } from '../../../src/engine/config';
import { CancelledError } from '../../../src/engine/errors';
import { createModel } from '../../../src/engine/models/index';
import type { LanguageModel } from '../../../src/engine/models/model';
import { writeSafetensors } from '../helpers/safetensors-writer';
import { fixtureModelNames, maxAbsDiff, readExpected, readModelFolder } from './model-fixtures';

/**
 * Tolerances against PyTorch. F16 and BF16 fixtures hold weights rounded by
 * PyTorch and expected outputs computed in float32 from those rounded weights,
 * exactly as the engine widens them, so they share the F32 bounds.
 */
const ATTENTION_TOLERANCE = 1e-5;
const HIDDEN_TOLERANCE = 1e-5;
/** Logits are dot products over d_model of values near 3, so float32 rounding reaches about 1e-5. */
const LOGITS_TOLERANCE = 5e-5;

function loadFixture(name: string): { config: ModelConfig; model: LanguageModel } {
  const folder = readModelFolder(name);
  const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
  return { config, model: createModel(config, Checkpoint.open(folder)) };
}

/** Materializes all patterns of a forward result: [layers, heads, n, n]. */
function allPatterns(config: ModelConfig, result: Awaited<ReturnType<LanguageModel['forward']>>): Float32Array {
  const n = result.attention.tokenCount;
  const patterns = new Float32Array(config.layers * config.heads * n * n);
  for (let layer = 0; layer < config.layers; layer++) {
    for (let head = 0; head < config.heads; head++) {
      headPattern(result.attention, layer, head, patterns, (layer * config.heads + head) * n * n);
    }
  }
  return patterns;
}

describe('forward pass against PyTorch fixtures', () => {
  for (const name of fixtureModelNames()) {
    it(`${name} matches attention, hidden states and logits`, async () => {
      const { config, model } = loadFixture(name);
      const cases = readExpected(name);
      assert.ok(cases.length > 0, `${name} has no expected cases`);
      for (const [index, expected] of cases.entries()) {
        const started = performance.now();
        const result = await model.forward(expected.ids);
        const forwardMs = performance.now() - started;
        const n = expected.ids.length;

        assert.deepEqual(expected.attentions.shape, [config.layers, config.heads, n, n]);
        const attentionDiff = maxAbsDiff(allPatterns(config, result), expected.attentions.data);
        const hiddenDiff = maxAbsDiff(result.hidden, expected.hidden.data);
        let logitsDiff = NaN;
        if (expected.logits !== undefined) {
          const logits = new Float32Array(n * config.vocabSize);
          for (let position = 0; position < n; position++) logits.set(model.logitsAt(result.hidden, position)!, position * config.vocabSize);
          logitsDiff = maxAbsDiff(logits, expected.logits.data);
          assert.ok(logitsDiff <= LOGITS_TOLERANCE, `${name} case ${index}: logits differ by ${logitsDiff}`);
          const last = logits.subarray((n - 1) * config.vocabSize);
          assert.deepEqual(result.lastLogits, last, 'the pass computes the last position like logitsAt');
        } else {
          assert.equal(result.lastLogits, null);
        }
        console.log(
          `fixture ${name} case ${index} (${n} tokens): max abs diff attention ${attentionDiff.toExponential(2)}, ` +
            `hidden ${hiddenDiff.toExponential(2)}, logits ${Number.isNaN(logitsDiff) ? 'n/a' : logitsDiff.toExponential(2)}; ` +
            `forward ${forwardMs.toFixed(1)} ms`,
        );
        assert.ok(attentionDiff <= ATTENTION_TOLERANCE, `${name} case ${index}: attention differs by ${attentionDiff}`);
        assert.ok(hiddenDiff <= HIDDEN_TOLERANCE, `${name} case ${index}: hidden states differ by ${hiddenDiff}`);
      }
    });
  }
});

describe('attention patterns of fixture models', () => {
  for (const name of fixtureModelNames()) {
    it(`${name} rows sum to 1 and masked entries are exactly 0`, async () => {
      const { config, model } = loadFixture(name);
      const ids = readExpected(name)[0].ids;
      const n = ids.length;
      const result = await model.forward(ids);
      const patterns = allPatterns(config, result);
      const window = config.slidingWindow;
      for (let layer = 0; layer < config.layers; layer++) {
        const windowed = window !== null && layer >= config.firstSlidingWindowLayer;
        for (let head = 0; head < config.heads; head++) {
          for (let query = 0; query < n; query++) {
            const row = (((layer * config.heads + head) * n) + query) * n;
            let sum = 0;
            for (let key = 0; key < n; key++) {
              const value = patterns[row + key];
              sum += value;
              const masked = model.causal && (key > query || (windowed && key <= query - window));
              if (masked) assert.equal(value, 0, `layer ${layer} head ${head}: (${query}, ${key}) is masked`);
              else assert.ok(value > 0, `layer ${layer} head ${head}: (${query}, ${key}) is visible but 0`);
            }
            assert.ok(Math.abs(sum - 1) <= 1e-6, `layer ${layer} head ${head} row ${query} sums to ${sum}`);
          }
        }
      }
    });
  }

  it('mistral fixture is longer than its sliding window', () => {
    const { config } = loadFixture('mistral');
    assert.equal(config.slidingWindow, 8);
    assert.ok(readExpected('mistral')[0].ids.length > 2 * (config.slidingWindow ?? 0));
  });

  it('llama fixture uses grouped-query attention', () => {
    const { config } = loadFixture('llama');
    assert.ok(config.kvHeads < config.heads);
    assert.notEqual(config.ropeScaling, null);
  });
});

describe('tensor name prefixes', () => {
  /** The fixture with every tensor renamed by `rename`, as float32. */
  function renamedModel(name: string, rename: (tensor: string) => string): { config: ModelConfig; model: LanguageModel } {
    const folder = readModelFolder(name);
    const checkpoint = Checkpoint.open(folder);
    const tensors = checkpoint.names().map((tensor) => {
      const { shape, data } = checkpoint.tensor(tensor);
      return { name: rename(tensor), dtype: 'F32' as const, shape, raw: new Uint8Array(data.slice().buffer) };
    });
    const bytes = writeSafetensors(tensors);
    const renamed = { ...folder, read: (file: string) => (file === 'model.safetensors' ? bytes : folder.read(file)) };
    const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
    return { config, model: createModel(config, Checkpoint.open(renamed)) };
  }

  const cases: [string, string, (tensor: string) => string][] = [
    ['bert', 'without "bert."', (tensor) => tensor.replace(/^bert\./, '')],
    ['gpt2', 'with "transformer."', (tensor) => `transformer.${tensor}`],
    ['mistral', 'without "model."', (tensor) => tensor.replace(/^model\./, '')],
  ];
  for (const [name, naming, rename] of cases) {
    it(`${name} loads ${naming} names`, async () => {
      const { model } = renamedModel(name, rename);
      const expected = readExpected(name)[1];
      const result = await model.forward(expected.ids);
      assert.ok(maxAbsDiff(result.hidden, expected.hidden.data) <= HIDDEN_TOLERANCE);
    });
  }
});

describe('forward pass control', () => {
  it('cancellation between layers throws CancelledError', async () => {
    const { model } = loadFixture('gpt2');
    const ids = readExpected('gpt2')[0].ids;
    let polls = 0;
    await assert.rejects(
      model.forward(ids, { isCancelled: () => ++polls >= 2 }),
      (error: unknown) => error instanceof CancelledError && error.name === 'CancelledError',
    );
    assert.equal(polls, 2, 'the pass stops at the first poll that says cancelled');
  });

  it('progress is reported once per layer and at the end', async () => {
    const { config, model } = loadFixture('mistral');
    const stages: [string, number][] = [];
    await model.forward(readExpected('mistral')[1].ids, { onProgress: (stage, fraction) => stages.push([stage, fraction]) });
    assert.equal(stages.length, config.layers + 1);
    assert.deepEqual(stages[0], [`Layer 1 of ${config.layers}`, 0]);
    assert.deepEqual(stages.at(-1), ['Done', 1]);
  });

  it('a queued message is handled mid-pass', async () => {
    // A worker receives a cancel request as a port message, so one must be delivered between layers.
    const { model } = loadFixture('mistral');
    const { port1, port2 } = new MessageChannel();
    let delivered = false;
    port2.onmessage = () => { delivered = true; };
    port1.postMessage('cancel');
    let deliveredDuringPass = false;
    try {
      await model.forward(readExpected('mistral')[1].ids, { isCancelled: () => { deliveredDuringPass ||= delivered; return false; } });
    } finally {
      port2.close();
    }
    assert.ok(deliveredDuringPass, 'the message posted before the pass was delivered before it finished');
  });

  it('token ids outside the vocabulary are rejected', async () => {
    const { config, model } = loadFixture('bert');
    await assert.rejects(model.forward(new Int32Array([1, config.vocabSize])), /outside the vocabulary/);
  });

  it('a second length reuses nothing stale from the first', async () => {
    const { model } = loadFixture('qwen2');
    const [long, short] = readExpected('qwen2');
    await model.forward(long.ids);
    const result = await model.forward(short.ids);
    assert.ok(maxAbsDiff(result.hidden, short.hidden.data) <= HIDDEN_TOLERANCE);
  });
});
