import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseModelConfig } from '../../../src/engine/config';
import { ConfigError } from '../../../src/engine/errors';

const FILE = 'config.json';

const gpt2 = {
  model_type: 'gpt2',
  n_layer: 2,
  n_head: 4,
  n_embd: 64,
  n_inner: null,
  n_positions: 128,
  vocab_size: 1000,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
};

const llama = {
  model_type: 'llama',
  num_hidden_layers: 2,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  hidden_size: 64,
  intermediate_size: 172,
  max_position_embeddings: 256,
  vocab_size: 500,
  rms_norm_eps: 1e-5,
  rope_theta: 500000,
  hidden_act: 'silu',
};

const bert = {
  model_type: 'bert',
  num_hidden_layers: 2,
  num_attention_heads: 4,
  hidden_size: 32,
  intermediate_size: 64,
  max_position_embeddings: 64,
  vocab_size: 300,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  hidden_act: 'gelu',
  position_embedding_type: 'absolute',
};

function assertConfigError(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseModelConfig(json, FILE),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.equal(error.name, 'ConfigError');
      assert.match(error.message, /^config\.json: /);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parseModelConfig gpt2', () => {
  test('reads dimensions and defaults', () => {
    const config = parseModelConfig(gpt2, FILE);
    assert.equal(config.modelType, 'gpt2');
    assert.equal(config.layers, 2);
    assert.equal(config.heads, 4);
    assert.equal(config.kvHeads, 4);
    assert.equal(config.headDim, 16);
    assert.equal(config.dModel, 64);
    assert.equal(config.intermediateSize, 256);
    assert.equal(config.maxPositions, 128);
    assert.equal(config.vocabSize, 1000);
    assert.equal(config.normEps, 1e-5);
    assert.equal(config.activation, 'gelu_new');
    assert.equal(config.tieWordEmbeddings, true);
    assert.equal(config.slidingWindow, null);
  });

  test('explicit n_inner', () => {
    assert.equal(parseModelConfig({ ...gpt2, n_inner: 100 }, FILE).intermediateSize, 100);
  });

  test('gelu_pytorch_tanh is gelu_new', () => {
    assert.equal(parseModelConfig({ ...gpt2, activation_function: 'gelu_pytorch_tanh' }, FILE).activation, 'gelu_new');
  });

  test('unsupported activation', () => {
    assertConfigError({ ...gpt2, activation_function: 'swish' }, /activation_function "swish" is not supported/);
  });

  test('attention scaling options other than the default', () => {
    assertConfigError({ ...gpt2, scale_attn_by_inverse_layer_idx: true }, /scale_attn_by_inverse_layer_idx = true is not supported/);
  });

  test('n_embd not divisible by n_head', () => {
    assertConfigError({ ...gpt2, n_head: 5 }, /n_embd \(64\) must be a multiple of n_head \(5\)/);
  });
});

