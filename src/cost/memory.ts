/**
 * Memory figures in bytes: weights by dtype, the attention matrices an eager
 * implementation keeps, what a FlashAttention-style tiled kernel keeps instead,
 * and the KV cache for generation.
 */

import { type CostModelConfig, requirePositiveInteger, validateConfig } from './config';
import { DEFAULT_TILE, ROW_STATISTIC_BYTES } from './conventions';

/** Storage types. INT8 and INT4 are weight-only quantization; their scales and zero points are not counted. */
export type DType = 'F32' | 'F16' | 'BF16' | 'INT8' | 'INT4';

export const DTYPES: readonly DType[] = ['F32', 'F16', 'BF16', 'INT8', 'INT4'];

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { F32: 4, F16: 2, BF16: 2, INT8: 1, INT4: 0.5 };

/**
 * Activations (attention scores, the KV cache) stay in a float type when the weights are quantized:
 * 16-bit for INT8 and INT4 weights, as weight-only quantized kernels dequantize to fp16.
 */
export function activationBytes(dtype: DType): number {
  return dtype === 'F32' ? 4 : 2;
}

/** Weight bytes for each dtype. */
export function weightBytesByDtype(parameters: number): Record<DType, number> {
  const bytes = {} as Record<DType, number>;
  for (const dtype of DTYPES) bytes[dtype] = parameters * BYTES_PER_ELEMENT[dtype];
  return bytes;
}

export interface EagerAttentionMemory {
  /** batch x heads x n^2 x bytes: one layer's score matrix (softmax overwrites it in place). */
  readonly perLayer: number;
  /** perLayer x layers: held when every layer's attention is kept, as `output_attentions=True` does. */
  readonly allLayers: number;
  /** The peak when layers run one at a time and each matrix is freed before the next: one layer's. */
  readonly peak: number;
}

/** Sizes the n x n attention matrices of eager attention. Throws CostInputError for an invalid length or batch. */
export function eagerAttentionMemory(config: CostModelConfig, n: number, batch: number, dtype: DType): EagerAttentionMemory {
  validateConfig(config);
  requirePositiveInteger('sequence length', n);
  requirePositiveInteger('batch size', batch);
  const perLayer = batch * config.heads * n * n * activationBytes(dtype);
  return { perLayer, allLayers: perLayer * config.layers, peak: perLayer };
}

export interface Tile {
  /** Query rows per tile (B_r in Dao et al. 2022). */
  readonly rows: number;
  /** Key and value columns per tile (B_c). */
  readonly columns: number;
}

export interface TiledAttentionMemory {
  /** batch x heads x n x 2 x 4 bytes: the running row maximum m and row sum l, in fp32. */
  readonly rowStatistics: number;
  /** One tile in flight: Q_i [rows, headDim], K_j and V_j [columns, headDim], S_ij [rows, columns], O_i [rows, headDim]. */
  readonly tileBuffers: number;
  /** rowStatistics + tileBuffers for one layer; the layers run one at a time, so this is also the peak. */
  readonly peak: number;
  readonly tile: Tile;
}

/**
 * Memory of a FlashAttention-style tiled kernel (Dao et al. 2022, "FlashAttention:
 * Fast and Memory-Efficient Exact Attention with IO-Awareness", Algorithm 1): it
 * never forms the n x n matrix, keeps O(n) row statistics per head and works on
 * one tile at a time. Inputs and outputs (Q, K, V, O) are not counted, since
 * eager attention needs them too.
 *
 * NOTE: a GPU runs many tiles at once in on-chip SRAM; `tileBuffers` counts the
 * single tile a one-threaded CPU kernel holds.
 */
export function tiledAttentionMemory(
  config: CostModelConfig, n: number, batch: number, dtype: DType, tile: Tile = DEFAULT_TILE,
): TiledAttentionMemory {
  validateConfig(config);
  requirePositiveInteger('sequence length', n);
  requirePositiveInteger('batch size', batch);
  requirePositiveInteger('tile rows', tile.rows);
  requirePositiveInteger('tile columns', tile.columns);
  const rowStatistics = batch * config.heads * n * 2 * ROW_STATISTIC_BYTES;
  const rows = Math.min(tile.rows, n);
  const columns = Math.min(tile.columns, n);
  const d = config.headDim;
  const tileElements = rows * d + 2 * columns * d + rows * columns + rows * d;
  const tileBuffers = tileElements * activationBytes(dtype);
  return { rowStatistics, tileBuffers, peak: rowStatistics + tileBuffers, tile: { rows, columns } };
}

export interface KvCacheMemory {
  /** Tokens held: min(n, slidingWindow). */
  readonly cachedTokens: number;
  /** 2 x layers x kvHeads x headDim x bytes: K and V of one token in every layer. */
  readonly bytesPerToken: number;
  /** bytesPerToken x cachedTokens x batch. */
  readonly total: number;
}

/**
 * Sizes the KV cache for generating at context n: 2 x layers x kvHeads x headDim x
 * min(n, window) x bytes x batch. Grouped-query attention enters through kvHeads;
 * a sliding window caps the tokens kept (a rolling buffer, as in Mistral 7B).
 */
export function kvCacheMemory(config: CostModelConfig, n: number, batch: number, dtype: DType): KvCacheMemory {
  validateConfig(config);
  requirePositiveInteger('sequence length', n);
  requirePositiveInteger('batch size', batch);
  const cachedTokens = config.slidingWindow === null ? n : Math.min(n, config.slidingWindow);
  const bytesPerToken = 2 * config.layers * config.kvHeads * config.headDim * activationBytes(dtype);
  return { cachedTokens, bytesPerToken, total: bytesPerToken * cachedTokens * batch };
}
