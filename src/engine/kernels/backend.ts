/**
 * The kernels a forward pass calls, behind one interface, so a model runs the same code on the
 * plain TypeScript kernels (the reference, and the path for hosts without WebAssembly SIMD) and on
 * the WebAssembly kernels in src/engine/wasm/.
 *
 * A backend owns the memory its kernels read: buffers passed to a kernel must come from its
 * `allocate` or `adopt`, and packed weights from its `pack`.
 */
import { attend as attendReference } from '../models/model';
import type { KeptAttention } from '../attention';
import { geluErf, geluTanh, relu, silu } from './activation';
import { addBias, addInPlace, multiplyInPlace } from './elementwise';
import { matmulPacked, packWeights, PANEL_WIDTH, type PackedMatrix } from './matmul';
import { layerNorm, rmsNorm } from './norm';
import { applyRope, type RopeTables } from './rope';

/** Activation functions by their Hugging Face names: gelu_new is the tanh form, gelu the erf form. */
export type ActivationKind = 'gelu_new' | 'gelu' | 'silu' | 'relu';

export interface KernelBackend {
  /** The kernels' kind and thread count, for logs and benchmarks: "typescript" or "wasm-simd, 2 threads". */
  readonly description: string;
  /** A zeroed buffer of `length` floats in the backend's memory. */
  allocate(length: number): Float32Array;
  /** Copies `data` into the backend's memory; the TypeScript backend returns it unchanged. */
  adopt(data: Float32Array): Float32Array;
  /** Returns a buffer from `allocate` or `adopt` to the backend; it must not be used afterwards. */
  free(buffer: Float32Array): void;
  /** Packs a weight for `matmul`: 'inOut' is stored [k, n] (GPT-2's Conv1D), 'outIn' [n, k] (nn.Linear). */
  pack(weight: Float32Array, k: number, n: number, layout: 'inOut' | 'outIn'): PackedMatrix;
  /** Copies column `column` of a packed B [k, n] into out[0, k): a row of an embedding packed as an output head. */
  unpackColumn(out: Float32Array, b: PackedMatrix, column: number): void;
  /** out[m, n] = a[m, k] @ B + bias, with B from `pack` and bias [n] or null. */
  matmul(out: Float32Array, a: Float32Array, m: number, b: PackedMatrix, bias: Float32Array | null): void;
  layerNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, bias: Float32Array, eps: number): void;
  rmsNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, eps: number): void;
  /** Applies the activation in place to x[0, count). */
  activate(x: Float32Array, count: number, kind: ActivationKind): void;
  addInPlace(target: Float32Array, addend: Float32Array, count: number): void;
  multiplyInPlace(target: Float32Array, factor: Float32Array, count: number): void;
  addBias(x: Float32Array, rows: number, cols: number, bias: Float32Array): void;
  /** Rotates x [heads, n, headDim] in place; the tables' cos and sin must be adopted. */
  rope(x: Float32Array, heads: number, n: number, headDim: number, tables: RopeTables): void;
  /**
   * Multi-head attention of one layer: context [n, heads * headDim] = softmax(scale q k^T + mask) v,
   * from the kept queries and keys of `layer` and values [kvHeads, n, headDim].
   */
  attend(context: Float32Array, kept: KeptAttention, layer: number, values: Float32Array): void;
  /** Stops helper threads; the backend's buffers must not be used afterwards. */
  dispose(): void;
}

/** Copies column `column` of B out of panels [ceil(n / width), k, width]. */
export function unpackPanelColumn(out: Float32Array, b: PackedMatrix, column: number, width: number): void {
  if (!Number.isInteger(column) || column < 0 || column >= b.n) {
    throw new RangeError(`unpackColumn: column ${column} is outside 0 to ${b.n - 1}.`);
  }
  const { k, panels } = b;
  const base = Math.floor(column / width) * k * width + (column % width);
  for (let p = 0; p < k; p++) out[p] = panels[base + p * width];
}

/** The plain TypeScript kernels, which accumulate in float64. */
export class TypeScriptKernels implements KernelBackend {
  readonly description = 'typescript';
  private row = new Float32Array(0); // [n] one attention row

  allocate(length: number): Float32Array {
    return new Float32Array(length);
  }

  adopt(data: Float32Array): Float32Array {
    return data;
  }

  free(): void {
    // Plain arrays are reclaimed by the garbage collector.
  }

  pack(weight: Float32Array, k: number, n: number, layout: 'inOut' | 'outIn'): PackedMatrix {
    return packWeights(weight, k, n, layout);
  }

  unpackColumn(out: Float32Array, b: PackedMatrix, column: number): void {
    unpackPanelColumn(out, b, column, PANEL_WIDTH);
  }

  matmul(out: Float32Array, a: Float32Array, m: number, b: PackedMatrix, bias: Float32Array | null): void {
    matmulPacked(out, a, m, b, bias);
  }

  layerNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, bias: Float32Array, eps: number): void {
    layerNorm(out, x, rows, dim, weight, bias, eps);
  }

  rmsNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, eps: number): void {
    rmsNorm(out, x, rows, dim, weight, eps);
  }

  activate(x: Float32Array, count: number, kind: ActivationKind): void {
    switch (kind) {
      case 'gelu_new':
        return geluTanh(x, x, count);
      case 'gelu':
        return geluErf(x, x, count);
      case 'silu':
        return silu(x, x, count);
      case 'relu':
        return relu(x, x, count);
    }
  }

  addInPlace(target: Float32Array, addend: Float32Array, count: number): void {
    addInPlace(target, addend, count);
  }

  multiplyInPlace(target: Float32Array, factor: Float32Array, count: number): void {
    multiplyInPlace(target, factor, count);
  }

  addBias(x: Float32Array, rows: number, cols: number, bias: Float32Array): void {
    addBias(x, rows, cols, bias);
  }

  rope(x: Float32Array, heads: number, n: number, headDim: number, tables: RopeTables): void {
    applyRope(x, heads, n, headDim, tables);
  }

  attend(context: Float32Array, kept: KeptAttention, layer: number, values: Float32Array): void {
    if (this.row.length < kept.tokenCount) this.row = new Float32Array(kept.tokenCount);
    attendReference(context, kept, layer, values, this.row);
  }

  dispose(): void {
    this.row = new Float32Array(0);
  }
}
