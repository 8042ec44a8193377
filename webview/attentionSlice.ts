import type { AttentionDirection } from '../src/protocol';

/**
 * Copies the attention of one token into `out`: the weights it pays (its row
 * of the pattern) or the weights it receives (its column). Returns the largest.
 *
 * pattern: [n, n] row-major, row = query, column = key. out: [n].
 */
export function sliceAttention(
  out: Float32Array,
  pattern: Float32Array,
  n: number,
  index: number,
  direction: AttentionDirection,
): number {
  if (index < 0 || index >= n) throw new RangeError(`Token ${index} is outside a ${n}-token pattern.`);
  let max = 0;
  for (let other = 0; other < n; other++) {
    const weight = direction === 'pays' ? pattern[index * n + other] : pattern[other * n + index];
    out[other] = weight;
    if (weight > max) max = weight;
  }
  return max;
}

/** Indices of the `count` largest weights, largest first; ties keep the lower index first. */
export function topIndices(weights: Float32Array, count: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] > 0)) continue;
    let at = order.length;
    while (at > 0 && weights[order[at - 1]] < weights[i]) at--;
    if (at < count) {
      order.splice(at, 0, i);
      if (order.length > count) order.pop();
    }
  }
  return order;
}
