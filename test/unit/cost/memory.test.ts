import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CostInputError, doublingEffect, eagerAttentionMemory, kvCacheMemory, MODEL_PRESETS, presetById, tiledAttentionMemory,
  weightBytesByDtype,
} from '../../../src/cost/index';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('KV cache', () => {
  const llama = presetById('llama-3.1-8b').config;
  const mistral = presetById('mistral-7b-v0.1').config;

  it('Llama 3.1 8B grouped-query by hand', () => {
    // 2 (K and V) x 32 layers x 8 kv heads x 128 head dim x 2 bytes (bf16) = 131,072 bytes a token.
    assert.equal(kvCacheMemory(llama, 1, 1, 'BF16').bytesPerToken, 131_072);
    assert.equal(kvCacheMemory(llama, 8192, 1, 'BF16').total, 1 * GiB);
    assert.equal(kvCacheMemory(llama, 131_072, 1, 'BF16').total, 16 * GiB);
    assert.equal(kvCacheMemory(llama, 8192, 4, 'F32').total, 8 * GiB);
    // Without grouped-query attention (32 kv heads) the cache would be four times larger.
    assert.equal(kvCacheMemory({ ...llama, kvHeads: 32 }, 8192, 1, 'BF16').total, 4 * GiB);
  });

  it('Mistral 7B sliding window by hand', () => {
    // Same per-token size as Llama 3.1 8B (32 layers, 8 kv heads, 128 head dim), capped at 4,096 tokens.
    assert.equal(kvCacheMemory(mistral, 2048, 1, 'BF16').total, 256 * MiB);
    assert.equal(kvCacheMemory(mistral, 4096, 1, 'BF16').total, 512 * MiB);
    assert.equal(kvCacheMemory(mistral, 8192, 1, 'BF16').cachedTokens, 4096);
    assert.equal(kvCacheMemory(mistral, 8192, 1, 'BF16').total, 512 * MiB);
    assert.equal(kvCacheMemory(mistral, 32_768, 1, 'BF16').total, 512 * MiB);
  });

  it('quantized weights keep a 16-bit cache', () => {
    assert.equal(kvCacheMemory(llama, 8192, 1, 'INT4').total, 1 * GiB);
  });
});

describe('doubling the context', () => {
  for (const preset of MODEL_PRESETS) {
    it(`${preset.config.name} quadruples eager attention memory`, () => {
      const effect = doublingEffect(preset.config, 256);
      assert.equal(effect.ratios.eagerMemory, 4);
      assert.equal(effect.ratios.kvCache, 2, 'below the window the KV cache doubles');
      assert.ok(effect.ratios.tiledMemory < 2, 'tiled memory grows at most linearly');
      assert.equal(effect.ratios.attentionFlops, 4);
      assert.equal(effect.ratios.linearFlops, 2);
    });
  }

  it('Mistral KV cache stops growing past the window', () => {
    const mistral = presetById('mistral-7b-v0.1').config;
    assert.equal(doublingEffect(mistral, 2048).ratios.kvCache, 2);
    assert.equal(doublingEffect(mistral, 4096).ratios.kvCache, 1);
    assert.equal(doublingEffect(mistral, 4096).ratios.eagerMemory, 4, 'eager attention still forms the full matrix');
  });
});

describe('eager against tiled attention', () => {
  const gpt2 = presetById('gpt2').config;

  it('GPT-2 small at 1,024 tokens by hand', () => {
    const eager = eagerAttentionMemory(gpt2, 1024, 1, 'F32');
    assert.equal(eager.perLayer, 12 * 1024 * 1024 * 4); // 48 MiB
    assert.equal(eager.allLayers, 12 * 48 * MiB);
    assert.equal(eager.peak, 48 * MiB);

    const tiled = tiledAttentionMemory(gpt2, 1024, 1, 'F32');
    assert.equal(tiled.rowStatistics, 12 * 1024 * 2 * 4); // m and l, fp32
    // Q_i, O_i [64, 64], K_j, V_j [64, 64], S_ij [64, 64]: five 4,096-element f32 tiles.
    assert.equal(tiled.tileBuffers, 5 * 4096 * 4);
    assert.ok(eager.peak / tiled.peak > 250);
  });

  it('tile shrinks to short sequences', () => {
    const tiled = tiledAttentionMemory(gpt2, 16, 1, 'F32');
    assert.deepEqual(tiled.tile, { rows: 16, columns: 16 });
  });

  it('rejects an invalid tile', () => {
    assert.throws(() => tiledAttentionMemory(gpt2, 16, 1, 'F32', { rows: 0, columns: 64 }), CostInputError);
  });
});

describe('weights by dtype', () => {
  it('Llama 3.1 8B', () => {
    const bytes = weightBytesByDtype(8_030_261_248);
    assert.equal(bytes.F32, 32_121_044_992);
    assert.equal(bytes.BF16, 16_060_522_496);
    assert.equal(bytes.INT8, 8_030_261_248);
    assert.equal(bytes.INT4, 4_015_130_624);
  });
});
