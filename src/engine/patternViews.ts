/**
 * Parts of one attention pattern, for views that cannot afford all n x n
 * float32 values (256 MiB at 8,192 tokens): chosen query rows or key columns,
 * and the pattern max-pooled to a heatmap's pixel grid. Both are computed from
 * the kept queries and keys one query row at a time, with attentionRow, so
 * every value equals the one patternBlock returns, bit for bit. Besides the
 * result they allocate O(n) scratch.
 */
import type { PatternAxis, PatternRows, PatternSelection, PooledPattern } from '../protocol';
import { attentionRow, checkLayerHead, firstVisibleKey, lastVisibleKey, poolingBlocks, type KeptAttention } from './attention';
import { InputError } from './errors';

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
 * Rows cost O(k n headDim) per head. A column needs every query's whole row
 * for its softmax, so columns cost O(n^2 headDim) per head whatever k is;
 * queries that see none of the listed keys are skipped.
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
  } else if (indices.length > 0) {
    const lowest = Math.min(...indices);
    const highest = Math.max(...indices);
    for (let query = 0; query < n; query++) {
      const seesAny = lastVisibleKey(kept.mask, query, n) >= lowest && firstVisibleKey(kept.mask, selection.layer, query, n) <= highest;
      if (!seesAny) continue; // the column entries stay 0, as the mask makes them
      selectionRow(kept, selection, query, row, scratch);
      indices.forEach((key, slot) => {
        data[slot * n + query] = row[key];
      });
    }
  }
  return { selection: { layer: selection.layer, head: selection.head }, axis, indices: [...indices], tokenCount: n, data };
}

/**
 * Pools one pattern to size x size cells, size = min(cells, n), with blocks
 * split as poolingBlocks does. Each cell is the maximum of its block, not the
 * mean, so a one-token-wide diagonal or previous-token stripe keeps its full
 * weight instead of fading by the block width; the heatmap's raster takes the
 * maximum per device pixel for the same reason. A cell is flagged masked only
 * when the mask hides every entry of its block. When cells >= n the result is
 * the pattern itself with the mask per entry.
 */
export function pooledPattern(kept: KeptAttention, selection: PatternSelection, cells: number): PooledPattern {
  checkSelection(kept, selection);
  if (!Number.isSafeInteger(cells) || cells < 1) {
    throw new InputError(`Heatmap size ${cells} is invalid; use a positive integer.`);
  }
  const n = kept.tokenCount;
  const size = Math.min(cells, n);
  const { cellOfIndex } = poolingBlocks(n, size);
  const data = new Float32Array(size * size); // [size, size] row-major, row = query block
  const visible = new Uint8Array(size * size); // [size, size] 1 once any entry of the block is visible
  const row = new Float32Array(n);
  const scratch = new Float32Array(n);

  for (let query = 0; query < n; query++) {
    selectionRow(kept, selection, query, row, scratch);
    const base = cellOfIndex[query] * size;
    const first = firstVisibleKey(kept.mask, selection.layer, query, n);
    const last = lastVisibleKey(kept.mask, query, n);
    for (let key = first; key <= last; key++) {
      const cell = base + cellOfIndex[key];
      if (row[key] > data[cell]) data[cell] = row[key];
    }
    visible.fill(1, base + cellOfIndex[first], base + cellOfIndex[last] + 1);
  }

  const masked = new Uint8Array(size * size);
  for (let cell = 0; cell < masked.length; cell++) masked[cell] = visible[cell] === 0 ? 1 : 0;
  return { selection: { layer: selection.layer, head: selection.head }, tokenCount: n, size, data, masked };
}
