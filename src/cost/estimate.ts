/** Every cost figure for one configuration, sequence length, batch, dtype and device, and how they change when the length doubles. */

import type { CostModelConfig } from './config';
import { DEFAULT_TILE } from './conventions';
import { type Device, THIS_MACHINE } from './devices';
import { type ForwardFlops, forwardFlops } from './flops';
import {
  BYTES_PER_ELEMENT, type DType, type EagerAttentionMemory, eagerAttentionMemory, type KvCacheMemory, kvCacheMemory,
  type Tile, type TiledAttentionMemory, tiledAttentionMemory, weightBytesByDtype,
} from './memory';
import { countParameters, type ParameterBreakdown } from './parameters';
import { decodeStepBound, type ForwardTimeBounds, forwardTimeBounds, type RooflineBound } from './roofline';

export interface CostOptions {
  /** Sequences per batch; 1 when absent. */
  readonly batch?: number;
  /** Storage type of weights and activations; F32 when absent. */
  readonly dtype?: DType;
  /** Device for the time bounds; this machine when absent. */
  readonly device?: Device;
  readonly tile?: Tile;
}

export interface CostEstimate {
  readonly config: CostModelConfig;
  readonly sequenceLength: number;
  readonly batch: number;
  readonly dtype: DType;
  readonly device: Device;
  readonly parameters: ParameterBreakdown;
  readonly flops: ForwardFlops;
  readonly memory: {
    readonly weights: number;
    readonly weightsByDtype: Record<DType, number>;
    readonly eager: EagerAttentionMemory;
    readonly tiled: TiledAttentionMemory;
    readonly kvCache: KvCacheMemory;
  };
  readonly time: ForwardTimeBounds & { readonly decodeStep: RooflineBound };
}

/** Computes every figure; throws CostInputError for an invalid configuration, length or batch. */
export function estimateCost(config: CostModelConfig, n: number, options: CostOptions = {}): CostEstimate {
  const batch = options.batch ?? 1;
  const dtype = options.dtype ?? 'F32';
  const device = options.device ?? THIS_MACHINE;
  const tile = options.tile ?? DEFAULT_TILE;
  const parameters = countParameters(config);
  return {
    config, sequenceLength: n, batch, dtype, device, parameters,
    flops: forwardFlops(config, n, batch),
    memory: {
      weights: parameters.total * BYTES_PER_ELEMENT[dtype],
      weightsByDtype: weightBytesByDtype(parameters.total),
      eager: eagerAttentionMemory(config, n, batch, dtype),
      tiled: tiledAttentionMemory(config, n, batch, dtype, tile),
      kvCache: kvCacheMemory(config, n, batch, dtype),
    },
    time: {
      ...forwardTimeBounds(config, n, batch, dtype, device),
      decodeStep: decodeStepBound(config, n, batch, dtype, device),
    },
  };
}

/** FLOPs of the score operations (QK^T, softmax, attention x V) over the full matrix: quadratic in n. */
export function quadraticAttentionFlops(flops: ForwardFlops): number {
  return flops.qkProduct + flops.softmax + flops.attentionValues;
}

/** FLOPs of the layers' projections and MLP: linear in n. */
export function linearLayerFlops(flops: ForwardFlops): number {
  return flops.query + flops.key + flops.value + flops.attentionOutput + flops.mlp;
}

export interface DoublingEffect {
  readonly from: CostEstimate;
  readonly to: CostEstimate;
  /** Each figure at 2n divided by the same figure at n. */
  readonly ratios: {
    readonly totalFlops: number;
    readonly attentionFlops: number;
    readonly linearFlops: number;
    readonly eagerMemory: number;
    readonly tiledMemory: number;
    readonly kvCache: number;
    readonly eagerSeconds: number;
    readonly tiledSeconds: number;
  };
}

/** Estimates the costs at n and at 2n with their ratios. 2n may exceed the model's maximum positions, which the caller shows. */
export function doublingEffect(config: CostModelConfig, n: number, options: CostOptions = {}): DoublingEffect {
  const from = estimateCost(config, n, options);
  const to = estimateCost(config, 2 * n, options);
  return {
    from, to,
    ratios: {
      totalFlops: to.flops.total / from.flops.total,
      attentionFlops: quadraticAttentionFlops(to.flops) / quadraticAttentionFlops(from.flops),
      linearFlops: linearLayerFlops(to.flops) / linearLayerFlops(from.flops),
      eagerMemory: to.memory.eager.peak / from.memory.eager.peak,
      tiledMemory: to.memory.tiled.peak / from.memory.tiled.peak,
      kvCache: to.memory.kvCache.total / from.memory.kvCache.total,
      eagerSeconds: to.time.eager.seconds / from.time.eager.seconds,
      tiledSeconds: to.time.tiled.seconds / from.time.tiled.seconds,
    },
  };
}
