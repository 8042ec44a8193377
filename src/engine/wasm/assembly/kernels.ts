// Float32 kernels in WebAssembly 128-bit SIMD, compiled by tools/build-wasm.mjs with AssemblyScript.
//
// Every pointer is a byte offset into the imported (shared) memory, and every buffer is row-major.
// The kernels allocate nothing: the TypeScript side owns the memory layout (src/engine/wasm/arena.ts).
// Ranges (rowStart/rowEnd, panelStart/panelEnd, headStart/headEnd) let two threads split one call.

/** Columns per packed panel of B; the register tile is 4 rows by this many columns. */
const PANEL: i32 = 8;
/** Depth of one block of k, so a panel slice (KC x 8 floats, 8 KiB) stays in the L1 cache. */
const KC: i32 = 256;
/** Rows of A per block, so an A block (MC x KC floats, 128 KiB) stays in the L2 cache. */
const MC: i32 = 128;

// ---------------------------------------------------------------------------------------------
// Matrix multiplication

/**
 * Packs B into panels [ceil(n / 8), k, 8], zero-padded. `transposed` = 0: weight is [k, n]
 * (GPT-2's Conv1D); 1: weight is [n, k] (nn.Linear).
 */
export function packPanels(panels: usize, weight: usize, k: i32, n: i32, transposed: i32): void {
  const panelCount = (n + PANEL - 1) / PANEL;
  for (let panel = 0; panel < panelCount; panel++) {
    const base = panels + <usize>panel * <usize>k * PANEL * 4;
    for (let c = 0; c < PANEL; c++) {
      const column = panel * PANEL + c;
      for (let p = 0; p < k; p++) {
        let value: f32 = 0;
        if (column < n) {
          value = transposed != 0
            ? load<f32>(weight + (<usize>column * k + p) * 4)
            : load<f32>(weight + (<usize>p * n + column) * 4);
        }
        store<f32>(base + (<usize>p * PANEL + c) * 4, value);
      }
    }
  }
}

/**
 * out[m, n] = a[m, k] @ B + bias, for rows [rowStart, rowEnd) and panels [panelStart, panelEnd)
 * of the output. B is packed by packPanels; bias is [n] or 0 for none.
 */
export function matmul(
  out: usize, a: usize, panels: usize, bias: usize, m: i32, k: i32, n: i32,
  rowStart: i32, rowEnd: i32, panelStart: i32, panelEnd: i32,
): void {
  for (let depth = 0; depth < k; depth += KC) {
    const depthCount = min(KC, k - depth);
    const first = depth == 0;
    for (let block = rowStart; block < rowEnd; block += MC) {
      const blockEnd = min(block + MC, rowEnd);
      for (let panel = panelStart; panel < panelEnd; panel++) {
        const column = panel * PANEL;
        const width = min(PANEL, n - column);
        const panelBase = panels + (<usize>panel * k + depth) * PANEL * 4;
        let row = block;
        for (; row + 4 <= blockEnd; row += 4) {
          tile4(out, a, panelBase, bias, k, n, row, column, width, depth, depthCount, first);
        }
        for (; row < blockEnd; row++) {
          tile1(out, a, panelBase, bias, k, n, row, column, width, depth, depthCount, first);
        }
      }
    }
  }
}

/** Loads `width` (0 to 4) floats into the low lanes; the rest are 0. */
@inline function loadPartial(ptr: usize, width: i32): v128 {
  if (width >= 4) return v128.load(ptr);
  let v = f32x4.splat(0);
  if (width > 0) v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (width > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr, 4));
  if (width > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr, 8));
  return v;
}

