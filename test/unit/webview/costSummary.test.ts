import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFromModelInfo } from '../../../src/cost/from-model-info';
import { eagerAttentionMemory, kvCacheMemory, tiledAttentionMemory } from '../../../src/cost/memory';
import type { ModelInfo } from '../../../src/protocol';
import { formatCostSummary } from '../../../webview/costSummary';

// GPT-2 small's shape and checkpoint parameter count.
const gpt2: ModelInfo = {
  name: 'gpt2',
  modelType: 'gpt2',
  causal: true,
  layers: 12,
  heads: 12,
  kvHeads: 12,
  headDim: 64,
  dModel: 768,
  intermediateSize: 3072,
  vocabSize: 50257,
  maxPositions: 1024,
  slidingWindow: null,
  parameterCount: 124439808,
  dtype: 'F32',
};

test('summary figures come from the cost model', () => {
  const { config } = configFromModelInfo(gpt2);
  // Hand-worked: heads x n² x 4 bytes = 12 x 1024² x 4 = 48 MiB per layer; 2 x layers x kvHeads x headDim x n x 4 = 72 MiB.
  assert.equal(eagerAttentionMemory(config, 1024, 1, 'F32').peak, 48 * 1024 ** 2);
  assert.equal(kvCacheMemory(config, 1024, 1, 'F32').total, 72 * 1024 ** 2);
  // Row statistics 12 x 1024 x 2 x 4 bytes, plus one 64 x 64 tile: Q, K, V, S and O at 4,096 floats each.
  assert.equal(tiledAttentionMemory(config, 1024, 1, 'F32').peak, 98_304 + 81_920);
});

test('summary line for GPT-2 small', () => {
  assert.equal(
    formatCostSummary(gpt2, 1024),
    '1,024 tokens · eager attention (fp32) 48 MiB per layer, 576 MiB for all 12 layers · tiled 176 KiB · KV cache 72 MiB',
  );
});

test('doubling n quadruples eager memory', () => {
  // 512 tokens: 12 MiB per layer, a quarter of 1,024's; the KV cache halves to 36 MiB.
  assert.match(formatCostSummary(gpt2, 512), /eager attention \(fp32\) 12 MiB per layer, 144 MiB for all 12 layers .* KV cache 36 MiB$/);
});

test('encoder summary has no KV cache', () => {
  const bert: ModelInfo = { ...gpt2, name: 'bert', modelType: 'bert', causal: false, maxPositions: 512 };
  const line = formatCostSummary(bert, 300);
  assert.match(line, /^300 tokens · eager attention/);
  assert.doesNotMatch(line, /KV cache/);
});

test('single token uses the singular', () => {
  assert.match(formatCostSummary(gpt2, 1), /^1 token · /);
});

test('one-layer model names its layer', () => {
  assert.match(formatCostSummary({ ...gpt2, layers: 1 }, 300), / for 1 layer · /);
});

test('invalid dimensions name the problem', () => {
  assert.equal(formatCostSummary({ ...gpt2, heads: 0 }, 300), '300 tokens · no cost estimate: gpt2: heads must be a positive integer, got 0.');
});
