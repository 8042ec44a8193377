/** Softmax with the maximum subtracted, over a contiguous slice. */

/**
 * Replaces x[start, end) with its softmax; `end > start`. Exponentials are
 * summed in float64 and the probabilities rounded to float32 once.
 */
export function softmaxInPlace(x: Float32Array, start: number, end: number): void {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = start; i < end; i++) {
    const e = Math.exp(x[i] - max);
    x[i] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let i = start; i < end; i++) x[i] *= inverse;
}