/** Stores the low `width` (0 to 4) lanes of v. */
@inline function storePartial(ptr: usize, v: v128, width: i32): void {
  if (width >= 4) {
    v128.store(ptr, v);
    return;
  }
  if (width > 0) store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (width > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (width > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}

/** Starting value of a tile row: the bias on the first block of k, the partial sums after it. */
@inline function startRow(out: usize, bias: usize, width: i32, half: i32, first: bool): v128 {
  const lanes = min(4, max(0, width - half * 4));
  if (first) return bias == 0 ? f32x4.splat(0) : loadPartial(bias + <usize>half * 16, lanes);
  return loadPartial(out + <usize>half * 16, lanes);
}

/** Computes a 4 x 8 output tile over one block of k, in eight f32x4 accumulators. */
function tile4(
  out: usize, a: usize, panel: usize, bias: usize, k: i32, n: i32,
  row: i32, column: i32, width: i32, depth: i32, depthCount: i32, first: bool,
): void {
  const rowBytes = <usize>n * 4;
  const out0 = out + (<usize>row * n + column) * 4;
  const out1 = out0 + rowBytes;
  const out2 = out1 + rowBytes;
  const out3 = out2 + rowBytes;
  const biasColumn: usize = bias == 0 ? <usize>0 : bias + <usize>column * 4;
  let c00 = startRow(out0, biasColumn, width, 0, first), c01 = startRow(out0, biasColumn, width, 1, first);
  let c10 = startRow(out1, biasColumn, width, 0, first), c11 = startRow(out1, biasColumn, width, 1, first);
  let c20 = startRow(out2, biasColumn, width, 0, first), c21 = startRow(out2, biasColumn, width, 1, first);
  let c30 = startRow(out3, biasColumn, width, 0, first), c31 = startRow(out3, biasColumn, width, 1, first);
  const aStride = <usize>k * 4;
  let a0 = a + (<usize>row * k + depth) * 4;
  let b = panel;
  const end = b + <usize>depthCount * PANEL * 4;
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a0 + aStride);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a0 + 2 * aStride);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a0 + 3 * aStride);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a0 += 4;
    b += PANEL * 4;
  }
  const low = min(4, width);
  const high = max(0, width - 4);
  storePartial(out0, c00, low); storePartial(out0 + 16, c01, high);
  storePartial(out1, c10, low); storePartial(out1 + 16, c11, high);
  storePartial(out2, c20, low); storePartial(out2 + 16, c21, high);
  storePartial(out3, c30, low); storePartial(out3 + 16, c31, high);
}

/** Computes a 1 x 8 output tile, for the rows left over below a multiple of 4. */
function tile1(
  out: usize, a: usize, panel: usize, bias: usize, k: i32, n: i32,
  row: i32, column: i32, width: i32, depth: i32, depthCount: i32, first: bool,
): void {
  const out0 = out + (<usize>row * n + column) * 4;
  const biasColumn: usize = bias == 0 ? <usize>0 : bias + <usize>column * 4;
  let c0 = startRow(out0, biasColumn, width, 0, first);
  let c1 = startRow(out0, biasColumn, width, 1, first);
  let a0 = a + (<usize>row * k + depth) * 4;
  let b = panel;
  const end = b + <usize>depthCount * PANEL * 4;
  while (b < end) {
    const x = v128.load32_splat(a0);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(b)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(b, 16)));
    a0 += 4;
    b += PANEL * 4;
  }
  storePartial(out0, c0, min(4, width));
  storePartial(out0 + 16, c1, max(0, width - 4));
}

// ---------------------------------------------------------------------------------------------
// Elementwise functions in f32x4

/**
 * e^x for each lane, with the reduction x = j ln 2 + r and a degree-6 polynomial for e^r (the
 * Cephes expf coefficients), relative error about 2e-7. Lanes below -87.3 give 0, above 88.7 give
 * infinity.
 */
@inline function expLanes(x: v128): v128 {
  const clamped = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  const j = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(1.44269504)));
  // ln 2 split in two so j * ln2High is exact in float32.
  let r = f32x4.sub(clamped, f32x4.mul(j, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(j, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^j built in the exponent bits; j is in [-126, 128], and 2^128 is handled as 2 * 2^127.
  const jInt = i32x4.trunc_sat_f32x4_s(j);
  const jLow = i32x4.min_s(jInt, i32x4.splat(127));
  const scale = i32x4.shl(i32x4.add(jLow, i32x4.splat(127)), 23);
  let result = f32x4.mul(p, scale);
  result = v128.bitselect(f32x4.mul(result, f32x4.splat(2)), result, i32x4.gt_s(jInt, i32x4.splat(127)));
  // Below the clamp the true value is under float32's smallest normal number.
  return v128.and(result, f32x4.gt(x, f32x4.splat(-87.3)));
}

/** The scalar form of expLanes, for tails shorter than four lanes. */
@inline function expScalar(x: f32): f32 {
  return f32x4.extract_lane(expLanes(f32x4.splat(x)), 0);
}

/** tanh(u) = 1 - 2 / (e^(2u) + 1), which saturates to +-1 where e^(2u) overflows or vanishes. */
@inline function tanhLanes(u: v128): v128 {
  const e = expLanes(f32x4.add(u, u));
  return f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
}

/**
 * erf(x) by Abramowitz and Stegun 7.1.26: 1 - (a1 t + ... + a5 t^5) e^(-x^2) with
 * t = 1 / (1 + 0.3275911 |x|), absolute error below 1.5e-7, sign restored by symmetry.
 */
@inline function erfLanes(x: v128): v128 {
  const magnitude = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.3275911), magnitude)));
  let p = f32x4.splat(1.061405429);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.453152027));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.421413741));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.284496736));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.254829592));
  p = f32x4.mul(p, t);
  const e = expLanes(f32x4.neg(f32x4.mul(magnitude, magnitude)));
  const positive = f32x4.sub(f32x4.splat(1), f32x4.mul(p, e));
  // Copy the sign bit of x onto the result.
  const signBit = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(positive, signBit), v128.and(x, signBit));
}

