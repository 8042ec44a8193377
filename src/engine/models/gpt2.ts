/**
 * GPT-2 forward pass, following Hugging Face's modeling_gpt2.py (GPT2Model,
 * GPT2Block, GPT2Attention eager path, GPT2MLP): learned positions, pre-norm
 * blocks, Conv1D weights stored [in, out], tanh GELU ("gelu_new"), a final
 * layer norm and an output head tied to the token embeddings.
 */
import type { KeptAttention } from '../attention';
import type { Checkpoint } from '../checkpoint';
import type { ModelConfig } from '../config';
import { ConfigError } from '../errors';
import { TypeScriptKernels, type KernelBackend } from '../kernels/backend';
import type { PackedMatrix } from '../kernels/matmul';
import {
  betweenLayers, checkIds, logitsOfPosition, splitHeads, WeightReader,
  type ForwardOptions, type ForwardResult, type LanguageModel,
} from './model';

interface Gpt2Layer {
  readonly norm1Weight: Float32Array; // [d]
  readonly norm1Bias: Float32Array; // [d]
  readonly attention: PackedMatrix; // c_attn: [d, 3d], output q | k | v
  readonly attentionBias: Float32Array; // [3d]
  readonly projection: PackedMatrix; // attn.c_proj: [d, d]
  readonly projectionBias: Float32Array; // [d]
  readonly norm2Weight: Float32Array;
  readonly norm2Bias: Float32Array;
  readonly up: PackedMatrix; // mlp.c_fc: [d, inner]
  readonly upBias: Float32Array; // [inner]
  readonly down: PackedMatrix; // mlp.c_proj: [inner, d]
  readonly downBias: Float32Array; // [d]
}

/** Scratch buffers for one sequence length in the kernels' memory, allocated once and reused. */
class Gpt2RunState {
  readonly normed: Float32Array; // [n, d]
  readonly qkv: Float32Array; // [n, 3d]
  readonly values: Float32Array; // [heads, n, headDim]
  readonly context: Float32Array; // [n, d]
  readonly projected: Float32Array; // [n, d]
  readonly inner: Float32Array; // [n, intermediateSize]

  constructor(readonly n: number, config: ModelConfig, private readonly kernels: KernelBackend) {
    const d = config.dModel;
    this.normed = kernels.allocate(n * d);
    this.qkv = kernels.allocate(n * 3 * d);
    this.values = kernels.allocate(n * d);
    this.context = kernels.allocate(n * d);
    this.projected = kernels.allocate(n * d);
    this.inner = kernels.allocate(n * config.intermediateSize);
  }

  free(): void {
    for (const buffer of [this.normed, this.qkv, this.values, this.context, this.projected, this.inner]) this.kernels.free(buffer);
  }
}

export class Gpt2Model implements LanguageModel {
  readonly causal = true;
  private readonly positionEmbeddings: Float32Array; // wpe: [maxPositions, d]
  private readonly layers: Gpt2Layer[];
  private readonly finalNormWeight: Float32Array;
  private readonly finalNormBias: Float32Array;
  private readonly outputHead: PackedMatrix; // wte as [d, vocab]
  private readonly logits: Float32Array; // [vocab] scratch of logitsAt
  private state: Gpt2RunState | null = null;

  constructor(readonly config: ModelConfig, checkpoint: Checkpoint, readonly kernels: KernelBackend = new TypeScriptKernels()) {
    const { dModel: d, vocabSize, maxPositions, intermediateSize: inner } = config;
    if (!config.tieWordEmbeddings) {
      throw new ConfigError('config.json: tie_word_embeddings = false is not supported for gpt2; GPT-2 ties its output head to wte.');
    }
    // GPT2LMHeadModel saves "transformer.h.0...", GPT2Model and the published gpt2 checkpoint "h.0...".
    const weights = new WeightReader(checkpoint, ['transformer.', ''], 'wte.weight', kernels);
    this.positionEmbeddings = weights.readHost('wpe.weight', [maxPositions, d]).slice();
    this.layers = [];
    for (let layer = 0; layer < config.layers; layer++) {
      const p = `h.${layer}.`;
      this.layers.push({
        norm1Weight: weights.read(p + 'ln_1.weight', [d]),
        norm1Bias: weights.read(p + 'ln_1.bias', [d]),
        attention: weights.packedConv1d(p + 'attn.c_attn.weight', d, 3 * d),
        attentionBias: weights.read(p + 'attn.c_attn.bias', [3 * d]),
        projection: weights.packedConv1d(p + 'attn.c_proj.weight', d, d),
        projectionBias: weights.read(p + 'attn.c_proj.bias', [d]),
        norm2Weight: weights.read(p + 'ln_2.weight', [d]),
        norm2Bias: weights.read(p + 'ln_2.bias', [d]),
        up: weights.packedConv1d(p + 'mlp.c_fc.weight', d, inner),
        upBias: weights.read(p + 'mlp.c_fc.bias', [inner]),
        down: weights.packedConv1d(p + 'mlp.c_proj.weight', inner, d),
        downBias: weights.read(p + 'mlp.c_proj.bias', [d]),
      });
    }
    this.finalNormWeight = weights.read('ln_f.weight', [d]);
    this.finalNormBias = weights.read('ln_f.bias', [d]);
    // The packed output head is the only copy of wte, and token embeddings are read back out of
    // it. The checkpoint's bytes need not stay in memory.
    this.outputHead = kernels.pack(weights.readHost('wte.weight', [vocabSize, d]), d, vocabSize, 'outIn');
    this.logits = kernels.allocate(vocabSize);
  }

