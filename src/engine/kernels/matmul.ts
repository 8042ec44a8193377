/**
 * Float32 matrix multiplication, row-major, output first.
 *
 * `matmul` and `matmulTransposedB` are the plain reference kernels. The forward
 * pass calls `packWeights` once at load and `matmulPacked` per product. Packing
 * stores B as column panels of PANEL_WIDTH, so the inner loop reads it
 * contiguously. Each step keeps a 4 x 4 tile of the output in local variables
 * (registers).
 */

/** Columns per packed panel; also the width of the register tile. */
export const PANEL_WIDTH = 4;

/** out[m, n] = a[m, k] @ b[k, n]. */
export function matmul(out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number): void {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const outRow = i * n;
    for (let p = 0; p < k; p++) {
      const aValue = a[i * k + p];
      if (aValue === 0) continue;
      const bRow = p * n;
      for (let j = 0; j < n; j++) out[outRow + j] += aValue * b[bRow + j];
    }
  }
}

/** out[m, n] = a[m, k] @ bT[n, k]^T, for weights stored [out, in] like nn.Linear. */
export function matmulTransposedB(out: Float32Array, a: Float32Array, bT: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[aRow + p] * bT[bRow + p];
      out[i * n + j] = sum;
    }
  }
}

/** A [k, n] weight matrix packed into column panels: [ceil(n / 4), k, 4], zero-padded. */
export interface PackedMatrix {
  /** Rows of B: the input features. */
  readonly k: number;
  /** Columns of B: the output features. */
  readonly n: number;
  readonly panels: Float32Array;
}

/**
 * Packs a weight matrix for `matmulPacked`. `layout` gives how `weight` is
 * stored: 'inOut' is [k, n] (GPT-2's Conv1D), 'outIn' is [n, k] (nn.Linear).
 */
export function packWeights(weight: Float32Array, k: number, n: number, layout: 'inOut' | 'outIn'): PackedMatrix {
  if (weight.length !== k * n) {
    throw new RangeError(`packWeights: expected ${k * n} elements for [${k}, ${n}], got ${weight.length}.`);
  }
  const panelCount = Math.ceil(n / PANEL_WIDTH);
  const panels = new Float32Array(panelCount * k * PANEL_WIDTH); // [panelCount, k, PANEL_WIDTH]
  for (let panel = 0; panel < panelCount; panel++) {
    const base = panel * k * PANEL_WIDTH;
    for (let c = 0; c < PANEL_WIDTH; c++) {
      const column = panel * PANEL_WIDTH + c;
      if (column >= n) break;
      for (let p = 0; p < k; p++) {
        panels[base + p * PANEL_WIDTH + c] = layout === 'inOut' ? weight[p * n + column] : weight[column * k + p];
      }
    }
  }
  return { k, n, panels };
}

/**
 * out[m, n] = a[m, k] @ B + bias, with B packed by `packWeights` and bias [n]
 * or null. Sums run in float64 locals and are rounded once when stored.
 */
export function matmulPacked(out: Float32Array, a: Float32Array, m: number, b: PackedMatrix, bias: Float32Array | null): void {
  const { k, n, panels } = b;
  if (a.length < m * k || out.length < m * n) {
    throw new RangeError(`matmulPacked: buffers too small for [${m}, ${k}] @ [${k}, ${n}].`);
  }
  const panelCount = Math.ceil(n / PANEL_WIDTH);
  const fullRows = m - (m % 4);
  for (let panel = 0; panel < panelCount; panel++) {
    const base = panel * k * PANEL_WIDTH;
    const column = panel * PANEL_WIDTH;
    const width = Math.min(PANEL_WIDTH, n - column);
    const bias0 = bias === null ? 0 : bias[column];
    const bias1 = bias === null || width < 2 ? 0 : bias[column + 1];
    const bias2 = bias === null || width < 3 ? 0 : bias[column + 2];
    const bias3 = bias === null || width < 4 ? 0 : bias[column + 3];
    let i = 0;
    for (; i < fullRows; i += 4) {
      const a0 = i * k;
      const a1 = a0 + k;
      const a2 = a1 + k;
      const a3 = a2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, q = base; p < k; p++, q += PANEL_WIDTH) {
        const b0 = panels[q], b1 = panels[q + 1], b2 = panels[q + 2], b3 = panels[q + 3];
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      storeTileRow(out, i * n + column, width, c00 + bias0, c01 + bias1, c02 + bias2, c03 + bias3);
      storeTileRow(out, (i + 1) * n + column, width, c10 + bias0, c11 + bias1, c12 + bias2, c13 + bias3);
      storeTileRow(out, (i + 2) * n + column, width, c20 + bias0, c21 + bias1, c22 + bias2, c23 + bias3);
      storeTileRow(out, (i + 3) * n + column, width, c30 + bias0, c31 + bias1, c32 + bias2, c33 + bias3);
    }
    for (; i < m; i++) {
      const a0 = i * k;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, q = base; p < k; p++, q += PANEL_WIDTH) {
        const x = a[a0 + p];
        c0 += x * panels[q]; c1 += x * panels[q + 1]; c2 += x * panels[q + 2]; c3 += x * panels[q + 3];
      }
      storeTileRow(out, i * n + column, width, c0 + bias0, c1 + bias1, c2 + bias2, c3 + bias3);
    }
  }
}

function storeTileRow(out: Float32Array, offset: number, width: number, v0: number, v1: number, v2: number, v3: number): void {
  out[offset] = v0;
  if (width > 1) out[offset + 1] = v1;
  if (width > 2) out[offset + 2] = v2;
  if (width > 3) out[offset + 3] = v3;
}
