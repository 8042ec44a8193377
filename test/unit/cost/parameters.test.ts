import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { configFromModelInfo, countParameters, CostInputError, MODEL_PRESETS, presetById } from '../../../src/cost/index';
import type { ModelInfo } from '../../../src/protocol';

describe('parameter counts', () => {
  for (const preset of MODEL_PRESETS) {
    it(`${preset.config.name} matches its published count`, () => {
      assert.equal(countParameters(preset.config).total, preset.publishedParameters, preset.parametersSource);
    });
  }

  it('GPT-2 small breakdown by hand', () => {
    const parameters = countParameters(presetById('gpt2').config);
    assert.equal(parameters.tokenEmbedding, 50257 * 768);
    assert.equal(parameters.positionEmbedding, 1024 * 768);
    // c_attn [768, 2304] + bias, c_proj [768, 768] + bias, two LayerNorms, c_fc [768, 3072] + bias, c_proj [3072, 768] + bias.
    assert.equal(parameters.perLayer.total, 768 * 2304 + 2304 + 768 * 768 + 768 + 2 * 1536 + 768 * 3072 + 3072 + 3072 * 768 + 768);
    assert.equal(parameters.finalNorm, 2 * 768);
    assert.equal(parameters.lmHead, 0, 'the head is tied to wte');
  });

  it('Llama 3.1 8B grouped-query projections', () => {
    const parameters = countParameters(presetById('llama-3.1-8b').config);
    assert.equal(parameters.perLayer.query, 4096 * 4096);
    assert.equal(parameters.perLayer.key, 4096 * 8 * 128);
    assert.equal(parameters.perLayer.value, 4096 * 8 * 128);
    assert.equal(parameters.perLayer.mlp, 3 * 4096 * 14336);
    assert.equal(parameters.perLayer.norms, 2 * 4096, 'RMSNorm stores a weight only');
    assert.equal(parameters.lmHead, 128256 * 4096, 'the head is untied');
  });

  it('BERT base pooler and token types', () => {
    const parameters = countParameters(presetById('bert-base-uncased').config);
    assert.equal(parameters.pooler, 768 * 768 + 768);
    assert.equal(parameters.tokenTypeEmbedding, 2 * 768);
    assert.equal(parameters.embeddingNorm, 2 * 768);
    assert.equal(parameters.finalNorm, 0);
    assert.equal(parameters.total - parameters.pooler, 108_891_648, 'BertModel without its pooler');
  });

  it('Kaplan non-embedding count for GPT-2 small', () => {
    // N = 2 d_model n_layer (2 d_attn + d_ff) with d_attn = 768, d_ff = 3072.
    assert.equal(countParameters(presetById('gpt2').config).nonEmbeddingMatrices, 2 * 768 * 12 * (2 * 768 + 3072));
  });

  it('rejects invalid dimensions', () => {
    const config = presetById('gpt2').config;
    assert.throws(() => countParameters({ ...config, layers: 0 }), CostInputError);
    assert.throws(() => countParameters({ ...config, dModel: 76.8 }), CostInputError);
    assert.throws(() => countParameters({ ...config, heads: 12, kvHeads: 5 }), /multiple of kvHeads/);
    assert.throws(() => countParameters({ ...config, slidingWindow: 0 }), CostInputError);
    assert.throws(() => presetById('gpt-5'), /Unknown model preset "gpt-5"/);
  });
});

function modelInfo(preset: string, overrides: Partial<ModelInfo> = {}): ModelInfo {
  const config = presetById(preset).config;
  return {
    name: config.name, modelType: config.modelType, causal: config.causal, layers: config.layers, heads: config.heads,
    kvHeads: config.kvHeads, headDim: config.headDim, dModel: config.dModel, intermediateSize: config.intermediateSize,
    vocabSize: config.vocabSize, maxPositions: config.maxPositions, slidingWindow: config.slidingWindow,
    parameterCount: presetById(preset).publishedParameters, dtype: 'F32', ...overrides,
  };
}

describe('configFromModelInfo', () => {
  for (const preset of MODEL_PRESETS) {
    it(`${preset.config.name} reproduces the checkpoint count`, () => {
      const { config, matchesCheckpoint } = configFromModelInfo(modelInfo(preset.id));
      assert.equal(matchesCheckpoint, true);
      assert.equal(countParameters(config).total, preset.publishedParameters);
    });
  }

  it('finds a tied Llama-family head', () => {
    // SmolLM is tied although Llama's default is untied.
    assert.equal(configFromModelInfo(modelInfo('smollm-135m')).config.tiedEmbeddings, true);
  });

  it('reports a count it cannot reproduce', () => {
    const result = configFromModelInfo(modelInfo('gpt2', { parameterCount: 124_439_809 }));
    assert.equal(result.matchesCheckpoint, false);
    assert.equal(result.config.modelType, 'gpt2');
  });

  it('rejects invalid ModelInfo dimensions', () => {
    assert.throws(() => configFromModelInfo(modelInfo('gpt2', { heads: 0 })), CostInputError);
  });
});
