/**
 * BERT encoder forward pass, following Hugging Face's modeling_bert.py
 * (BertEmbeddings, BertSelfAttention eager path, BertSelfOutput,
 * BertIntermediate, BertOutput): word + position + token-type embeddings (type
 * 0 for every token) and a layer norm, bidirectional attention, post-norm
 * residual blocks and the erf GELU. No language-model head is loaded, so
 * there are no logits.
 */
import type { KeptAttention } from '../attention';
import type { Checkpoint } from '../checkpoint';
import type { ModelConfig } from '../config';
import { TypeScriptKernels, type KernelBackend } from '../kernels/backend';
import type { PackedMatrix } from '../kernels/matmul';
import { ConfigError } from '../errors';
import {
  betweenLayers, checkIds, splitHeads, WeightReader,
  type ForwardOptions, type ForwardResult, type LanguageModel,
} from './model';

interface BertLayer {
  readonly query: PackedMatrix; // [d, d]
  readonly queryBias: Float32Array;
  readonly key: PackedMatrix;
  readonly keyBias: Float32Array;
  readonly value: PackedMatrix;
  readonly valueBias: Float32Array;
  readonly attentionOutput: PackedMatrix; // attention.output.dense: [d, d]
  readonly attentionOutputBias: Float32Array;
  readonly attentionNormWeight: Float32Array;
  readonly attentionNormBias: Float32Array;
  readonly intermediate: PackedMatrix; // [d, inner]
  readonly intermediateBias: Float32Array;
  readonly output: PackedMatrix; // output.dense: [inner, d]
  readonly outputBias: Float32Array;
  readonly outputNormWeight: Float32Array;
  readonly outputNormBias: Float32Array;
}

/** Scratch buffers for one sequence length in the kernels' memory, allocated once and reused. */
class BertRunState {
  readonly projected: Float32Array; // [n, d] q, k or v before the head split, then dense outputs
  readonly values: Float32Array; // [heads, n, headDim]
  readonly context: Float32Array; // [n, d]
  readonly attentionOutput: Float32Array; // [n, d]
  readonly inner: Float32Array; // [n, inner]

  constructor(readonly n: number, config: ModelConfig, private readonly kernels: KernelBackend) {
    const d = config.dModel;
    this.projected = kernels.allocate(n * d);
    this.values = kernels.allocate(n * d);
    this.context = kernels.allocate(n * d);
    this.attentionOutput = kernels.allocate(n * d);
    this.inner = kernels.allocate(n * config.intermediateSize);
  }

  free(): void {
    for (const buffer of [this.projected, this.values, this.context, this.attentionOutput, this.inner]) this.kernels.free(buffer);
  }
}

export class BertModel implements LanguageModel {
  readonly causal = false;
  private readonly wordEmbeddings: Float32Array; // [vocab, d]
  private readonly positionEmbeddings: Float32Array; // [maxPositions, d]
  private readonly tokenTypeEmbedding: Float32Array; // row 0 of token_type_embeddings: [d]
  private readonly embeddingNormWeight: Float32Array;
  private readonly embeddingNormBias: Float32Array;
  private readonly layers: BertLayer[];
  private state: BertRunState | null = null;

  constructor(readonly config: ModelConfig, checkpoint: Checkpoint, readonly kernels: KernelBackend = new TypeScriptKernels()) {
    const { dModel: d, vocabSize, maxPositions, intermediateSize: inner, typeVocabSize } = config;
    // BertForMaskedLM and friends save "bert.embeddings..."; BertModel saves "embeddings...".
    const weights = new WeightReader(checkpoint, ['bert.', ''], 'embeddings.word_embeddings.weight', kernels);
    // Copies, so the checkpoint's bytes need not stay in memory.
    this.wordEmbeddings = weights.readHost('embeddings.word_embeddings.weight', [vocabSize, d]).slice();
    this.positionEmbeddings = weights.readHost('embeddings.position_embeddings.weight', [maxPositions, d]).slice();
    this.tokenTypeEmbedding = weights.readHost('embeddings.token_type_embeddings.weight', [typeVocabSize, d]).slice(0, d);
    this.embeddingNormWeight = weights.read('embeddings.LayerNorm.weight', [d]);
    this.embeddingNormBias = weights.read('embeddings.LayerNorm.bias', [d]);
    this.layers = [];
    for (let layer = 0; layer < config.layers; layer++) {
      const p = `encoder.layer.${layer}.`;
      this.layers.push({
        query: weights.packedLinear(p + 'attention.self.query.weight', d, d),
        queryBias: weights.read(p + 'attention.self.query.bias', [d]),
        key: weights.packedLinear(p + 'attention.self.key.weight', d, d),
        keyBias: weights.read(p + 'attention.self.key.bias', [d]),
        value: weights.packedLinear(p + 'attention.self.value.weight', d, d),
        valueBias: weights.read(p + 'attention.self.value.bias', [d]),
        attentionOutput: weights.packedLinear(p + 'attention.output.dense.weight', d, d),
        attentionOutputBias: weights.read(p + 'attention.output.dense.bias', [d]),
        attentionNormWeight: weights.read(p + 'attention.output.LayerNorm.weight', [d]),
        attentionNormBias: weights.read(p + 'attention.output.LayerNorm.bias', [d]),
        intermediate: weights.packedLinear(p + 'intermediate.dense.weight', d, inner),
        intermediateBias: weights.read(p + 'intermediate.dense.bias', [inner]),
        output: weights.packedLinear(p + 'output.dense.weight', inner, d),
        outputBias: weights.read(p + 'output.dense.bias', [d]),
        outputNormWeight: weights.read(p + 'output.LayerNorm.weight', [d]),
        outputNormBias: weights.read(p + 'output.LayerNorm.bias', [d]),
      });
    }
  }

