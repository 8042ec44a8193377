/**
 * Parameter counts exactly as a Hugging Face checkpoint stores them: every weight
 * matrix, bias vector and norm vector, with a tied output head counted once.
 * Layouts follow transformers' GPT2Model, BertModel and LlamaModel (also Mistral
 * and Qwen2, which differ only in biases and windows).
 */

import { type CostModelConfig, validateConfig } from './config';

export interface LayerParameters {
  /** Query projection [dModel, heads x headDim] plus its bias. */
  readonly query: number;
  /** Key projection [dModel, kvHeads x headDim] plus its bias. */
  readonly key: number;
  /** Value projection [dModel, kvHeads x headDim] plus its bias. */
  readonly value: number;
  /** Attention output projection [heads x headDim, dModel] plus its bias. */
  readonly attentionOutput: number;
  /** Two (gelu) or three (gated) matrices of dModel x intermediateSize, plus biases. */
  readonly mlp: number;
  /** The two norms of a layer (before or after attention and the MLP). */
  readonly norms: number;
  readonly total: number;
}

export interface ParameterBreakdown {
  /** Token embedding [vocabSize, dModel]. */
  readonly tokenEmbedding: number;
  /** Learned position table [maxPositions, dModel]; 0 under RoPE. */
  readonly positionEmbedding: number;
  /** Token-type table [tokenTypes, dModel]; 0 when absent. */
  readonly tokenTypeEmbedding: number;
  readonly embeddingNorm: number;
  /** One layer; every layer is the same. */
  readonly perLayer: LayerParameters;
  /** perLayer.total x layers. */
  readonly layers: number;
  readonly finalNorm: number;
  /** An untied [vocabSize, dModel] output head; 0 when tied or absent. */
  readonly lmHead: number;
  /** BERT pooler [dModel, dModel] plus bias. */
  readonly pooler: number;
  /**
   * Kaplan et al. (2020), "Scaling Laws for Neural Language Models", Table 1:
   * N = 2 dModel layers (2 dAttn + dFF) generalised to grouped-query attention and
   * gated MLPs. It counts only the layers' weight matrices: no biases, norms or embeddings.
   */
  readonly nonEmbeddingMatrices: number;
  readonly total: number;
}

/** Elements in one norm vector set: weight and bias for LayerNorm, weight only for RMSNorm. */
export function normParameters(config: CostModelConfig): number {
  return config.norm === 'layernorm' ? 2 * config.dModel : config.dModel;
}

function layerParameters(config: CostModelConfig): LayerParameters {
  const { dModel, heads, kvHeads, headDim, intermediateSize, biases } = config;
  const queryWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;

  const query = dModel * queryWidth + (biases.qkv ? queryWidth : 0);
  const key = dModel * kvWidth + (biases.qkv ? kvWidth : 0);
  const value = dModel * kvWidth + (biases.qkv ? kvWidth : 0);
  const attentionOutput = queryWidth * dModel + (biases.attentionOutput ? dModel : 0);

  // gelu: up [dModel, ff] + down [ff, dModel]. gated: gate and up [dModel, ff] + down [ff, dModel].
  const upMatrices = config.mlp === 'gated' ? 2 : 1;
  const mlpWeights = (upMatrices + 1) * dModel * intermediateSize;
  const mlpBiases = biases.mlp ? upMatrices * intermediateSize + dModel : 0;
  const mlp = mlpWeights + mlpBiases;

  const norms = 2 * normParameters(config);
  const total = query + key + value + attentionOutput + mlp + norms;
  return { query, key, value, attentionOutput, mlp, norms, total };
}

/** Counts every stored parameter of a model; throws CostInputError for an invalid configuration. */
export function countParameters(config: CostModelConfig): ParameterBreakdown {
  validateConfig(config);
  const { dModel, vocabSize, layers } = config;

  const tokenEmbedding = vocabSize * dModel;
  const positionEmbedding = config.positions === 'learned' ? config.maxPositions * dModel : 0;
  const tokenTypeEmbedding = config.tokenTypes * dModel;
  const embeddingNorm = config.embeddingNorm ? normParameters(config) : 0;
  const perLayer = layerParameters(config);
  const layerTotal = perLayer.total * layers;
  const finalNorm = config.finalNorm ? normParameters(config) : 0;
  const lmHead = config.lmHead && !config.tiedEmbeddings ? vocabSize * dModel : 0;
  const pooler = config.pooler ? dModel * dModel + dModel : 0;

  const attentionMatrices = dModel * (config.heads + 2 * config.kvHeads) * config.headDim + config.heads * config.headDim * dModel;
  const mlpMatrices = (config.mlp === 'gated' ? 3 : 2) * dModel * config.intermediateSize;
  const nonEmbeddingMatrices = layers * (attentionMatrices + mlpMatrices);

  const total = tokenEmbedding + positionEmbedding + tokenTypeEmbedding + embeddingNorm + layerTotal + finalNorm + lmHead + pooler;
  return {
    tokenEmbedding, positionEmbedding, tokenTypeEmbedding, embeddingNorm, perLayer, layers: layerTotal,
    finalNorm, lmHead, pooler, nonEmbeddingMatrices, total,
  };
}
