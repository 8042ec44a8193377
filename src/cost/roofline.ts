/**
 * Roofline time bounds (Williams, Waterman and Patterson 2009, "Roofline: An
 * Insightful Visual Performance Model for Multicore Architectures"): a kernel
 * takes at least max(FLOPs / peak FLOP/s, bytes moved / memory bandwidth).
 * These are lower bounds: real kernels reach a fraction of either peak.
 */

import { type CostModelConfig, requirePositiveInteger } from './config';
import { FLOPS_PER_MULTIPLY_ADD as MAC, SOFTMAX_FLOPS_PER_SCORE } from './conventions';
import type { Device } from './devices';
import { forwardFlops } from './flops';
import { activationBytes, BYTES_PER_ELEMENT, type DType, eagerAttentionMemory, kvCacheMemory } from './memory';
import { countParameters } from './parameters';

export interface RooflineBound {
  readonly flops: number;
  readonly bytes: number;
  readonly computeSeconds: number;
  readonly memorySeconds: number;
  /** max(computeSeconds, memorySeconds). */
  readonly seconds: number;
  readonly limitedBy: 'compute' | 'memory';
  /** FLOPs per byte moved. */
  readonly arithmeticIntensity: number;
  /** The device's peak FLOP/s over its bandwidth: above it a kernel is compute-bound. */
  readonly ridgePoint: number;
}

/** Peak FLOP/s for arithmetic in `dtype`; quantized weights are computed at the 16-bit rate. */
export function peakFlops(device: Device, dtype: DType): number {
  return dtype === 'F32' ? device.peakFlopsF32 : device.peakFlopsHalf;
}

export function rooflineBound(flops: number, bytes: number, device: Device, dtype: DType): RooflineBound {
  const peak = peakFlops(device, dtype);
  const computeSeconds = flops / peak;
  const memorySeconds = bytes / device.memoryBandwidth;
  return {
    flops, bytes, computeSeconds, memorySeconds,
    seconds: Math.max(computeSeconds, memorySeconds),
    limitedBy: computeSeconds >= memorySeconds ? 'compute' : 'memory',
    arithmeticIntensity: flops / bytes,
    ridgePoint: peak / device.memoryBandwidth,
  };
}

export interface ForwardTimeBounds {
  readonly eager: RooflineBound;
  readonly tiled: RooflineBound;
}

/**
 * Bounds the time of one forward pass with the least memory traffic each method
 * needs. Every weight is read once. Per layer Q, K and V are read and the output
 * written once. Eager attention adds four passes over its n x n matrices
 * (written by QK^T, read and written by softmax, read by attention x V). The
 * tiled kernel re-reads K and V once per query tile (Dao et al. 2022, Theorem 2);
 * those re-reads are taken to hit on-chip cache and are not counted. FLOPs: eager
 * computes every score; the tiled kernel skips tiles the causal mask removes, so
 * it is charged the unmasked scores. Activations between layers are left out.
 */
export function forwardTimeBounds(config: CostModelConfig, n: number, batch: number, dtype: DType, device: Device): ForwardTimeBounds {
  const flops = forwardFlops(config, n, batch);
  const weightBytes = countParameters(config).total * BYTES_PER_ELEMENT[dtype];
  // Q and O have `heads` heads, K and V `kvHeads`: [batch, heads, n, headDim] and [batch, kvHeads, n, headDim].
  const inputOutputElements = batch * n * config.headDim * (2 * config.heads + 2 * config.kvHeads);
  const inputOutputBytes = config.layers * inputOutputElements * activationBytes(dtype);
  const eagerMatrixBytes = 4 * eagerAttentionMemory(config, n, batch, dtype).perLayer * config.layers;

  return {
    eager: rooflineBound(flops.total, weightBytes + inputOutputBytes + eagerMatrixBytes, device, dtype),
    tiled: rooflineBound(flops.unmasked.total, weightBytes + inputOutputBytes, device, dtype),
  };
}

/**
 * Bounds the time of generating one token per sequence at context n with a KV cache.
 * FLOPs are the layers' matrices and the output head once per sequence plus
 * attention over min(n, window) cached keys. Bytes are every weight plus the
 * whole KV cache. Elementwise FLOPs are left out (under 1% for these models).
 */
export function decodeStepBound(config: CostModelConfig, n: number, batch: number, dtype: DType, device: Device): RooflineBound {
  requirePositiveInteger('sequence length', n);
  const parameters = countParameters(config);
  const cache = kvCacheMemory(config, n, batch, dtype);
  const head = config.lmHead ? MAC * config.dModel * config.vocabSize : 0;
  const attention = config.layers * config.heads * (2 * MAC * config.headDim + SOFTMAX_FLOPS_PER_SCORE) * cache.cachedTokens;
  const flops = batch * (MAC * parameters.nonEmbeddingMatrices + head + attention);
  const bytes = parameters.total * BYTES_PER_ELEMENT[dtype] + cache.total;
  return rooflineBound(flops, bytes, device, dtype);
}
