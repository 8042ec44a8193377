/**
 * Parts of one attention pattern, for views that cannot afford all n x n
 * float32 values (256 MiB at 8,192 tokens): chosen query rows or key columns,
 * and the pattern max-pooled to a heatmap's pixel grid. Every value equals
 * the one patternBlock returns, bit for bit. Rows and pooled patterns are
 * computed one query row at a time with attentionRow. Columns reuse each
 * query row's softmax maximum and normalizer (rowStatistics.ts), so that only
 * the first column of a head costs a pass over all n x n scores.
 */
import type { PatternAxis, PatternRows, PatternSelection, PooledPattern } from '../protocol';
import { attentionRow, checkLayerHead, firstVisibleKey, lastVisibleKey, poolingBlocks, type KeptAttention } from './attention';
import { InputError } from './errors';
import { rowStatistics } from './rowStatistics';

/**
 * Writes query `query`'s row of `selection` ([n]) into `row`: one head's
 * probabilities, or the mean or max over the layer's heads, combined in the
 * same float32 order as combinedPattern. `scratch` is [n].
 */
function selectionRow(kept: KeptAttention, selection: PatternSelection, query: number, row: Float32Array, scratch: Float32Array): void {
  const { layer, head } = selection;
  const queries = kept.queries[layer];
  const keys = kept.keys[layer];
  if (typeof head === 'number') {
    attentionRow(row, 0, queries, keys, head, query, layer, kept, kept.scale, kept.mask);
    return;
  }
  const n = kept.tokenCount;
  attentionRow(row, 0, queries, keys, 0, query, layer, kept, kept.scale, kept.mask);
  for (let other = 1; other < kept.heads; other++) {
    attentionRow(scratch, 0, queries, keys, other, query, layer, kept, kept.scale, kept.mask);
    if (head === 'mean') {
      for (let key = 0; key < n; key++) row[key] += scratch[key];
    } else {
      for (let key = 0; key < n; key++) if (scratch[key] > row[key]) row[key] = scratch[key];
    }
  }
  if (head === 'mean') {
    const inverse = 1 / kept.heads;
    for (let key = 0; key < n; key++) row[key] *= inverse;
  }
}

function checkSelection(kept: KeptAttention, selection: PatternSelection): void {
  const head = selection.head;
  if (typeof head === 'number') {
    checkLayerHead(kept, selection.layer, head);
  } else if (head === 'mean' || head === 'max') {
    checkLayerHead(kept, selection.layer, 0);
  } else {
    throw new InputError(`Head ${JSON.stringify(head)} is invalid; use a head index, "mean" or "max".`);
  }
}

/**
 * Returns the rows (axis 'row': what each listed query pays) or columns (axis
 * 'column': what every query pays each listed key) of one pattern: data is
 * [indices.length, n], exactly those rows or columns of patternBlock's [n, n].
 *
 * Rows cost O(k n headDim) per head. A column entry needs its query row's
 * softmax maximum and sum: the first column request of a head computes them
 * for every query in O(n^2 headDim), and later ones cost O(k n headDim).
 */
export function patternRows(kept: KeptAttention, selection: PatternSelection, indices: readonly number[], axis: PatternAxis): PatternRows {
  checkSelection(kept, selection);
  const n = kept.tokenCount;
  if (axis !== 'row' && axis !== 'column') {
    throw new InputError(`Axis ${JSON.stringify(axis)} is invalid; use "row" or "column".`);
  }
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new InputError(`Token index ${index} is out of range; the analysis has tokens 0 to ${n - 1}.`);
    }
  }

  const data = new Float32Array(indices.length * n); // [k, n]
  const row = new Float32Array(n);
  const scratch = new Float32Array(n);
  if (axis === 'row') {
    indices.forEach((query, slot) => {
      selectionRow(kept, selection, query, row, scratch);
      data.set(row, slot * n);
    });
  } else {
    writeColumns(kept, selection, indices, data);
  }
  return { selection: { layer: selection.layer, head: selection.head }, axis, indices: [...indices], tokenCount: n, data };
}

/**
 * Writes columns `indices` of `selection` into data, [k, n]. Heads combine in
 * combinedPattern's float32 order: head 0, then a sum or maximum with each
 * further head, then the mean's multiplication by 1 / heads.
 */
