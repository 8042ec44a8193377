/** The attention memory figures the one-line summaries show (the panel's summary line, the status bar item). */

import type { CostModelConfig } from './config';
import { estimateCost } from './estimate';

/** Attention memory at one sequence length, in fp32 with batch 1, the way the engine runs a model. */
export interface AttentionMemorySummary {
  readonly modelName: string;
  /** Tokens of the analysis the figures were requested for. */
  readonly tokenCount: number;
  /** Length the figures are for: tokenCount capped at the model's maximum positions. */
  readonly sequenceLength: number;
  /** Bytes of one layer's n-by-n matrices (heads x n² x 4): the peak of an eager forward pass. */
  readonly eagerPerLayer: number;
  /** Bytes of every layer's matrices, as a forward pass that returns all attentions holds them. */
  readonly eagerAllLayers: number;
  /** Bytes a FlashAttention-style tiled kernel keeps instead: the row statistics and one tile. */
  readonly tiled: number;
  /** Bytes of the KV cache at this length; null for an encoder, which keeps none. */
  readonly kvCache: number | null;
}

/** Computes the summary; throws CostInputError for an invalid configuration or a token count below 1. */
export function attentionMemorySummary(config: CostModelConfig, tokenCount: number): AttentionMemorySummary {
  const sequenceLength = Math.min(tokenCount, config.maxPositions);
  const { memory } = estimateCost(config, sequenceLength, { batch: 1, dtype: 'F32' });
  return {
    modelName: config.name,
    tokenCount,
    sequenceLength,
    eagerPerLayer: memory.eager.peak,
    eagerAllLayers: memory.eager.allLayers,
    tiled: memory.tiled.peak,
    kvCache: config.causal ? memory.kvCache.total : null,
  };
}