@inline function geluTanhLanes(v: v128): v128 {
  const cube = f32x4.mul(f32x4.mul(v, v), v);
  const inner = f32x4.mul(f32x4.splat(0.7978845608), f32x4.add(v, f32x4.mul(f32x4.splat(0.044715), cube)));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), tanhLanes(inner)));
}

@inline function geluErfLanes(v: v128): v128 {
  const erf = erfLanes(f32x4.mul(v, f32x4.splat(0.70710678)));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), erf));
}

@inline function siluLanes(v: v128): v128 {
  return f32x4.div(v, f32x4.add(f32x4.splat(1), expLanes(f32x4.neg(v))));
}

/** Activation codes shared with src/engine/wasm/kernels.ts. */
const GELU_TANH = 0;
const GELU_ERF = 1;
const SILU = 2;
const RELU = 3;

/** Applies an activation in place to x[start, end); a thread's share is a range. */
export function activate(x: usize, start: i32, end: i32, kind: i32): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const ptr = x + <usize>i * 4;
    const v = v128.load(ptr);
    let r: v128;
    if (kind == GELU_TANH) r = geluTanhLanes(v);
    else if (kind == GELU_ERF) r = geluErfLanes(v);
    else if (kind == SILU) r = siluLanes(v);
    else r = f32x4.max(v, f32x4.splat(0));
    v128.store(ptr, r);
  }
  for (; i < end; i++) {
    const ptr = x + <usize>i * 4;
    const v = f32x4.splat(load<f32>(ptr));
    let r: v128;
    if (kind == GELU_TANH) r = geluTanhLanes(v);
    else if (kind == GELU_ERF) r = geluErfLanes(v);
    else if (kind == SILU) r = siluLanes(v);
    else r = f32x4.max(v, f32x4.splat(0));
    store<f32>(ptr, f32x4.extract_lane(r, 0));
  }
}

/** target[i] += addend[i] for i < count. */
export function addInPlace(target: usize, addend: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const ptr = target + <usize>i * 4;
    v128.store(ptr, f32x4.add(v128.load(ptr), v128.load(addend + <usize>i * 4)));
  }
  for (; i < count; i++) {
    const ptr = target + <usize>i * 4;
    store<f32>(ptr, load<f32>(ptr) + load<f32>(addend + <usize>i * 4));
  }
}

/** target[i] *= factor[i] for i < count. */
export function multiplyInPlace(target: usize, factor: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const ptr = target + <usize>i * 4;
    v128.store(ptr, f32x4.mul(v128.load(ptr), v128.load(factor + <usize>i * 4)));
  }
  for (; i < count; i++) {
    const ptr = target + <usize>i * 4;
    store<f32>(ptr, load<f32>(ptr) * load<f32>(factor + <usize>i * 4));
  }
}

/** x[rows, cols] += bias[cols], row by row. */
export function addBias(x: usize, rows: i32, cols: i32, bias: usize): void {
  for (let r = 0; r < rows; r++) addInPlace(x + <usize>r * cols * 4, bias, cols);
}

// ---------------------------------------------------------------------------------------------
// Normalization over the last dimension of [rows, dim]; out may equal x.

@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Sum of the floats x[0, count), accumulated in float64 lanes. */
function sumF64(x: usize, count: i32): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    low = f64x2.add(low, f64x2.promote_low_f32x4(v));
    high = f64x2.add(high, f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)));
  }
  let total = f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1);
  for (; i < count; i++) total += <f64>load<f32>(x + <usize>i * 4);
  return total;
}