  async forward(ids: Int32Array, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { dModel: d, heads, headDim, layers, normEps: eps, intermediateSize: inner } = this.config;
    const n = ids.length;
    checkIds(ids, this.config.vocabSize, this.config.maxPositions);
    if (this.state?.n !== n) {
      this.state?.free();
      this.state = new Gpt2RunState(n, this.config, this.kernels);
    }
    const state = this.state;
    const kernels = this.kernels;

    // Residual stream [n, d]: token embedding + position embedding (positions 0..n-1).
    const x = kernels.allocate(n * d);
    for (let token = 0; token < n; token++) {
      const row = x.subarray(token * d, (token + 1) * d);
      kernels.unpackColumn(row, this.outputHead, ids[token]);
      for (let i = 0; i < d; i++) row[i] += this.positionEmbeddings[token * d + i];
    }

    const kept: KeptAttention = {
      layers, heads, kvHeads: heads, headDim, tokenCount: n,
      scale: 1 / Math.sqrt(headDim),
      mask: { causal: true, slidingWindow: null, firstSlidingWindowLayer: 0 },
      queries: [], keys: [],
    };
    for (let layer = 0; layer < layers; layer++) {
      await betweenLayers(options, layer, layers);
      const weights = this.layers[layer];
      kernels.layerNorm(state.normed, x, n, d, weights.norm1Weight, weights.norm1Bias, eps);
      kernels.matmul(state.qkv, state.normed, n, weights.attention, weights.attentionBias);
      const queries = kernels.allocate(n * d); // [heads, n, headDim]
      const keys = kernels.allocate(n * d); // [heads, n, headDim]
      splitHeads(queries, state.qkv, n, 3 * d, 0, heads, headDim);
      splitHeads(keys, state.qkv, n, 3 * d, d, heads, headDim);
      splitHeads(state.values, state.qkv, n, 3 * d, 2 * d, heads, headDim);
      kept.queries.push(queries);
      kept.keys.push(keys);
      kernels.attend(state.context, kept, layer, state.values);
      kernels.matmul(state.projected, state.context, n, weights.projection, weights.projectionBias);
      kernels.addInPlace(x, state.projected, n * d);

      kernels.layerNorm(state.normed, x, n, d, weights.norm2Weight, weights.norm2Bias, eps);
      kernels.matmul(state.inner, state.normed, n, weights.up, weights.upBias);
      this.activate(state.inner, n * inner);
      kernels.matmul(state.projected, state.inner, n, weights.down, weights.downBias);
      kernels.addInPlace(x, state.projected, n * d);
    }
    kernels.layerNorm(x, x, n, d, this.finalNormWeight, this.finalNormBias, eps);
    const lastLogits = this.logitsAt(x, n - 1);
    options.onProgress?.('Done', 1);
    return { attention: kept, hidden: x, lastLogits };
  }

  logitsAt(hidden: Float32Array, position: number): Float32Array {
    return logitsOfPosition(this.kernels, this.logits, hidden, position, this.config.dModel, this.outputHead);
  }

  private activate(x: Float32Array, count: number): void {
    switch (this.config.activation) {
      case 'gelu_new':
      case 'gelu':
      case 'relu':
        return this.kernels.activate(x, count, this.config.activation);
      case 'silu':
        throw new ConfigError('config.json: activation_function "silu" is not supported for gpt2.');
    }
  }
}
