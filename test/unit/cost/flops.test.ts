import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  attentionCrossoverLength, countParameters, CostInputError, forwardFlops, GELU_FLOPS_PER_ELEMENT, LAYERNORM_FLOPS_PER_ELEMENT,
  linearLayerFlops, MODEL_PRESETS, presetById, quadraticAttentionFlops, SOFTMAX_FLOPS_PER_SCORE, unmaskedScores,
} from '../../../src/cost/index';

/**
 * Kaplan et al. (2020), Table 1: forward FLOPs per token C = 2N + 2 n_layer n_ctx d_attn,
 * N = non-embedding matrix parameters. It leaves out biases, norms, softmax, activations,
 * residual and embedding adds, RoPE and the output head ("de-embed", 2 d_model n_vocab).
 */
function kaplanForwardPerToken(n: number, nonEmbedding: number, layers: number, dAttn: number): number {
  return 2 * nonEmbedding + 2 * layers * n * dAttn;
}

describe('forward FLOPs against Kaplan et al.', () => {
  for (const preset of MODEL_PRESETS) {
    const config = preset.config;
    for (const n of [16, 128, 1024]) {
      it(`${config.name} at n = ${n}`, () => {
        const flops = forwardFlops(config, n);
        const nonEmbedding = countParameters(config).nonEmbeddingMatrices;
        const dAttn = config.heads * config.headDim;

        // The 2N term: every layer matrix once per token.
        assert.equal(linearLayerFlops(flops), 2 * nonEmbedding * n);
        // Kaplan's attention term counts half of QK^T plus attention x V over the full matrix,
        // which equals both over the causal half n^2 / 2 (this module's full count is twice it).
        assert.equal((flops.qkProduct + flops.attentionValues) / 2, 2 * config.layers * n * dAttn * n);

        const leftOut = flops.softmax + flops.elementwise + flops.outputHead;
        const kaplanPart = flops.total - leftOut - (flops.qkProduct + flops.attentionValues) / 2;
        assert.equal(kaplanPart, n * kaplanForwardPerToken(n, nonEmbedding, config.layers, dAttn));
      });
    }
  }

  it('GPT-2 small Kaplan N by hand', () => {
    // N = 2 d_model n_layer (2 d_attn + d_ff) = 2 x 768 x 12 x (1536 + 3072).
    const flops = forwardFlops(presetById('gpt2').config, 1);
    assert.equal(linearLayerFlops(flops), 2 * 84_934_656);
  });
});

describe('terms Kaplan leaves out', () => {
  const gpt2 = presetById('gpt2').config;

  it('softmax per score', () => {
    const flops = forwardFlops(gpt2, 100, 3);
    assert.equal(flops.softmax, SOFTMAX_FLOPS_PER_SCORE * 3 * 12 * 12 * 100 * 100);
  });

  it('output head over every position', () => {
    // Kaplan's de-embed row: 2 d_model n_vocab per token.
    assert.equal(forwardFlops(gpt2, 50).outputHead, 50 * 2 * 768 * 50257);
  });

  it('BERT pooler on the first token only', () => {
    const bert = presetById('bert-base-uncased').config;
    assert.equal(forwardFlops(bert, 128).outputHead, 2 * 768 * 768);
    assert.equal(forwardFlops(bert, 256, 2).outputHead, 2 * 2 * 768 * 768);
  });

  it('GPT-2 small elementwise by hand', () => {
    const perLayer = 2 * LAYERNORM_FLOPS_PER_ELEMENT * 768 // ln_1, ln_2
      + 2 * 768 // residual adds
      + 2304 + 768 // c_attn and attn.c_proj biases
      + 3072 + 768 // mlp c_fc and c_proj biases
      + GELU_FLOPS_PER_ELEMENT * 3072;
    const outside = 768 /* wpe add */ + LAYERNORM_FLOPS_PER_ELEMENT * 768 /* ln_f */;
    assert.equal(forwardFlops(gpt2, 10).elementwise, 10 * (12 * perLayer + outside));
  });

  it('left-out terms are a small share at n = 1024', () => {
    const flops = forwardFlops(gpt2, 1024);
    const share = (flops.softmax + flops.elementwise) / flops.total;
    assert.ok(share > 0.001, `softmax and elementwise share ${share}`);
    assert.ok(share < 0.05, `softmax and elementwise share ${share}`);
  });
});

describe('causal and windowed scores', () => {
  it('causal half includes the diagonal', () => {
    assert.equal(unmaskedScores(4, true, null), 10);
    assert.equal(unmaskedScores(4, false, null), 16);
  });

  it('Mistral window by hand', () => {
    // Queries 0..4095 see 1..4096 keys; the 4096 later queries see 4096 each.
    assert.equal(unmaskedScores(8192, true, 4096), 25_167_872); // 4096 x 4097 / 2 + 4096 x 4096
    assert.equal(unmaskedScores(4096, true, 4096), (4096 * 4097) / 2);
  });

  it('causal figure is Kaplan plus the diagonal', () => {
    const config = presetById('gpt2').config;
    const n = 512;
    const flops = forwardFlops(config, n);
    const dAttn = 768;
    const kaplanAttention = 2 * config.layers * n * dAttn * n;
    assert.equal(flops.unmasked.qkProduct + flops.unmasked.attentionValues, kaplanAttention + 2 * config.layers * n * dAttn);
  });

  it('bidirectional BERT keeps every score', () => {
    const flops = forwardFlops(presetById('bert-base-uncased').config, 64);
    assert.equal(flops.unmasked.total, flops.total);
  });
});

describe('attention crossover', () => {
  for (const preset of MODEL_PRESETS) {
    it(`${preset.config.name} quadratic overtakes linear at the crossover`, () => {
      const crossover = attentionCrossoverLength(preset.config);
      const below = Math.floor(crossover);
      const above = Math.ceil(crossover + 1e-9);
      assert.ok(quadraticAttentionFlops(forwardFlops(preset.config, below)) <= linearLayerFlops(forwardFlops(preset.config, below)));
      assert.ok(quadraticAttentionFlops(forwardFlops(preset.config, above)) > linearLayerFlops(forwardFlops(preset.config, above)));
    });
  }

  it('GPT-2 small crossover by hand', () => {
    // Linear: 2 x (768 x 2304 + 768 x 768 + 2 x 768 x 3072) = 14,155,776 per token and layer.
    // Quadratic: 12 heads x (4 x 64 + 6) = 3,144 per score row.
    assert.equal(attentionCrossoverLength(presetById('gpt2').config), 14_155_776 / 3_144);
  });
});

describe('invalid lengths', () => {
  const config = presetById('gpt2').config;
  for (const [name, n, batch] of [['zero length', 0, 1], ['fractional length', 1.5, 1], ['negative batch', 8, -1], ['NaN length', Number.NaN, 1]] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => forwardFlops(config, n, batch), CostInputError);
    });
  }
});