describe('parseModelConfig llama family', () => {
  test('llama with grouped-query attention', () => {
    const config = parseModelConfig(llama, FILE);
    assert.equal(config.modelType, 'llama');
    assert.equal(config.heads, 8);
    assert.equal(config.kvHeads, 2);
    assert.equal(config.headDim, 8);
    assert.equal(config.intermediateSize, 172);
    assert.equal(config.ropeTheta, 500000);
    assert.equal(config.ropeScaling, null);
    assert.equal(config.tieWordEmbeddings, false);
    assert.equal(config.attentionBias, false);
    assert.equal(config.attentionOutputBias, false);
    assert.equal(config.slidingWindow, null);
    assert.equal(config.activation, 'silu');
  });

  test('defaults for kv heads, rope_theta and eps', () => {
    const { num_key_value_heads: _kv, rope_theta: _theta, rms_norm_eps: _eps, ...minimal } = llama;
    const config = parseModelConfig(minimal, FILE);
    assert.equal(config.kvHeads, 8);
    assert.equal(config.ropeTheta, 10000);
    assert.equal(config.normEps, 1e-6);
  });

  test('explicit head_dim', () => {
    assert.equal(parseModelConfig({ ...llama, head_dim: 16 }, FILE).headDim, 16);
  });

  test('llama attention_bias covers o_proj', () => {
    const config = parseModelConfig({ ...llama, attention_bias: true }, FILE);
    assert.equal(config.attentionBias, true);
    assert.equal(config.attentionOutputBias, true);
  });

  test('llama3 rope scaling', () => {
    const ropeScaling = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
    assert.deepEqual(parseModelConfig({ ...llama, rope_scaling: ropeScaling }, FILE).ropeScaling, {
      type: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositions: 8192,
    });
  });

  test('default rope type is unscaled', () => {
    assert.equal(parseModelConfig({ ...llama, rope_scaling: { rope_type: 'default' } }, FILE).ropeScaling, null);
    assert.equal(parseModelConfig({ ...llama, rope_scaling: null }, FILE).ropeScaling, null);
  });

  test('unsupported rope scaling type', () => {
    assertConfigError({ ...llama, rope_scaling: { type: 'linear', factor: 2 } }, /rope_scaling type "linear" is not supported/);
    assertConfigError({ ...llama, rope_scaling: { rope_type: 'yarn', factor: 4 } }, /rope_scaling type "yarn" is not supported/);
  });

  test('llama3 rope scaling with a missing field', () => {
    assertConfigError({ ...llama, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4 } }, /rope_scaling\.original_max_position_embeddings is missing/);
  });

  test('rope_scaling that is not an object', () => {
    assertConfigError({ ...llama, rope_scaling: 'llama3' }, /rope_scaling must be null or an object/);
  });

  test('heads not divisible by kv heads', () => {
    assertConfigError({ ...llama, num_key_value_heads: 3 }, /num_attention_heads \(8\) must be a multiple of num_key_value_heads \(3\)/);
  });

  test('hidden_act other than silu', () => {
    assertConfigError({ ...llama, hidden_act: 'gelu' }, /hidden_act "gelu" is not supported/);
  });

  test('qwen2 always has q/k/v bias', () => {
    const config = parseModelConfig({ ...llama, model_type: 'qwen2', tie_word_embeddings: true }, FILE);
    assert.equal(config.modelType, 'qwen2');
    assert.equal(config.attentionBias, true);
    assert.equal(config.attentionOutputBias, false);
    assert.equal(config.tieWordEmbeddings, true);
  });

  test('qwen2 sliding window only when enabled', () => {
    const off = parseModelConfig({ ...llama, model_type: 'qwen2', sliding_window: 32, use_sliding_window: false }, FILE);
    assert.equal(off.slidingWindow, null);
    const on = parseModelConfig({ ...llama, model_type: 'qwen2', sliding_window: 32, use_sliding_window: true, max_window_layers: 1 }, FILE);
    assert.equal(on.slidingWindow, 32);
    assert.equal(on.firstSlidingWindowLayer, 1);
  });

  test('mistral sliding window', () => {
    assert.equal(parseModelConfig({ ...llama, model_type: 'mistral', sliding_window: 16 }, FILE).slidingWindow, 16);
    assert.equal(parseModelConfig({ ...llama, model_type: 'mistral', sliding_window: null }, FILE).slidingWindow, null);
    assert.equal(parseModelConfig({ ...llama, model_type: 'mistral' }, FILE).slidingWindow, 4096);
  });
});

describe('parseModelConfig bert', () => {
  test('reads dimensions', () => {
    const config = parseModelConfig(bert, FILE);
    assert.equal(config.modelType, 'bert');
    assert.equal(config.layers, 2);
    assert.equal(config.headDim, 8);
    assert.equal(config.typeVocabSize, 2);
    assert.equal(config.normEps, 1e-12);
    assert.equal(config.activation, 'gelu');
    assert.equal(config.maxPositions, 64);
  });

  test('relative position embeddings', () => {
    assertConfigError({ ...bert, position_embedding_type: 'relative_key' }, /position_embedding_type "relative_key" is not supported/);
  });
});

describe('parseModelConfig invalid input', () => {
  test('unknown model_type lists supported types', () => {
    assertConfigError({ ...gpt2, model_type: 'gpt_neox' }, /model_type "gpt_neox" is not supported\. Supported types: gpt2, llama, qwen2, mistral, bert\./);
  });

  test('missing model_type', () => {
    const { model_type: _type, ...rest } = gpt2;
    assertConfigError(rest, /model_type is missing/);
  });

  test('missing field is named', () => {
    const { num_hidden_layers: _layers, ...rest } = llama;
    assertConfigError(rest, /num_hidden_layers is missing; expected a positive integer/);
  });

  test('wrongly typed fields are named', () => {
    assertConfigError({ ...gpt2, n_layer: '12' }, /n_layer is "12"; expected a positive integer/);
    assertConfigError({ ...gpt2, n_layer: 0 }, /n_layer is 0; expected a positive integer/);
    assertConfigError({ ...gpt2, n_head: 2.5 }, /n_head is 2\.5/);
    assertConfigError({ ...llama, rms_norm_eps: -1 }, /rms_norm_eps is -1; expected a positive number/);
    assertConfigError({ ...llama, tie_word_embeddings: 'yes' }, /tie_word_embeddings is "yes"; expected true or false/);
  });

  test('config that is not an object', () => {
    assertConfigError([gpt2], /expected a JSON object/);
    assertConfigError(null, /expected a JSON object/);
  });
});
