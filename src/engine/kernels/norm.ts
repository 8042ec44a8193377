/**
 * Normalization over the last dimension of [rows, dim] row-major buffers.
 * Statistics are accumulated in float64; `out` may be the same buffer as `x`.
 */

/** nn.LayerNorm: (x - mean) / sqrt(biased variance + eps) * weight + bias. */
export function layerNorm(
  out: Float32Array, x: Float32Array, rows: number, dim: number,
  weight: Float32Array, bias: Float32Array, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const offset = r * dim;
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += x[offset + i];
    const mean = sum / dim;
    let squares = 0;
    for (let i = 0; i < dim; i++) {
      const centered = x[offset + i] - mean;
      squares += centered * centered;
    }
    const inverse = 1 / Math.sqrt(squares / dim + eps);
    for (let i = 0; i < dim; i++) out[offset + i] = (x[offset + i] - mean) * inverse * weight[i] + bias[i];
  }
}

/** RMSNorm as in Hugging Face's LlamaRMSNorm: x * rsqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const offset = r * dim;
    let squares = 0;
    for (let i = 0; i < dim; i++) squares += x[offset + i] * x[offset + i];
    const inverse = 1 / Math.sqrt(squares / dim + eps);
    for (let i = 0; i < dim; i++) out[offset + i] = weight[i] * (x[offset + i] * inverse);
  }
}