  async forward(ids: Int32Array, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { dModel: d, heads, headDim, layers, normEps: eps, intermediateSize: inner } = this.config;
    const n = ids.length;
    checkIds(ids, this.config.vocabSize, this.config.maxPositions);
    if (this.state?.n !== n) {
      this.state?.free();
      this.state = new BertRunState(n, this.config, this.kernels);
    }
    const state = this.state;
    const kernels = this.kernels;

    // Hidden states [n, d]: word + token type 0 + position, then LayerNorm.
    const x = kernels.allocate(n * d);
    for (let token = 0; token < n; token++) {
      for (let i = 0; i < d; i++) {
        x[token * d + i] = this.wordEmbeddings[ids[token] * d + i] + this.tokenTypeEmbedding[i] + this.positionEmbeddings[token * d + i];
      }
    }
    kernels.layerNorm(x, x, n, d, this.embeddingNormWeight, this.embeddingNormBias, eps);

    const kept: KeptAttention = {
      layers, heads, kvHeads: heads, headDim, tokenCount: n,
      scale: 1 / Math.sqrt(headDim),
      mask: { causal: false, slidingWindow: null, firstSlidingWindowLayer: 0 },
      queries: [], keys: [],
    };
    for (let layer = 0; layer < layers; layer++) {
      await betweenLayers(options, layer, layers);
      const weights = this.layers[layer];
      const queries = kernels.allocate(n * d); // [heads, n, headDim]
      const keys = kernels.allocate(n * d); // [heads, n, headDim]
      kernels.matmul(state.projected, x, n, weights.query, weights.queryBias);
      splitHeads(queries, state.projected, n, d, 0, heads, headDim);
      kernels.matmul(state.projected, x, n, weights.key, weights.keyBias);
      splitHeads(keys, state.projected, n, d, 0, heads, headDim);
      kernels.matmul(state.projected, x, n, weights.value, weights.valueBias);
      splitHeads(state.values, state.projected, n, d, 0, heads, headDim);
      kept.queries.push(queries);
      kept.keys.push(keys);
      kernels.attend(state.context, kept, layer, state.values);

      // BertSelfOutput: LayerNorm(dense(context) + input).
      kernels.matmul(state.attentionOutput, state.context, n, weights.attentionOutput, weights.attentionOutputBias);
      kernels.addInPlace(state.attentionOutput, x, n * d);
      kernels.layerNorm(state.attentionOutput, state.attentionOutput, n, d, weights.attentionNormWeight, weights.attentionNormBias, eps);

      // BertIntermediate then BertOutput: LayerNorm(dense(act(dense(h))) + h).
      kernels.matmul(state.inner, state.attentionOutput, n, weights.intermediate, weights.intermediateBias);
      this.activate(state.inner, n * inner);
      kernels.matmul(x, state.inner, n, weights.output, weights.outputBias);
      kernels.addInPlace(x, state.attentionOutput, n * d);
      kernels.layerNorm(x, x, n, d, weights.outputNormWeight, weights.outputNormBias, eps);
    }
    options.onProgress?.('Done', 1);
    return { attention: kept, hidden: x, lastLogits: null };
  }

  logitsAt(): null {
    return null;
  }

  private activate(x: Float32Array, count: number): void {
    switch (this.config.activation) {
      case 'gelu':
      case 'gelu_new':
      case 'relu':
        return this.kernels.activate(x, count, this.config.activation);
      case 'silu':
        throw new ConfigError('config.json: hidden_act "silu" is not supported for bert.');
    }
  }
}
