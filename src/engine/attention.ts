/**
 * Attention probabilities from kept queries and keys, materialized on demand.
 *
 * A forward pass keeps each layer's queries [heads, n, headDim] and keys
 * [kvHeads, n, headDim] (after RoPE where the model has it). Any head's n-by-n
 * pattern is recomputed from them with the same row function the forward pass
 * used, so a pattern shown equals the one that weighted the values. Kept
 * memory is O(layers x n x dModel). Besides the patterns they return, the
 * functions here allocate at most one [n, n] scratch buffer.
 */
import type { PatternBlock, PatternSelection, ThumbnailBlock } from '../protocol';
import { EngineError, InputError } from './errors';
import { softmaxInPlace } from './kernels/softmax';

/** Rule for the keys each query attends to, as Hugging Face builds the mask. */
export interface MaskRule {
  /** Decoder models: query i attends to keys j <= i. BERT attends to every key. */
  readonly causal: boolean;
  /**
   * Sliding window: query i attends to keys i - window < j <= i, because
   * MistralModel's mask hides j <= i - sliding_window. Null for full attention.
   */
  readonly slidingWindow: number | null;
  /** First layer the window applies to (qwen2's max_window_layers); 0 otherwise. */
  readonly firstSlidingWindowLayer: number;
}

/** Queries and keys of one analysis, every layer. */
export interface KeptAttention {
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly tokenCount: number;
  /** Multiplies q.k before the softmax: 1 / sqrt(headDim). */
  readonly scale: number;
  readonly mask: MaskRule;
  /** Per layer, [heads, n, headDim] row-major. */
  readonly queries: Float32Array[];
  /** Per layer, [kvHeads, n, headDim] row-major. */
  readonly keys: Float32Array[];
}

/**
 * Returns the first visible key of `query` in `layer`; the last is the query
 * itself (causal) or n - 1. Throws when no key is visible, which the masks
 * here cannot produce and a softmax could not handle.
 */
export function firstVisibleKey(mask: MaskRule, layer: number, query: number, n: number): number {
  if (!mask.causal) return 0;
  let first = 0;
  if (mask.slidingWindow !== null && layer >= mask.firstSlidingWindowLayer) {
    first = Math.max(0, query - mask.slidingWindow + 1);
  }
  if (first > query || query >= n) {
    throw new EngineError(`Attention row ${query} of layer ${layer} has no visible key; the mask is invalid.`);
  }
  return first;
}

export function lastVisibleKey(mask: MaskRule, query: number, n: number): number {
  return mask.causal ? query : n - 1;
}

/**
 * Writes query `query`'s attention probabilities over all n keys into
 * dest[offset, offset + n): softmax(scale * q.k) over the visible keys with the
 * maximum subtracted, exactly 0 at masked keys.
 *
 * queries is [heads, n, headDim] for one layer, keys [kvHeads, n, headDim];
 * query head `head` reads key head floor(head / (heads / kvHeads)), as
 * Hugging Face's repeat_kv arranges grouped-query attention.
 */
export function attentionRow(
  dest: Float32Array, offset: number,
  queries: Float32Array, keys: Float32Array,
  head: number, query: number, layer: number,
  dims: { readonly heads: number; readonly kvHeads: number; readonly headDim: number; readonly tokenCount: number },
  scale: number, mask: MaskRule,
): void {
  const { heads, kvHeads, headDim, tokenCount: n } = dims;
  const kvHead = Math.floor(head / (heads / kvHeads));
  const first = firstVisibleKey(mask, layer, query, n);
  const last = lastVisibleKey(mask, query, n);
  const queryOffset = (head * n + query) * headDim;
  const keyBase = kvHead * n * headDim;

  dest.fill(0, offset, offset + first);
  for (let key = first; key <= last; key++) {
    const keyOffset = keyBase + key * headDim;
    let dot = 0;
    for (let d = 0; d < headDim; d++) dot += queries[queryOffset + d] * keys[keyOffset + d];
    dest[offset + key] = dot * scale;
  }
  softmaxInPlace(dest, offset + first, offset + last + 1);
  dest.fill(0, offset + last + 1, offset + n);
}

/** Writes the pattern [n, n] of (layer, head) into dest at offset. */
export function headPattern(kept: KeptAttention, layer: number, head: number, dest: Float32Array, offset = 0): void {
  checkLayerHead(kept, layer, head);
  const n = kept.tokenCount;
  for (let query = 0; query < n; query++) {
    attentionRow(dest, offset + query * n, kept.queries[layer], kept.keys[layer], head, query, layer, kept, kept.scale, kept.mask);
  }
}

/**
 * Writes the elementwise mean or max over all of a layer's heads, [n, n], into
 * dest at offset. `scratch` is [n, n].
 */
