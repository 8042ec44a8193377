/**
 * Forward pass of the Llama family (model_type llama, qwen2, mistral),
 * following Hugging Face's modeling_llama.py, modeling_qwen2.py and
 * modeling_mistral.py (eager attention): RMSNorm pre-norm blocks, rotate-half
 * RoPE (optionally with llama3 frequency scaling), grouped-query attention,
 * q/k/v biases where configured (qwen2), a sliding-window mask where
 * configured (mistral, qwen2 with use_sliding_window) and a SwiGLU MLP.
 */
import type { KeptAttention } from '../attention';
import type { Checkpoint } from '../checkpoint';
import type { ModelConfig } from '../config';
import { silu } from '../kernels/activation';
import { addInPlace, multiplyInPlace } from '../kernels/elementwise';
import { matmulPacked, packWeights, type PackedMatrix } from '../kernels/matmul';
import { rmsNorm } from '../kernels/norm';
import { applyRope, ropeInverseFrequencies, ropeTables, type RopeTables } from '../kernels/rope';
import {
  attend, betweenLayers, checkIds, splitHeads, WeightReader,
  type ForwardOptions, type ForwardResult, type LanguageModel,
} from './model';

interface LlamaLayer {
  readonly inputNorm: Float32Array; // [d]
  readonly query: PackedMatrix; // q_proj: [d, heads * headDim]
  readonly queryBias: Float32Array | null;
  readonly key: PackedMatrix; // k_proj: [d, kvHeads * headDim]
  readonly keyBias: Float32Array | null;
  readonly value: PackedMatrix; // v_proj: [d, kvHeads * headDim]
  readonly valueBias: Float32Array | null;
  readonly output: PackedMatrix; // o_proj: [heads * headDim, d]
  readonly outputBias: Float32Array | null;
  readonly postAttentionNorm: Float32Array; // [d]
  readonly gate: PackedMatrix; // gate_proj: [d, inner]
  readonly gateBias: Float32Array | null;
  readonly up: PackedMatrix; // up_proj: [d, inner]
  readonly upBias: Float32Array | null;
  readonly down: PackedMatrix; // down_proj: [inner, d]
  readonly downBias: Float32Array | null;
}

/** Scratch buffers for one sequence length, allocated once and reused. */
class LlamaRunState {
  readonly normed: Float32Array; // [n, d]
  readonly projectedQueries: Float32Array; // [n, heads * headDim]
  readonly projectedKeys: Float32Array; // [n, kvHeads * headDim]
  readonly projectedValues: Float32Array; // [n, kvHeads * headDim]
  readonly values: Float32Array; // [kvHeads, n, headDim]
  readonly context: Float32Array; // [n, heads * headDim]
  readonly projected: Float32Array; // [n, d]
  readonly gate: Float32Array; // [n, inner]
  readonly up: Float32Array; // [n, inner]
  readonly row: Float32Array; // [n] one attention row
  readonly rope: RopeTables; // [n, headDim / 2] cos and sin

  constructor(readonly n: number, config: ModelConfig, inverseFrequencies: Float32Array) {
    const { dModel: d, heads, kvHeads, headDim, intermediateSize: inner } = config;
    this.normed = new Float32Array(n * d);
    this.projectedQueries = new Float32Array(n * heads * headDim);
    this.projectedKeys = new Float32Array(n * kvHeads * headDim);
    this.projectedValues = new Float32Array(n * kvHeads * headDim);
    this.values = new Float32Array(kvHeads * n * headDim);
    this.context = new Float32Array(n * heads * headDim);
    this.projected = new Float32Array(n * d);
    this.gate = new Float32Array(n * inner);
    this.up = new Float32Array(n * inner);
    this.row = new Float32Array(n);
    this.rope = ropeTables(inverseFrequencies, n);
  }
}

export class LlamaModel implements LanguageModel {
  readonly causal = true;
  private readonly tokenEmbeddings: Float32Array; // embed_tokens: [vocab, d]
  private readonly layers: LlamaLayer[];
  private readonly finalNorm: Float32Array; // [d]
  private readonly outputHead: PackedMatrix; // lm_head (or embed_tokens when tied) as [d, vocab]
  private readonly inverseFrequencies: Float32Array; // [headDim / 2]
  private state: LlamaRunState | null = null;

