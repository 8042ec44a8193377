/**
 * Each query row's softmax maximum and normalizer for one head, so that any
 * entry of the pattern can be computed alone in O(headDim), as FlashAttention
 * keeps a row's log-sum-exp instead of the row. The values repeat
 * attentionRow's arithmetic exactly, so entries computed from them equal the
 * pattern's bit for bit.
 */
import { firstVisibleKey, lastVisibleKey, type KeptAttention } from './attention';

export interface RowStatistics {
  /** [n] largest scaled score of each query row over its visible keys, as float32. */
  readonly max: Float32Array;
  /** [n] 1 / sum of exp(score - max) over the row's visible keys, in float64 as softmaxInPlace keeps it. */
  readonly inverseSum: Float64Array;
}

/** Heads' statistics kept per analysis; at 8,192 tokens each is 96 KiB, so this many cost 3 MiB. */
const MAX_KEPT_HEADS = 32;

// Keyed by the analysis's kept queries and keys, so releasing an analysis frees its statistics.
const keptStatistics = new WeakMap<KeptAttention, Map<string, RowStatistics>>();

/** Returns the statistics of (layer, head), computed in O(n^2 headDim) on first use and kept for the most recent heads. */
export function rowStatistics(kept: KeptAttention, layer: number, head: number): RowStatistics {
  let byHead = keptStatistics.get(kept);
  if (!byHead) {
    byHead = new Map();
    keptStatistics.set(kept, byHead);
  }
  const key = `${layer}/${head}`;
  let statistics = byHead.get(key);
  if (statistics) {
    byHead.delete(key); // reinserted below, so Map order stays least recently used first
  } else {
    statistics = computeRowStatistics(kept, layer, head);
  }
  byHead.set(key, statistics);
  for (const oldest of byHead.keys()) {
    if (byHead.size <= MAX_KEPT_HEADS) break;
    byHead.delete(oldest);
  }
  return statistics;
}

function computeRowStatistics(kept: KeptAttention, layer: number, head: number): RowStatistics {
  const { tokenCount: n, headDim, scale } = kept;
  const queries = kept.queries[layer];
  const keys = kept.keys[layer];
  const keyBase = Math.floor(head / (kept.heads / kept.kvHeads)) * n * headDim;
  const max = new Float32Array(n);
  const inverseSum = new Float64Array(n);
  const scores = new Float32Array(n); // [n] one row's scaled scores, rounded to float32 as attentionRow stores them

  for (let query = 0; query < n; query++) {
    const first = firstVisibleKey(kept.mask, layer, query, n);
    const last = lastVisibleKey(kept.mask, query, n);
    const queryOffset = (head * n + query) * headDim;
    let rowMax = -Infinity;
    for (let key = first; key <= last; key++) {
      const keyOffset = keyBase + key * headDim;
      let dot = 0;
      for (let d = 0; d < headDim; d++) dot += queries[queryOffset + d] * keys[keyOffset + d];
      scores[key] = dot * scale;
      if (scores[key] > rowMax) rowMax = scores[key];
    }
    let sum = 0;
    for (let key = first; key <= last; key++) sum += Math.exp(scores[key] - rowMax);
    max[query] = rowMax;
    inverseSum[query] = 1 / sum;
  }
  return { max, inverseSum };
}