export function combinedPattern(
  kept: KeptAttention, layer: number, combine: 'mean' | 'max', dest: Float32Array, offset: number, scratch: Float32Array,
): void {
  checkLayerHead(kept, layer, 0);
  const size = kept.tokenCount * kept.tokenCount;
  headPattern(kept, layer, 0, dest, offset);
  for (let head = 1; head < kept.heads; head++) {
    headPattern(kept, layer, head, scratch, 0);
    if (combine === 'mean') {
      for (let i = 0; i < size; i++) dest[offset + i] += scratch[i];
    } else {
      for (let i = 0; i < size; i++) if (scratch[i] > dest[offset + i]) dest[offset + i] = scratch[i];
    }
  }
  if (combine === 'mean') {
    const inverse = 1 / kept.heads;
    for (let i = 0; i < size; i++) dest[offset + i] *= inverse;
  }
}

/** Stacks the requested patterns: data is [selections.length, n, n]. */
export function patternBlock(kept: KeptAttention, selections: readonly PatternSelection[]): PatternBlock {
  const n = kept.tokenCount;
  const data = new Float32Array(selections.length * n * n);
  let scratch: Float32Array | null = null;
  selections.forEach((selection, index) => {
    const offset = index * n * n;
    if (typeof selection.head === 'number') {
      headPattern(kept, selection.layer, selection.head, data, offset);
    } else if (selection.head === 'mean' || selection.head === 'max') {
      scratch ??= new Float32Array(n * n);
      combinedPattern(kept, selection.layer, selection.head, data, offset, scratch);
    } else {
      throw new InputError(`Head ${JSON.stringify(selection.head)} is invalid; use a head index, "mean" or "max".`);
    }
  });
  return { selections: [...selections], tokenCount: n, data };
}

/**
 * Downsamples every head's pattern to a grid: data is [layers, heads, s, s]
 * with s = min(size, n).
 *
 * Cell (r, c) is the mean of a block of the pattern. Its rows run from
 * floor(r n / s) up to but not including floor((r + 1) n / s), and its
 * columns follow the same split. Masked entries count as 0. When n is not a
 * multiple of s, blocks differ in size by one row or column. When n <= size,
 * the grid is the pattern itself.
 */
export function thumbnailBlock(kept: KeptAttention, size: number): ThumbnailBlock {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new InputError(`Thumbnail size ${size} is invalid; use a positive integer.`);
  }
  const { layers, heads, tokenCount: n } = kept;
  const cells = Math.min(size, n);
  const data = new Float32Array(layers * heads * cells * cells); // [layers, heads, cells, cells]
  const { blockStart, cellOfIndex } = poolingBlocks(n, cells);

  const row = new Float32Array(n);
  const sums = new Float64Array(cells * cells);
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      sums.fill(0);
      for (let query = 0; query < n; query++) {
        attentionRow(row, 0, kept.queries[layer], kept.keys[layer], head, query, layer, kept, kept.scale, kept.mask);
        const sumRow = cellOfIndex[query] * cells;
        for (let key = 0; key < n; key++) sums[sumRow + cellOfIndex[key]] += row[key];
      }
      const base = (layer * heads + head) * cells * cells;
      for (let r = 0; r < cells; r++) {
        const rowCount = blockStart[r + 1] - blockStart[r];
        for (let c = 0; c < cells; c++) {
          const columnCount = blockStart[c + 1] - blockStart[c];
          data[base + r * cells + c] = sums[r * cells + c] / (rowCount * columnCount);
        }
      }
    }
  }
  return { layers, heads, size: cells, data };
}

/** Block boundaries of n tokens split into `cells` blocks along either axis of a pooled pattern. */
export interface PoolingBlocks {
  /** [cells + 1] first token of each block, then n: block c is [blockStart[c], blockStart[c + 1]). */
  readonly blockStart: Int32Array;
  /** [n] the block each token falls in. */
  readonly cellOfIndex: Int32Array;
}

/**
 * Splits n tokens into `cells` <= n blocks at floor(c n / cells), so blocks
 * differ in size by at most one token. The heatmap's pixel columns split
 * tokens the same way (webview/heatmapGeometry.ts, tokensUnderPixel).
 */
export function poolingBlocks(n: number, cells: number): PoolingBlocks {
  const blockStart = new Int32Array(cells + 1);
  for (let i = 0; i <= cells; i++) blockStart[i] = Math.floor((i * n) / cells);
  const cellOfIndex = new Int32Array(n);
  for (let cell = 0; cell < cells; cell++) cellOfIndex.fill(cell, blockStart[cell], blockStart[cell + 1]);
  return { blockStart, cellOfIndex };
}

export function checkLayerHead(kept: KeptAttention, layer: number, head: number): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= kept.layers) {
    throw new InputError(`Layer ${layer} is out of range; the model has layers 0 to ${kept.layers - 1}.`);
  }
  if (!Number.isInteger(head) || head < 0 || head >= kept.heads) {
    throw new InputError(`Head ${head} is out of range; the model has heads 0 to ${kept.heads - 1}.`);
  }
}