function writeColumns(kept: KeptAttention, selection: PatternSelection, indices: readonly number[], data: Float32Array): void {
  const n = kept.tokenCount;
  const { layer, head } = selection;
  const heads = typeof head === 'number' ? [head] : Array.from({ length: kept.heads }, (_, index) => index);
  const column = new Float32Array(n);
  heads.forEach((current, order) => {
    const statistics = rowStatistics(kept, layer, current);
    indices.forEach((key, slot) => {
      columnProbabilities(kept, layer, current, key, statistics, column);
      const offset = slot * n;
      if (order === 0) data.set(column, offset);
      else if (head === 'mean') for (let query = 0; query < n; query++) data[offset + query] += column[query];
      else for (let query = 0; query < n; query++) if (column[query] > data[offset + query]) data[offset + query] = column[query];
    });
  });
  if (head === 'mean') {
    const inverse = 1 / kept.heads;
    for (let i = 0; i < data.length; i++) data[i] *= inverse;
  }
}

/**
 * Writes what every query pays key `key` in one head into column ([n]).
 * The arithmetic repeats attentionRow's: the float64 dot product is scaled and
 * rounded to float32, exp(score - max) is rounded to float32, and that is
 * multiplied by the row's 1 / sum and rounded again. Masked entries are 0.
 */
function columnProbabilities(
  kept: KeptAttention, layer: number, head: number, key: number,
  statistics: { readonly max: Float32Array; readonly inverseSum: Float64Array }, column: Float32Array,
): void {
  const { tokenCount: n, headDim, scale } = kept;
  const queries = kept.queries[layer];
  const keyOffset = (Math.floor(head / (kept.heads / kept.kvHeads)) * n + key) * headDim;
  const keys = kept.keys[layer];
  column.fill(0);
  for (let query = 0; query < n; query++) {
    if (key > lastVisibleKey(kept.mask, query, n) || key < firstVisibleKey(kept.mask, layer, query, n)) continue;
    const queryOffset = (head * n + query) * headDim;
    let dot = 0;
    for (let d = 0; d < headDim; d++) dot += queries[queryOffset + d] * keys[keyOffset + d];
    const exponential = Math.fround(Math.exp(Math.fround(dot * scale) - statistics.max[query]));
    column[query] = exponential * statistics.inverseSum[query];
  }
}

/**
 * Pools one pattern to size x size cells, size = min(cells, n), with blocks
 * split as poolingBlocks does. Each cell is the maximum of its block, not the
 * mean, so a one-token-wide diagonal or previous-token stripe keeps its full
 * weight instead of fading by the block width. The heatmap's raster takes the
 * maximum per device pixel for the same reason. A cell is flagged masked only
 * when the mask hides every entry of its block. When cells >= n the result is
 * the pattern itself with the mask per entry.
 */
// NOTE: pooling computes all n^2 scores of every head it combines in one synchronous call, so a
// cancel cannot stop it; 'mean' at 8,192 tokens took seconds on the TypeScript kernels.
export function pooledPattern(kept: KeptAttention, selection: PatternSelection, cells: number): PooledPattern {
  checkSelection(kept, selection);
  if (!Number.isSafeInteger(cells) || cells < 1) {
    throw new InputError(`Heatmap size ${cells} is invalid; use a positive integer.`);
  }
  const n = kept.tokenCount;
  const size = Math.min(cells, n);
  const { blockStart, cellOfIndex } = poolingBlocks(n, size);
  const data = new Float32Array(size * size); // [size, size] row-major, row = query block
  const visible = new Uint8Array(size * size); // [size, size] 1 once any entry of the block is visible
  const row = new Float32Array(n);
  const scratch = new Float32Array(n);

  for (let query = 0; query < n; query++) {
    selectionRow(kept, selection, query, row, scratch);
    const base = cellOfIndex[query] * size;
    const first = firstVisibleKey(kept.mask, selection.layer, query, n);
    const last = lastVisibleKey(kept.mask, query, n);
    // Visible keys form one range, so walk it block by block and write each cell once.
    for (let cell = cellOfIndex[first]; cell <= cellOfIndex[last]; cell++) {
      const end = Math.min(last + 1, blockStart[cell + 1]);
      let max = data[base + cell];
      for (let key = Math.max(first, blockStart[cell]); key < end; key++) if (row[key] > max) max = row[key];
      data[base + cell] = max;
    }
    visible.fill(1, base + cellOfIndex[first], base + cellOfIndex[last] + 1);
  }

  const masked = new Uint8Array(size * size);
  for (let cell = 0; cell < masked.length; cell++) masked[cell] = visible[cell] === 0 ? 1 : 0;
  return { selection: { layer: selection.layer, head: selection.head }, tokenCount: n, size, data, masked };
}