/** Sum of (x[i] - center)^2 over x[0, count), in float64 lanes. */
function squaresF64(x: usize, count: i32, center: f64): f64 {
  const centerLanes = f64x2.splat(center);
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    const a = f64x2.sub(f64x2.promote_low_f32x4(v), centerLanes);
    const b = f64x2.sub(f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)), centerLanes);
    low = f64x2.add(low, f64x2.mul(a, a));
    high = f64x2.add(high, f64x2.mul(b, b));
  }
  let total = f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1);
  for (; i < count; i++) {
    const centered = <f64>load<f32>(x + <usize>i * 4) - center;
    total += centered * centered;
  }
  return total;
}

/**
 * nn.LayerNorm: (x - mean) / sqrt(biased variance + eps) * weight + bias. The statistics are
 * accumulated in float64, as in the TypeScript reference, because their rounding scales every
 * output of the row.
 */
export function layerNorm(out: usize, x: usize, rows: i32, dim: i32, weight: usize, bias: usize, eps: f32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * dim * 4;
    const outRow = out + <usize>r * dim * 4;
    const mean64 = sumF64(row, dim) / <f64>dim;
    const inverse = <f32>(1 / Math.sqrt(squaresF64(row, dim, mean64) / <f64>dim + <f64>eps));
    const mean = <f32>mean64;
    const meanLanes = f32x4.splat(mean);
    const inverseLanes = f32x4.splat(inverse);
    let i = 0;
    for (; i + 4 <= dim; i += 4) {
      const offset = <usize>i * 4;
      const normed = f32x4.mul(f32x4.sub(v128.load(row + offset), meanLanes), inverseLanes);
      v128.store(outRow + offset, f32x4.add(f32x4.mul(normed, v128.load(weight + offset)), v128.load(bias + offset)));
    }
    for (; i < dim; i++) {
      const offset = <usize>i * 4;
      store<f32>(outRow + offset, (load<f32>(row + offset) - mean) * inverse * load<f32>(weight + offset) + load<f32>(bias + offset));
    }
  }
}

