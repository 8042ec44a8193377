/** Elementwise activations over the first `count` elements; `out` may be `x`. */

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (Hugging Face "gelu_new", GPT-2). */
export function geluTanh(out: Float32Array, x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}

/** GELU, exact erf form (Hugging Face "gelu", BERT): x * (1 + erf(x / sqrt 2)) / 2. */
export function geluErf(out: Float32Array, x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    out[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
  }
}

/** SiLU (swish): x * sigmoid(x). */
export function silu(out: Float32Array, x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const v = x[i];
    out[i] = v / (1 + Math.exp(-v));
  }
}

/** ReLU: max(x, 0). */
export function relu(out: Float32Array, x: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) out[i] = x[i] > 0 ? x[i] : 0;
}

/**
 * The error function in float64, absolute error below 1e-14.
 *
 * For |x| < 3 the Maclaurin series erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
 * runs until its terms vanish; its largest term there is about 170, so
 * cancellation costs at most about 1e-14. For |x| >= 3 the continued fraction
 * erfc x = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
 * is evaluated bottom-up from depth 60, far past convergence there.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const magnitude = Math.abs(x);
  if (magnitude < 3) {
    const square = x * x;
    let term = x; // (-1)^n x^(2n+1) / n!
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -square / n;
      const contribution = term / (2 * n + 1);
      sum += contribution;
      if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (magnitude > 6) return Math.sign(x); // erfc(6) < 3e-17
  let fraction = magnitude;
  for (let depth = 60; depth >= 1; depth--) fraction = magnitude + depth / 2 / fraction;
  const complement = Math.exp(-magnitude * magnitude) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(x) * (1 - complement);
}
