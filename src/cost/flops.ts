/**
 * Forward-pass FLOPs of one batch of sequences, split by operation.
 *
 * Conventions (see conventions.ts): a multiply-add is 2 FLOPs, and softmax is
 * SOFTMAX_FLOPS_PER_SCORE per score. Attention counts the full n x n score
 * matrix for every head, because eager implementations (transformers' "eager"
 * attention, PyTorch's math path) compute every score and then mask. The
 * `unmasked` figures count only the scores a causal mask and sliding window
 * keep, which is what a kernel that skips masked tiles computes.
 *
 * Source of the matrix terms: Kaplan et al. (2020), "Scaling Laws for Neural
 * Language Models", Table 1, whose forward cost per token is
 * 2N + 2 n_layer n_ctx d_attn. That formula leaves out biases, norms, softmax,
 * activations, residual adds, rotary embeddings and the output head (its
 * "de-embed" row); those are `elementwise` and `outputHead` here.
 */

import { type CostModelConfig, requirePositiveInteger, validateConfig } from './config';
import {
  FLOPS_PER_MULTIPLY_ADD as MAC,
  GELU_FLOPS_PER_ELEMENT,
  LAYERNORM_FLOPS_PER_ELEMENT,
  RMSNORM_FLOPS_PER_ELEMENT,
  ROPE_FLOPS_PER_ELEMENT,
  SILU_GATE_FLOPS_PER_ELEMENT,
  SOFTMAX_FLOPS_PER_SCORE,
} from './conventions';

/** FLOPs of the three attention-score operations, over the scores counted. */
export interface ScoreFlops {
  /** Q K^T: 2 x headDim per score. */
  readonly qkProduct: number;
  readonly softmax: number;
  /** Attention weights times V: 2 x headDim per score. */
  readonly attentionValues: number;
}

export interface ForwardFlops {
  readonly query: number;
  readonly key: number;
  readonly value: number;
  /** Full n x n per head, as eager attention computes it. */
  readonly qkProduct: number;
  readonly softmax: number;
  readonly attentionValues: number;
  readonly attentionOutput: number;
  /** The MLP's two (gelu) or three (gated) matrix products. */
  readonly mlp: number;
  /** Language-model head over every position, or BERT's pooler on the first token; 0 when neither. */
  readonly outputHead: number;
  /** Bias adds, norms, activation, rotary embedding, residual and embedding adds. */
  readonly elementwise: number;
  readonly total: number;
  /** The same score operations over only the unmasked scores (causal mask and sliding window applied). */
  readonly unmasked: ScoreFlops & { readonly total: number };
  /** Scores per head per sequence: `full` is n^2, `unmasked` those the mask keeps. */
  readonly scores: { readonly full: number; readonly unmasked: number };
}

/**
 * Counts the scores a causal mask with an optional sliding window keeps in an
 * n x n matrix: query i attends to min(i + 1, window) keys. Without a causal
 * mask every score is kept.
 */
export function unmaskedScores(n: number, causal: boolean, window: number | null): number {
  if (!causal) return n * n;
  if (window === null || n <= window) return (n * (n + 1)) / 2;
  return (window * (window + 1)) / 2 + (n - window) * window;
}

function scoreFlops(config: CostModelConfig, scoresPerHead: number, batch: number): ScoreFlops {
  const scores = batch * config.layers * config.heads * scoresPerHead;
  return {
    qkProduct: MAC * config.headDim * scores,
    softmax: SOFTMAX_FLOPS_PER_SCORE * scores,
    attentionValues: MAC * config.headDim * scores,
  };
}

/** Elementwise FLOPs per token of one layer: bias adds, two norms, activation, RoPE and two residual adds. */
function elementwisePerTokenPerLayer(config: CostModelConfig): number {
  const { dModel, heads, kvHeads, headDim, intermediateSize, biases } = config;
  const queryWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  const normPerElement = config.norm === 'layernorm' ? LAYERNORM_FLOPS_PER_ELEMENT : RMSNORM_FLOPS_PER_ELEMENT;
  const upMatrices = config.mlp === 'gated' ? 2 : 1;

  let flops = 2 * normPerElement * dModel + 2 * dModel; // two norms, two residual adds
  if (biases.qkv) flops += queryWidth + 2 * kvWidth;
  if (biases.attentionOutput) flops += dModel;
  if (biases.mlp) flops += upMatrices * intermediateSize + dModel;
  flops += intermediateSize * (config.mlp === 'gated' ? SILU_GATE_FLOPS_PER_ELEMENT : GELU_FLOPS_PER_ELEMENT);
  if (config.positions === 'rope') flops += ROPE_FLOPS_PER_ELEMENT * (queryWidth + kvWidth);
  return flops;
}

