/**
 * The cost configuration of a loaded model, from the ModelInfo the engine sends.
 * ModelInfo carries the dimensions but not every architectural detail, so the
 * rest comes from the architecture's defaults in transformers. Where those
 * defaults have common variants (tied or untied head, q/k/v biases, token types),
 * the variant whose parameter count equals the checkpoint's is chosen.
 */

import type { ModelInfo } from '../protocol';
import type { CostModelConfig, ProjectionBiases } from './config';
import { countParameters } from './parameters';

export interface ConfigFromModelInfo {
  readonly config: CostModelConfig;
  /** True when countParameters(config).total equals info.parameterCount. */
  readonly matchesCheckpoint: boolean;
}

function architectureDefaults(info: ModelInfo): CostModelConfig {
  const dimensions = {
    name: info.name, modelType: info.modelType, causal: info.causal, layers: info.layers, dModel: info.dModel,
    heads: info.heads, kvHeads: info.kvHeads, headDim: info.headDim, intermediateSize: info.intermediateSize,
    vocabSize: info.vocabSize, maxPositions: info.maxPositions, slidingWindow: info.slidingWindow,
  };
  switch (info.modelType) {
    case 'gpt2':
      return {
        ...dimensions, mlp: 'gelu', tiedEmbeddings: true, norm: 'layernorm',
        biases: { qkv: true, attentionOutput: true, mlp: true }, positions: 'learned', tokenTypes: 0,
        embeddingNorm: false, finalNorm: true, pooler: false, lmHead: true,
      };
    case 'bert':
      return {
        ...dimensions, mlp: 'gelu', tiedEmbeddings: true, norm: 'layernorm',
        biases: { qkv: true, attentionOutput: true, mlp: true }, positions: 'learned', tokenTypes: 2,
        embeddingNorm: true, finalNorm: false, pooler: true, lmHead: false,
      };
    case 'llama':
    case 'mistral':
    case 'qwen2':
      return {
        ...dimensions, mlp: 'gated', tiedEmbeddings: false, norm: 'rmsnorm',
        biases: { qkv: info.modelType === 'qwen2', attentionOutput: false, mlp: false }, positions: 'rope', tokenTypes: 0,
        embeddingNorm: false, finalNorm: true, pooler: false, lmHead: true,
      };
  }
}

/** Variants to try after the defaults, most likely first. */
function variants(base: CostModelConfig): CostModelConfig[] {
  const biasChoices: ProjectionBiases[] = [base.biases];
  if (base.norm === 'rmsnorm') {
    biasChoices.push({ ...base.biases, qkv: !base.biases.qkv });
  }
  const result: CostModelConfig[] = [];
  for (const biases of biasChoices) {
    for (const tiedEmbeddings of [base.tiedEmbeddings, !base.tiedEmbeddings]) {
      result.push({ ...base, biases, tiedEmbeddings });
    }
  }
  if (base.modelType === 'bert') {
    // BERT checkpoints without a pooler, or with one token type (RoBERTa-style), still load as bert.
    for (const pooler of [true, false]) {
      for (const tokenTypes of [2, 1, 0]) result.push({ ...base, pooler, tokenTypes });
    }
  }
  return result;
}

/** Builds the configuration of a loaded model; throws CostInputError when ModelInfo's dimensions are invalid. */
export function configFromModelInfo(info: ModelInfo): ConfigFromModelInfo {
  const base = architectureDefaults(info);
  countParameters(base); // validates the dimensions
  for (const candidate of variants(base)) {
    if (countParameters(candidate).total === info.parameterCount) {
      return { config: candidate, matchesCheckpoint: true };
    }
  }
  return { config: base, matchesCheckpoint: false };
}
