/**
 * Figures that compare two attention patterns of the same tokens, and their
 * difference. Patterns are [n, n] row-major, row = query.
 */

/** Visible keys of each row: j <= i for causal models, every key otherwise. */
export interface CompareMask {
  readonly causal: boolean;
  /** Sliding window width w: row i also cannot see keys at i - w or earlier. Null for full attention. */
  readonly slidingWindow: number | null;
}

function visibleRange(mask: CompareMask, row: number, n: number): { first: number; last: number } {
  if (!mask.causal) return { first: 0, last: n - 1 };
  const first = mask.slidingWindow === null ? 0 : Math.max(0, row - mask.slidingWindow + 1);
  return { first, last: row };
}

function checkPair(a: Float32Array, b: Float32Array, n: number): void {
  if (a.length !== n * n || b.length !== n * n) {
    throw new RangeError(`Patterns of ${a.length} and ${b.length} weights cannot be compared as ${n}-by-${n}.`);
  }
}

/**
 * Mean over rows of the Jensen-Shannon divergence between row i of a and of b,
 * in bits (log base 2), so each row's value is between 0 (same distribution)
 * and 1 (no key in common):
 *   JSD(P, Q) = 1/2 KL(P || M) + 1/2 KL(Q || M),  M = (P + Q) / 2
 * (Lin 1991, "Divergence measures based on the Shannon entropy"). Rows with
 * a single visible key are skipped, as both patterns must put 1 there; NaN
 * when no row is left.
 */
export function meanJensenShannon(a: Float32Array, b: Float32Array, n: number, mask: CompareMask): number {
  checkPair(a, b, n);
  let total = 0;
  let rows = 0;
  for (let row = 0; row < n; row++) {
    const { first, last } = visibleRange(mask, row, n);
    if (last <= first) continue;
    let divergence = 0;
    for (let key = first; key <= last; key++) {
      const p = a[row * n + key];
      const q = b[row * n + key];
      const m = (p + q) / 2;
      if (p > 0) divergence += 0.5 * p * Math.log2(p / m);
      if (q > 0) divergence += 0.5 * q * Math.log2(q / m);
    }
    total += Math.min(1, Math.max(0, divergence));
    rows++;
  }
  return rows > 0 ? total / rows : NaN;
}

/**
 * Pearson correlation of the weights of a and b over the visible entries
 * (masked zeros would agree trivially and inflate it). NaN when either
 * pattern is constant over those entries.
 */
export function weightCorrelation(a: Float32Array, b: Float32Array, n: number, mask: CompareMask): number {
  checkPair(a, b, n);
  let count = 0;
  let sumA = 0;
  let sumB = 0;
  for (let row = 0; row < n; row++) {
    const { first, last } = visibleRange(mask, row, n);
    for (let key = first; key <= last; key++) {
      sumA += a[row * n + key];
      sumB += b[row * n + key];
      count++;
    }
  }
  const meanA = sumA / count;
  const meanB = sumB / count;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let row = 0; row < n; row++) {
    const { first, last } = visibleRange(mask, row, n);
    for (let key = first; key <= last; key++) {
      const x = a[row * n + key] - meanA;
      const y = b[row * n + key] - meanB;
      covariance += x * y;
      varianceA += x * x;
      varianceB += y * y;
    }
  }
  if (varianceA === 0 || varianceB === 0) return NaN;
  return covariance / Math.sqrt(varianceA * varianceB);
}

/** a minus b, [n, n]; values lie in [-1, 1] because both are probabilities. */
export function patternDifference(a: Float32Array, b: Float32Array, n: number): Float32Array {
  checkPair(a, b, n);
  const difference = new Float32Array(n * n);
  for (let i = 0; i < difference.length; i++) difference[i] = a[i] - b[i];
  return difference;
}

/** Returns the largest |value|, the symmetric limit of a diverging scale, or 0 for an all-zero array. */
export function maxAbsolute(values: Float32Array): number {
  let max = 0;
  for (const value of values) if (Math.abs(value) > max) max = Math.abs(value);
  return max;
}