/** RMSNorm as in Hugging Face's LlamaRMSNorm: weight * (x * rsqrt(mean(x^2) + eps)), statistics in float64. */
export function rmsNorm(out: usize, x: usize, rows: i32, dim: i32, weight: usize, eps: f32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * dim * 4;
    const outRow = out + <usize>r * dim * 4;
    const inverse = <f32>(1 / Math.sqrt(squaresF64(row, dim, 0) / <f64>dim + <f64>eps));
    const inverseLanes = f32x4.splat(inverse);
    let i = 0;
    for (; i + 4 <= dim; i += 4) {
      const offset = <usize>i * 4;
      v128.store(outRow + offset, f32x4.mul(v128.load(weight + offset), f32x4.mul(v128.load(row + offset), inverseLanes)));
    }
    for (; i < dim; i++) {
      const offset = <usize>i * 4;
      store<f32>(outRow + offset, load<f32>(weight + offset) * (load<f32>(row + offset) * inverse));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rotary position embeddings, rotate-half form (Hugging Face modeling_llama.apply_rotary_pos_emb)

/**
 * Rotates x [heads, n, headDim] in place for heads [headStart, headEnd); positions are 0..n-1.
 * cos and sin are [positions, headDim / 2].
 */
export function rope(x: usize, headStart: i32, headEnd: i32, n: i32, headDim: i32, cos: usize, sin: usize): void {
  const half = headDim >> 1;
  for (let head = headStart; head < headEnd; head++) {
    for (let position = 0; position < n; position++) {
      const first = x + (<usize>head * n + position) * headDim * 4;
      const second = first + <usize>half * 4;
      const table = <usize>position * half * 4;
      let i = 0;
      for (; i + 4 <= half; i += 4) {
        const offset = <usize>i * 4;
        const a = v128.load(first + offset);
        const b = v128.load(second + offset);
        const c = v128.load(cos + table + offset);
        const s = v128.load(sin + table + offset);
        v128.store(first + offset, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, s)));
        v128.store(second + offset, f32x4.add(f32x4.mul(b, c), f32x4.mul(a, s)));
      }
      for (; i < half; i++) {
        const offset = <usize>i * 4;
        const a = load<f32>(first + offset);
        const b = load<f32>(second + offset);
        const c = load<f32>(cos + table + offset);
        const s = load<f32>(sin + table + offset);
        store<f32>(first + offset, a * c - b * s);
        store<f32>(second + offset, b * c + a * s);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Attention

/** Adds the four float32 lanes of `products` into two float64 lanes. */
@inline function addProducts(sums: v128, products: v128): v128 {
  const low = f64x2.promote_low_f32x4(products);
  const high = f64x2.promote_low_f32x4(i64x2.shuffle(products, products, 1, 0));
  return f64x2.add(sums, f64x2.add(low, high));
}

/**
 * Writes softmax(scale * q.k) over keys [firstKey, lastKey] of one query into row[firstKey..lastKey],
 * with the maximum subtracted. q is [headDim], keys [n, headDim] for one key head.
 */
export function scoreRow(row: usize, q: usize, keys: usize, headDim: i32, firstKey: i32, lastKey: i32, scale: f32): void {
  let largest: f32 = -Infinity;
  const vectorDim = headDim & ~3;
  const keyBytes = <usize>headDim * 4;
  let key = firstKey;
  // Four keys at a time share each load of q; their four sums are reduced together at the end.
  for (; key + 4 <= lastKey + 1; key += 4) {
    const k0 = keys + <usize>key * keyBytes;
    const k1 = k0 + keyBytes;
    const k2 = k1 + keyBytes;
    const k3 = k2 + keyBytes;
    // Products in float32, sums in float64: a score's rounding error becomes a relative error of
    // its probability, so the sums keep the precision of the float64 TypeScript reference.
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let d = 0; d < vectorDim; d += 4) {
      const offset = <usize>d * 4;
      const qv = v128.load(q + offset);
      s0 = addProducts(s0, f32x4.mul(qv, v128.load(k0 + offset)));
      s1 = addProducts(s1, f32x4.mul(qv, v128.load(k1 + offset)));
      s2 = addProducts(s2, f32x4.mul(qv, v128.load(k2 + offset)));
      s3 = addProducts(s3, f32x4.mul(qv, v128.load(k3 + offset)));
    }
    // Lane j of `scores` is the full sum of key j.
    const sums01 = f32x4.demote_f64x2_zero(f64x2.add(i64x2.shuffle(s0, s1, 0, 2), i64x2.shuffle(s0, s1, 1, 3)));
    const sums23 = f32x4.demote_f64x2_zero(f64x2.add(i64x2.shuffle(s2, s3, 0, 2), i64x2.shuffle(s2, s3, 1, 3)));
    let scores = i64x2.shuffle(sums01, sums23, 0, 2);
    for (let d = vectorDim; d < headDim; d++) {
      const qd = load<f32>(q + <usize>d * 4);
      const tail = f32x4(
        qd * load<f32>(k0 + <usize>d * 4), qd * load<f32>(k1 + <usize>d * 4),
        qd * load<f32>(k2 + <usize>d * 4), qd * load<f32>(k3 + <usize>d * 4),
      );
      scores = f32x4.add(scores, tail);
    }
    scores = f32x4.mul(scores, f32x4.splat(scale));
    v128.store(row + <usize>key * 4, scores);
    largest = max(largest, max(max(f32x4.extract_lane(scores, 0), f32x4.extract_lane(scores, 1)),
      max(f32x4.extract_lane(scores, 2), f32x4.extract_lane(scores, 3))));
  }
  for (; key <= lastKey; key++) {
    const k = keys + <usize>key * keyBytes;
    let sums = f32x4.splat(0);
    let tail: f32 = 0;
    let d = 0;
    for (; d + 4 <= headDim; d += 4) {
      sums = f32x4.add(sums, f32x4.mul(v128.load(q + <usize>d * 4), v128.load(k + <usize>d * 4)));
    }
    for (; d < headDim; d++) tail += load<f32>(q + <usize>d * 4) * load<f32>(k + <usize>d * 4);
    const score = (sumLanes(sums) + tail) * scale;
    store<f32>(row + <usize>key * 4, score);
    if (score > largest) largest = score;
  }
  const maxLanes = f32x4.splat(largest);
  let total = f32x4.splat(0);
  let tailTotal: f32 = 0;
  key = firstKey;
  for (; key + 4 <= lastKey + 1; key += 4) {
    const ptr = row + <usize>key * 4;
    const e = expLanes(f32x4.sub(v128.load(ptr), maxLanes));
    v128.store(ptr, e);
    total = f32x4.add(total, e);
  }
  for (; key <= lastKey; key++) {
    const ptr = row + <usize>key * 4;
    const e = expScalar(load<f32>(ptr) - largest);
    store<f32>(ptr, e);
    tailTotal += e;
  }
  const inverse = f32x4.splat(1 / (sumLanes(total) + tailTotal));
  key = firstKey;
  for (; key + 4 <= lastKey + 1; key += 4) {
    const ptr = row + <usize>key * 4;
    v128.store(ptr, f32x4.mul(v128.load(ptr), inverse));
  }
  for (; key <= lastKey; key++) {
    const ptr = row + <usize>key * 4;
    store<f32>(ptr, load<f32>(ptr) * f32x4.extract_lane(inverse, 0));
  }
}

/**
 * Multi-head attention for heads [headStart, headEnd): context [n, heads * headDim] =
 * softmax(scale q k^T + mask) v, merged head-major. queries are [heads, n, headDim], keys and
 * values [kvHeads, n, headDim]; query head h reads key head h / (heads / kvHeads). row is [n]
 * scratch of this thread. causal = 0 attends to every key; window > 0 limits a query i to keys
 * i - window < j <= i.
 */
export function attend(
  context: usize, queries: usize, keys: usize, values: usize, row: usize,
  heads: i32, kvHeads: i32, n: i32, headDim: i32, scale: f32, causal: i32, window: i32,
  headStart: i32, headEnd: i32,
): void {
  const group = heads / kvHeads;
  const width = heads * headDim;
  for (let head = headStart; head < headEnd; head++) {
    const kvBase = <usize>(head / group) * n * headDim * 4;
    for (let query = 0; query < n; query++) {
      let firstKey = 0;
      let lastKey = n - 1;
      if (causal != 0) {
        lastKey = query;
        if (window > 0) firstKey = max(0, query - window + 1);
      }
      const q = queries + (<usize>head * n + query) * headDim * 4;
      scoreRow(row, q, keys + kvBase, headDim, firstKey, lastKey, scale);
      const out = context + (<usize>query * width + head * headDim) * 4;
      memory.fill(out, 0, <usize>headDim * 4);
      const vectorDim = headDim & ~3;
      const valueBytes = <usize>headDim * 4;
      let key = firstKey;
      // Four keys per pass over the output row, so it is loaded and stored a quarter as often.
      for (; key + 4 <= lastKey + 1; key += 4) {
        const probabilities = v128.load(row + <usize>key * 4);
        const p0 = f32x4.splat(f32x4.extract_lane(probabilities, 0));
        const p1 = f32x4.splat(f32x4.extract_lane(probabilities, 1));
        const p2 = f32x4.splat(f32x4.extract_lane(probabilities, 2));
        const p3 = f32x4.splat(f32x4.extract_lane(probabilities, 3));
        const v0 = values + kvBase + <usize>key * valueBytes;
        const v1 = v0 + valueBytes;
        const v2 = v1 + valueBytes;
        const v3 = v2 + valueBytes;
        for (let d = 0; d < vectorDim; d += 4) {
          const offset = <usize>d * 4;
          let sum = v128.load(out + offset);
          sum = f32x4.add(sum, f32x4.mul(p0, v128.load(v0 + offset)));
          sum = f32x4.add(sum, f32x4.mul(p1, v128.load(v1 + offset)));
          sum = f32x4.add(sum, f32x4.mul(p2, v128.load(v2 + offset)));
          sum = f32x4.add(sum, f32x4.mul(p3, v128.load(v3 + offset)));
          v128.store(out + offset, sum);
        }
        for (let d = vectorDim; d < headDim; d++) {
          const offset = <usize>d * 4;
          const sum = load<f32>(out + offset)
            + f32x4.extract_lane(p0, 0) * load<f32>(v0 + offset) + f32x4.extract_lane(p1, 0) * load<f32>(v1 + offset)
            + f32x4.extract_lane(p2, 0) * load<f32>(v2 + offset) + f32x4.extract_lane(p3, 0) * load<f32>(v3 + offset);
          store<f32>(out + offset, sum);
        }
      }
      for (; key <= lastKey; key++) {
        const p = f32x4.splat(load<f32>(row + <usize>key * 4));
        const v = values + kvBase + <usize>key * headDim * 4;
        let d = 0;
        for (; d + 4 <= headDim; d += 4) {
          const offset = <usize>d * 4;
          v128.store(out + offset, f32x4.add(v128.load(out + offset), f32x4.mul(p, v128.load(v + offset))));
        }
        for (; d < headDim; d++) {
          const offset = <usize>d * 4;
          store<f32>(out + offset, load<f32>(out + offset) + f32x4.extract_lane(p, 0) * load<f32>(v + offset));
        }
      }
    }
  }
}