/** Elementwise FLOPs per token outside the layers: position and token-type adds, embedding and final norms. */
function elementwisePerTokenOutsideLayers(config: CostModelConfig): number {
  const { dModel } = config;
  const normPerElement = config.norm === 'layernorm' ? LAYERNORM_FLOPS_PER_ELEMENT : RMSNORM_FLOPS_PER_ELEMENT;
  let flops = 0;
  if (config.positions === 'learned') flops += dModel;
  if (config.tokenTypes > 0) flops += dModel;
  if (config.embeddingNorm) flops += normPerElement * dModel;
  if (config.finalNorm) flops += normPerElement * dModel;
  return flops;
}

/** Elementwise FLOPs of a whole forward pass over `batch` sequences of n tokens. */
export function elementwiseFlops(config: CostModelConfig, n: number, batch = 1): number {
  const perToken = config.layers * elementwisePerTokenPerLayer(config) + elementwisePerTokenOutsideLayers(config);
  const pooler = config.pooler ? 2 * config.dModel : 0; // the pooler's bias add and tanh, first token only
  return batch * (n * perToken + pooler);
}

/** Output head FLOPs: logits for every position (eager causal LMs compute them all), or BERT's pooler matrix on one token. */
export function outputHeadFlops(config: CostModelConfig, n: number, batch = 1): number {
  if (config.lmHead) return batch * n * MAC * config.dModel * config.vocabSize;
  if (config.pooler) return batch * MAC * config.dModel * config.dModel;
  return 0;
}

/** Forward FLOPs for `batch` sequences of n tokens; throws CostInputError for an invalid configuration or length. */
export function forwardFlops(config: CostModelConfig, n: number, batch = 1): ForwardFlops {
  validateConfig(config);
  requirePositiveInteger('sequence length', n);
  requirePositiveInteger('batch size', batch);
  const { dModel, heads, kvHeads, headDim, intermediateSize, layers } = config;
  const tokens = batch * n * layers; // token-layer pairs

  const query = tokens * MAC * dModel * heads * headDim;
  const key = tokens * MAC * dModel * kvHeads * headDim;
  const value = key;
  const attentionOutput = tokens * MAC * heads * headDim * dModel;
  const mlp = tokens * MAC * (config.mlp === 'gated' ? 3 : 2) * dModel * intermediateSize;

  const full = scoreFlops(config, n * n, batch);
  const keptScores = unmaskedScores(n, config.causal, config.slidingWindow);
  const kept = scoreFlops(config, keptScores, batch);

  const outputHead = outputHeadFlops(config, n, batch);
  const elementwise = elementwiseFlops(config, n, batch);
  const linear = query + key + value + attentionOutput + mlp + outputHead + elementwise;
  const total = linear + full.qkProduct + full.softmax + full.attentionValues;
  const unmaskedTotal = linear + kept.qkProduct + kept.softmax + kept.attentionValues;

  return {
    query, key, value,
    qkProduct: full.qkProduct,
    softmax: full.softmax,
    attentionValues: full.attentionValues,
    attentionOutput, mlp, outputHead, elementwise, total,
    unmasked: { ...kept, total: unmaskedTotal },
    scores: { full: n * n, unmasked: keptScores },
  };
}

/**
 * Returns the sequence length at which the full-matrix attention FLOPs (QK^T, softmax,
 * attention x V: quadratic in n) equal the layers' projection and MLP FLOPs
 * (linear in n). Per layer and token the linear part is 2 x (layer matrix
 * parameters) and the quadratic part is heads x (4 headDim + softmax) x n.
 * The crossover is their ratio, so it does not depend on batch size.
 */
export function attentionCrossoverLength(config: CostModelConfig): number {
  validateConfig(config);
  const { dModel, heads, kvHeads, headDim, intermediateSize } = config;
  const matrixParameters = dModel * (heads + 2 * kvHeads) * headDim + heads * headDim * dModel
    + (config.mlp === 'gated' ? 3 : 2) * dModel * intermediateSize;
  const linearPerToken = MAC * matrixParameters;
  const quadraticPerScoreRow = heads * (2 * MAC * headDim + SOFTMAX_FLOPS_PER_SCORE);
  return linearPerToken / quadraticPerScoreRow;
}
