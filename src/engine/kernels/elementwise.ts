/** Elementwise helpers over row-major buffers. */

/** x[rows, cols] += bias[cols], row by row. */
export function addBias(x: Float32Array, rows: number, cols: number, bias: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    for (let c = 0; c < cols; c++) x[offset + c] += bias[c];
  }
}

/** target[i] += addend[i] for the first `count` elements (residual connections). */
export function addInPlace(target: Float32Array, addend: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) target[i] += addend[i];
}

/** target[i] *= factor[i] for the first `count` elements (SwiGLU's gate times up). */
export function multiplyInPlace(target: Float32Array, factor: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) target[i] *= factor[i];
}