  constructor(readonly config: ModelConfig, checkpoint: Checkpoint) {
    const { dModel: d, vocabSize, heads, kvHeads, headDim, intermediateSize: inner } = config;
    // *ForCausalLM checkpoints prefix the decoder with "model."; a bare *Model checkpoint has none.
    const weights = new WeightReader(checkpoint, ['model.', ''], 'embed_tokens.weight');
    const optional = (name: string, size: number, present: boolean) => (present ? weights.read(name, [size]) : null);
    this.tokenEmbeddings = weights.read('embed_tokens.weight', [vocabSize, d]);
    this.layers = [];
    for (let layer = 0; layer < config.layers; layer++) {
      const p = `layers.${layer}.`;
      const qkvBias = config.attentionBias;
      this.layers.push({
        inputNorm: weights.read(p + 'input_layernorm.weight', [d]),
        query: weights.packedLinear(p + 'self_attn.q_proj.weight', d, heads * headDim),
        queryBias: optional(p + 'self_attn.q_proj.bias', heads * headDim, qkvBias),
        key: weights.packedLinear(p + 'self_attn.k_proj.weight', d, kvHeads * headDim),
        keyBias: optional(p + 'self_attn.k_proj.bias', kvHeads * headDim, qkvBias),
        value: weights.packedLinear(p + 'self_attn.v_proj.weight', d, kvHeads * headDim),
        valueBias: optional(p + 'self_attn.v_proj.bias', kvHeads * headDim, qkvBias),
        output: weights.packedLinear(p + 'self_attn.o_proj.weight', heads * headDim, d),
        outputBias: optional(p + 'self_attn.o_proj.bias', d, config.attentionOutputBias),
        postAttentionNorm: weights.read(p + 'post_attention_layernorm.weight', [d]),
        gate: weights.packedLinear(p + 'mlp.gate_proj.weight', d, inner),
        gateBias: optional(p + 'mlp.gate_proj.bias', inner, config.mlpBias),
        up: weights.packedLinear(p + 'mlp.up_proj.weight', d, inner),
        upBias: optional(p + 'mlp.up_proj.bias', inner, config.mlpBias),
        down: weights.packedLinear(p + 'mlp.down_proj.weight', inner, d),
        downBias: optional(p + 'mlp.down_proj.bias', d, config.mlpBias),
      });
    }
    this.finalNorm = weights.read('norm.weight', [d]);
    this.outputHead = config.tieWordEmbeddings
      ? weights.packedLinear('embed_tokens.weight', d, vocabSize)
      : packLinearUnprefixed(weights, 'lm_head.weight', d, vocabSize);
    this.inverseFrequencies = ropeInverseFrequencies(headDim, config.ropeTheta, config.ropeScaling);
  }

  async forward(ids: Int32Array, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { dModel: d, heads, kvHeads, headDim, layers, normEps: eps, intermediateSize: inner } = this.config;
    const n = ids.length;
    checkIds(ids, this.config.vocabSize, this.config.maxPositions);
    if (this.state?.n !== n) this.state = new LlamaRunState(n, this.config, this.inverseFrequencies);
    const state = this.state;

    const x = new Float32Array(n * d); // residual stream [n, d]
    for (let token = 0; token < n; token++) {
      x.set(this.tokenEmbeddings.subarray(ids[token] * d, (ids[token] + 1) * d), token * d);
    }

    const kept: KeptAttention = {
      layers, heads, kvHeads, headDim, tokenCount: n,
      scale: 1 / Math.sqrt(headDim),
      mask: {
        causal: true,
        slidingWindow: this.config.slidingWindow,
        firstSlidingWindowLayer: this.config.firstSlidingWindowLayer,
      },
      queries: [], keys: [],
    };
    for (let layer = 0; layer < layers; layer++) {
      await betweenLayers(options, layer, layers);
      const weights = this.layers[layer];
      rmsNorm(state.normed, x, n, d, weights.inputNorm, eps);
      matmulPacked(state.projectedQueries, state.normed, n, weights.query, weights.queryBias);
      matmulPacked(state.projectedKeys, state.normed, n, weights.key, weights.keyBias);
      matmulPacked(state.projectedValues, state.normed, n, weights.value, weights.valueBias);
      const queries = new Float32Array(heads * n * headDim); // [heads, n, headDim]
      const keys = new Float32Array(kvHeads * n * headDim); // [kvHeads, n, headDim]
      splitHeads(queries, state.projectedQueries, n, heads * headDim, 0, heads, headDim);
      splitHeads(keys, state.projectedKeys, n, kvHeads * headDim, 0, kvHeads, headDim);
      splitHeads(state.values, state.projectedValues, n, kvHeads * headDim, 0, kvHeads, headDim);
      applyRope(queries, heads, n, headDim, state.rope);
      applyRope(keys, kvHeads, n, headDim, state.rope);
      kept.queries.push(queries);
      kept.keys.push(keys);
      attend(state.context, kept, layer, state.values, state.row);
      matmulPacked(state.projected, state.context, n, weights.output, weights.outputBias);
      addInPlace(x, state.projected, n * d);

      rmsNorm(state.normed, x, n, d, weights.postAttentionNorm, eps);
      matmulPacked(state.gate, state.normed, n, weights.gate, weights.gateBias);
      matmulPacked(state.up, state.normed, n, weights.up, weights.upBias);
      silu(state.gate, state.gate, n * inner);
      multiplyInPlace(state.gate, state.up, n * inner);
      matmulPacked(state.projected, state.gate, n, weights.down, weights.downBias);
      addInPlace(x, state.projected, n * d);
    }
    rmsNorm(x, x, n, d, this.finalNorm, eps);
    const lastLogits = this.logitsAt(x, n - 1);
    options.onProgress?.('Done', 1);
    return { attention: kept, hidden: x, lastLogits };
  }

  logitsAt(hidden: Float32Array, position: number): Float32Array {
    const d = this.config.dModel;
    const logits = new Float32Array(this.config.vocabSize);
    matmulPacked(logits, hidden.subarray(position * d, (position + 1) * d), 1, this.outputHead, null);
    return logits;
  }
}

function packLinearUnprefixed(weights: WeightReader, name: string, inFeatures: number, outFeatures: number): PackedMatrix {
  // lm_head sits beside "model.", not under it, so it is read without the prefix.
  const data = weights.readUnprefixed(name, [outFeatures, inFeatures]);
  return packWeights(data, inFeatures, outFeatures, 'outIn');
}
