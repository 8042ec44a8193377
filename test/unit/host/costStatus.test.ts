import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MODEL_PRESETS } from '../../../src/cost/presets';
import { computeCostStatus, costStatusDetails, costStatusText, isCostPresetChoice, LOADED_MODEL } from '../../../src/host/costStatus';
import type { ModelInfo } from '../../../src/protocol';

const shipped: ModelInfo = {
  name: 'Bundled model',
  modelType: 'gpt2',
  causal: true,
  layers: 4,
  heads: 4,
  kvHeads: 4,
  headDim: 32,
  dModel: 128,
  intermediateSize: 512,
  vocabSize: 4096,
  maxPositions: 512,
  slidingWindow: null,
  parameterCount: 0,
  dtype: 'F32',
};

interface SettingSchema {
  enum: string[];
  default: string;
}

test('costPreset enum lists every preset', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
  const setting = manifest.contributes.configuration.properties['attentionInspector.costPreset'] as SettingSchema;
  assert.deepEqual(setting.enum, [LOADED_MODEL, ...MODEL_PRESETS.map((preset) => preset.id)]);
  assert.equal(setting.default, LOADED_MODEL);
});

test('costPreset accepts presets only', () => {
  assert.ok(isCostPresetChoice(LOADED_MODEL));
  assert.ok(isCostPresetChoice('llama-3.1-8b'));
  assert.ok(!isCostPresetChoice('llama'));
  assert.ok(!isCostPresetChoice(7));
  assert.ok(!isCostPresetChoice(undefined));
});

test('loaded model uses its own dimensions', () => {
  const status = computeCostStatus(LOADED_MODEL, shipped, 300);
  // heads x n² x 4 bytes for one layer, times 4 layers.
  assert.equal(status.eagerPerLayer, 4 * 300 * 300 * 4);
  assert.equal(status.eagerAllLayers, 4 * status.eagerPerLayer);
  // 2 x layers x kvHeads x headDim x n x 4 bytes.
  assert.equal(status.kvCache, 2 * 4 * 4 * 32 * 300 * 4);
  assert.equal(status.modelName, 'Bundled model');
});

test('Llama 3.1 8B preset, grouped-query', () => {
  const status = computeCostStatus('llama-3.1-8b', shipped, 1000);
  assert.equal(status.eagerPerLayer, 32 * 1000 * 1000 * 4);
  // 8 key/value heads, not 32.
  assert.equal(status.kvCache, 2 * 32 * 8 * 128 * 1000 * 4);
  assert.equal(costStatusText(status), '1,000 tokens · attention 122 MiB/layer');
});

test('Mistral window caps the KV cache', () => {
  const status = computeCostStatus('mistral-7b-v0.1', shipped, 8000);
  assert.equal(status.kvCache, 2 * 32 * 8 * 128 * 4096 * 4);
  assert.equal(status.eagerPerLayer, 32 * 8000 * 8000 * 4);
});

test('BERT preset caps at 512 positions', () => {
  const status = computeCostStatus('bert-base-uncased', shipped, 600);
  assert.equal(status.sequenceLength, 512);
  assert.equal(status.tokenCount, 600);
  assert.equal(status.kvCache, null);
  const details = costStatusDetails(status).join('\n');
  assert.match(details, /BERT base uncased\*\* at 512 tokens/);
  assert.match(details, /600 tokens are more than its 512 positions/);
  assert.doesNotMatch(details, /KV cache/);
});

test('unknown preset is rejected', () => {
  assert.throws(() => computeCostStatus('gpt5', shipped, 10), { name: 'CostInputError', message: /Unknown model preset "gpt5"/ });
});
