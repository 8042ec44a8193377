/** Cost figures over a range of sequence lengths, for charts and tests. */

import type { CostModelConfig } from './config';
import { CostInputError } from './errors';
import { type CostOptions, estimateCost, linearLayerFlops, quadraticAttentionFlops } from './estimate';

/**
 * Sequence lengths from `min` to `max` spaced evenly on a log scale,
 * `pointsPerOctave` per doubling, rounded to integers; both ends are included.
 * Throws CostInputError when max < min or either is not a positive integer.
 */
export function sequenceLengths(max: number, min = 16, pointsPerOctave = 1): number[] {
  if (!Number.isSafeInteger(min) || min <= 0 || !Number.isSafeInteger(max) || max < min) {
    throw new CostInputError(`Sequence lengths need positive integers with min <= max, got min ${min} and max ${max}.`);
  }
  if (!Number.isSafeInteger(pointsPerOctave) || pointsPerOctave <= 0) {
    throw new CostInputError(`pointsPerOctave must be a positive integer, got ${pointsPerOctave}.`);
  }
  const lengths: number[] = [];
  const steps = Math.ceil(Math.log2(max / min) * pointsPerOctave - 1e-9);
  for (let step = 0; step <= steps; step++) {
    const length = Math.min(max, Math.round(min * 2 ** (step / pointsPerOctave)));
    if (lengths[lengths.length - 1] !== length) lengths.push(length);
  }
  if (lengths[lengths.length - 1] !== max) lengths.push(max);
  return lengths;
}

export interface SweepPoint {
  readonly sequenceLength: number;
  /** QK^T, softmax and attention x V over the full matrix. */
  readonly attentionFlops: number;
  /** q, k, v, output projections and MLP. */
  readonly linearFlops: number;
  readonly totalFlops: number;
  readonly eagerMemory: number;
  readonly tiledMemory: number;
  readonly kvCache: number;
  readonly weights: number;
}

/** Figures at each length from `min` (16 when absent, capped at the model's maximum) to the model's maximum positions. */
export function sweep(config: CostModelConfig, options: CostOptions & { min?: number; pointsPerOctave?: number } = {}): SweepPoint[] {
  const min = Math.min(options.min ?? 16, config.maxPositions);
  return sequenceLengths(config.maxPositions, min, options.pointsPerOctave ?? 1).map((n) => {
    const estimate = estimateCost(config, n, options);
    return {
      sequenceLength: n,
      attentionFlops: quadraticAttentionFlops(estimate.flops),
      linearFlops: linearLayerFlops(estimate.flops),
      totalFlops: estimate.flops.total,
      eagerMemory: estimate.memory.eager.peak,
      tiledMemory: estimate.memory.tiled.peak,
      kvCache: estimate.memory.kvCache.total,
      weights: estimate.memory.weights,
    };
  });
}
