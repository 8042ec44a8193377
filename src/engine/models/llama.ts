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
import { TypeScriptKernels, type KernelBackend } from '../kernels/backend';
import type { PackedMatrix } from '../kernels/matmul';
import { ropeInverseFrequencies, ropeTables, type RopeTables } from '../kernels/rope';
import {
  betweenLayers, checkIds, logitsOfPosition, splitHeads, WeightReader,
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

/** Scratch buffers for one sequence length in the kernels' memory, allocated once and reused. */
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
  readonly rope: RopeTables; // [n, headDim / 2] cos and sin

  constructor(readonly n: number, config: ModelConfig, inverseFrequencies: Float32Array, private readonly kernels: KernelBackend) {
    const { dModel: d, heads, kvHeads, headDim, intermediateSize: inner } = config;
    this.normed = kernels.allocate(n * d);
    this.projectedQueries = kernels.allocate(n * heads * headDim);
    this.projectedKeys = kernels.allocate(n * kvHeads * headDim);
    this.projectedValues = kernels.allocate(n * kvHeads * headDim);
    this.values = kernels.allocate(kvHeads * n * headDim);
    this.context = kernels.allocate(n * heads * headDim);
    this.projected = kernels.allocate(n * d);
    this.gate = kernels.allocate(n * inner);
    this.up = kernels.allocate(n * inner);
    const tables = ropeTables(inverseFrequencies, n);
    this.rope = { ...tables, cos: kernels.adopt(tables.cos), sin: kernels.adopt(tables.sin) };
  }

  free(): void {
    const buffers = [
      this.normed, this.projectedQueries, this.projectedKeys, this.projectedValues, this.values, this.context,
      this.projected, this.gate, this.up, this.rope.cos, this.rope.sin,
    ];
    for (const buffer of buffers) this.kernels.free(buffer);
  }
}

export class LlamaModel implements LanguageModel {
  readonly causal = true;
  /** embed_tokens [vocab, d], or null when tied: rows are then read out of the packed output head. */
  private readonly tokenEmbeddings: Float32Array | null;
  private readonly layers: LlamaLayer[];
  private readonly finalNorm: Float32Array; // [d]
  private readonly outputHead: PackedMatrix; // lm_head (or embed_tokens when tied) as [d, vocab]
  private readonly inverseFrequencies: Float32Array; // [headDim / 2]
  private readonly logits: Float32Array; // [vocab] scratch of logitsAt
  private state: LlamaRunState | null = null;

  constructor(readonly config: ModelConfig, checkpoint: Checkpoint, readonly kernels: KernelBackend = new TypeScriptKernels()) {
    const { dModel: d, vocabSize, heads, kvHeads, headDim, intermediateSize: inner } = config;
    // *ForCausalLM checkpoints prefix the decoder with "model."; a bare *Model checkpoint has none.
    const weights = new WeightReader(checkpoint, ['model.', ''], 'embed_tokens.weight', kernels);
    const optional = (name: string, size: number, present: boolean) => (present ? weights.read(name, [size]) : null);
    // A copy, so the checkpoint's bytes need not stay in memory.
    this.tokenEmbeddings = config.tieWordEmbeddings ? null : weights.readHost('embed_tokens.weight', [vocabSize, d]).slice();
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
      : packLinearUnprefixed(weights, kernels, 'lm_head.weight', d, vocabSize);
    this.logits = kernels.allocate(vocabSize);
    this.inverseFrequencies = ropeInverseFrequencies(headDim, config.ropeTheta, config.ropeScaling);
  }

  async forward(ids: Int32Array, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { dModel: d, heads, kvHeads, headDim, layers, normEps: eps, intermediateSize: inner } = this.config;
    const n = ids.length;
    checkIds(ids, this.config.vocabSize, this.config.maxPositions);
    if (this.state?.n !== n) {
      this.state?.free();
      this.state = new LlamaRunState(n, this.config, this.inverseFrequencies, this.kernels);
    }
    const state = this.state;
    const kernels = this.kernels;

    const x = kernels.allocate(n * d); // residual stream [n, d]
    for (let token = 0; token < n; token++) {
      if (this.tokenEmbeddings === null) kernels.unpackColumn(x.subarray(token * d, (token + 1) * d), this.outputHead, ids[token]);
      else x.set(this.tokenEmbeddings.subarray(ids[token] * d, (ids[token] + 1) * d), token * d);
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
      kernels.rmsNorm(state.normed, x, n, d, weights.inputNorm, eps);
      kernels.matmul(state.projectedQueries, state.normed, n, weights.query, weights.queryBias);
      kernels.matmul(state.projectedKeys, state.normed, n, weights.key, weights.keyBias);
      kernels.matmul(state.projectedValues, state.normed, n, weights.value, weights.valueBias);
      const queries = kernels.allocate(heads * n * headDim); // [heads, n, headDim]
      const keys = kernels.allocate(kvHeads * n * headDim); // [kvHeads, n, headDim]
      splitHeads(queries, state.projectedQueries, n, heads * headDim, 0, heads, headDim);
      splitHeads(keys, state.projectedKeys, n, kvHeads * headDim, 0, kvHeads, headDim);
      splitHeads(state.values, state.projectedValues, n, kvHeads * headDim, 0, kvHeads, headDim);
      kernels.rope(queries, heads, n, headDim, state.rope);
      kernels.rope(keys, kvHeads, n, headDim, state.rope);
      kept.queries.push(queries);
      kept.keys.push(keys);
      kernels.attend(state.context, kept, layer, state.values);
      kernels.matmul(state.projected, state.context, n, weights.output, weights.outputBias);
      kernels.addInPlace(x, state.projected, n * d);

      kernels.rmsNorm(state.normed, x, n, d, weights.postAttentionNorm, eps);
      kernels.matmul(state.gate, state.normed, n, weights.gate, weights.gateBias);
      kernels.matmul(state.up, state.normed, n, weights.up, weights.upBias);
      kernels.activate(state.gate, n * inner, 'silu');
      kernels.multiplyInPlace(state.gate, state.up, n * inner);
      kernels.matmul(state.projected, state.gate, n, weights.down, weights.downBias);
      kernels.addInPlace(x, state.projected, n * d);
    }
    kernels.rmsNorm(x, x, n, d, this.finalNorm, eps);
    const lastLogits = this.logitsAt(x, n - 1);
    options.onProgress?.('Done', 1);
    return { attention: kept, hidden: x, lastLogits };
  }

  logitsAt(hidden: Float32Array, position: number): Float32Array {
    return logitsOfPosition(this.kernels, this.logits, hidden, position, this.config.dModel, this.outputHead);
  }
}

function packLinearUnprefixed(
  weights: WeightReader, kernels: KernelBackend, name: string, inFeatures: number, outFeatures: number,
): PackedMatrix {
  // lm_head sits beside "model.", not under it, so it is read without the prefix.
  const data = weights.readUnprefixed(name, [outFeatures, inFeatures]);
  return kernels.pack(data, inFeatures, outFeatures, 'outIn');
}
