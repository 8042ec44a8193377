/**
 * The kernel backend on WebAssembly 128-bit SIMD (src/engine/wasm/assembly/kernels.ts), on one
 * thread or on two over one shared memory.
 *
 * Every buffer a kernel reads is a view into the module's memory, handed out by the arena, so a
 * call passes byte offsets and copies nothing. Weights are copied in once by `adopt` or `pack`.
 */
import type { KeptAttention } from '../attention';
import { EngineError } from '../errors';
import { unpackPanelColumn, type ActivationKind, type KernelBackend } from '../kernels/backend';
import type { PackedMatrix } from '../kernels/matmul';
import type { RopeTables } from '../kernels/rope';
import { WasmArena } from './arena';
import { KERNELS_WASM_BASE64 } from './kernels-binary';
import { CONTROL_INTS, HelperThread, JOB_ACTIVATE, JOB_ATTEND, JOB_MATMUL, type ThreadStarter } from './threads';

/** Columns per packed panel; the kernels' register tile is 4 rows by this many columns. */
export const WASM_PANEL_WIDTH = 8;

/**
 * Work below which a call stays on one thread. Waking the helper and waiting for it costs tens of
 * microseconds, so a split pays off only on larger calls.
 * NOTE: 30 MFLOP is an estimate from an earlier prototype, not tuned per machine.
 */
const MIN_SPLIT_FLOPS = 30e6;
/** Elements below which an activation stays on one thread. */
const MIN_SPLIT_ELEMENTS = 1 << 16;

const ACTIVATION_CODES: Record<ActivationKind, number> = { gelu_new: 0, gelu: 1, silu: 2, relu: 3 };

interface KernelExports {
  packPanels(panels: number, weight: number, k: number, n: number, transposed: number): void;
  matmul(out: number, a: number, panels: number, bias: number, m: number, k: number, n: number,
    rowStart: number, rowEnd: number, panelStart: number, panelEnd: number): void;
  activate(x: number, start: number, end: number, kind: number): void;
  addInPlace(target: number, addend: number, count: number): void;
  multiplyInPlace(target: number, factor: number, count: number): void;
  addBias(x: number, rows: number, cols: number, bias: number): void;
  layerNorm(out: number, x: number, rows: number, dim: number, weight: number, bias: number, eps: number): void;
  rmsNorm(out: number, x: number, rows: number, dim: number, weight: number, eps: number): void;
  rope(x: number, headStart: number, headEnd: number, n: number, headDim: number, cos: number, sin: number): void;
  attend(context: number, queries: number, keys: number, values: number, row: number,
    heads: number, kvHeads: number, n: number, headDim: number, scale: number, causal: number, window: number,
    headStart: number, headEnd: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** Compiles the kernels once per thread; throws where WebAssembly SIMD or threads are unsupported. */
export function kernelsModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
  return compiled;
}

/**
 * True when this host can run the kernels: WebAssembly with SIMD, and a shared memory. A web
 * worker outside a cross-origin isolated page may lack SharedArrayBuffer and shared memory.
 * NOTE: such a host gets the TypeScript kernels. A second build without threads, on a memory that
 * is not shared, would give it the SIMD kernels on one thread, but growing that memory detaches
 * every view the models hold.
 */
export function wasmKernelsSupported(): boolean {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return false;
  return WebAssembly.validate(decodeBase64(KERNELS_WASM_BASE64)) && sharedMemoryConstructible();
}

function sharedMemoryConstructible(): boolean {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    // Hosts without WebAssembly threads reject `shared`; the TypeScript kernels serve them.
    return false;
  }
}

export interface WasmKernelsOptions {
  /** 1 or 2. Two need `startThread`; they fall back to one when the helper cannot start. */
  readonly threads?: number;
  readonly startThread?: ThreadStarter;
}

export class WasmKernels implements KernelBackend {
  readonly description: string;
  private readonly packed = new WeakSet<PackedMatrix>();
  /** [n] attention rows, one per thread, reallocated when n grows. */
  private rows: Float32Array[] = [];

  private constructor(
    private readonly kernels: KernelExports,
    private readonly arena: WasmArena,
    private readonly helper: HelperThread | null,
    /** The reason the second thread is missing when two were requested, or null. */
    readonly threadNote: string | null,
  ) {
    this.description = `wasm-simd, ${helper === null ? 1 : 2} thread${helper === null ? '' : 's'}`;
  }

  static async create(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
    const module = kernelsModule();
    // 65536 pages (4 GiB) is the most a 32-bit memory can address; a shared memory needs a maximum.
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    const arena = new WasmArena(memory);
    const control = arena.allocate(CONTROL_INTS); // kept for the backend's lifetime
    let helper: HelperThread | null = null;
    let threadNote: string | null = null;
    if ((options.threads ?? 1) >= 2) {
      if (options.startThread === undefined) {
        threadNote = 'no way to start a worker thread was given';
      } else {
        try {
          helper = await HelperThread.start(options.startThread, module, memory, control.byteOffset);
        } catch (error) {
          threadNote = `the helper thread failed to start: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    }
    return new WasmKernels(exports, arena, helper, threadNote);
  }

  /** Bytes handed out in the module's memory. */
  get liveBytes(): number {
    return this.arena.liveBytes;
  }

  allocate(length: number): Float32Array {
    return this.arena.allocate(length);
  }

  adopt(data: Float32Array): Float32Array {
    const copy = this.arena.allocate(data.length);
    copy.set(data);
    return copy;
  }

  free(buffer: Float32Array): void {
    this.arena.free(buffer);
  }

  pack(weight: Float32Array, k: number, n: number, layout: 'inOut' | 'outIn'): PackedMatrix {
    if (weight.length !== k * n) {
      throw new RangeError(`pack: expected ${k * n} elements for [${k}, ${n}], got ${weight.length}.`);
    }
    const panelCount = Math.ceil(n / WASM_PANEL_WIDTH);
    const panels = this.arena.allocate(panelCount * k * WASM_PANEL_WIDTH); // [panelCount, k, 8]
    const staged = this.owns(weight) ? weight : this.adopt(weight);
    this.kernels.packPanels(panels.byteOffset, staged.byteOffset, k, n, layout === 'outIn' ? 1 : 0);
    if (staged !== weight) this.arena.free(staged);
    const packed: PackedMatrix = { k, n, panels };
    this.packed.add(packed);
    return packed;
  }

  unpackColumn(out: Float32Array, b: PackedMatrix, column: number): void {
    unpackPanelColumn(out, b, column, WASM_PANEL_WIDTH);
  }

  matmul(out: Float32Array, a: Float32Array, m: number, b: PackedMatrix, bias: Float32Array | null): void {
    const { k, n } = b;
    if (!this.packed.has(b)) throw new EngineError('matmul: the weight was not packed by this WebAssembly backend; pack it with this backend\'s pack.');
    if (a.length < m * k || out.length < m * n || (bias !== null && bias.length < n)) {
      throw new RangeError(`matmul: buffers too small for [${m}, ${k}] @ [${k}, ${n}].`);
    }
    const args = [this.at(out), this.at(a), b.panels.byteOffset, bias === null ? 0 : this.at(bias), m, k, n];
    const panelCount = Math.ceil(n / WASM_PANEL_WIDTH);
    if (this.helper !== null && 2 * m * k * n >= MIN_SPLIT_FLOPS && panelCount >= 2) {
      const middle = panelCount >> 1;
      this.helper.post(JOB_MATMUL, [...args, 0, m, middle, panelCount]);
      this.kernels.matmul(args[0], args[1], args[2], args[3], m, k, n, 0, m, 0, middle);
      this.helper.wait();
    } else {
      this.kernels.matmul(args[0], args[1], args[2], args[3], m, k, n, 0, m, 0, panelCount);
    }
  }

  layerNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, bias: Float32Array, eps: number): void {
    this.kernels.layerNorm(this.at(out), this.at(x), rows, dim, this.at(weight), this.at(bias), eps);
  }

  rmsNorm(out: Float32Array, x: Float32Array, rows: number, dim: number, weight: Float32Array, eps: number): void {
    this.kernels.rmsNorm(this.at(out), this.at(x), rows, dim, this.at(weight), eps);
  }

  activate(x: Float32Array, count: number, kind: ActivationKind): void {
    const pointer = this.at(x);
    const code = ACTIVATION_CODES[kind];
    if (this.helper !== null && count >= MIN_SPLIT_ELEMENTS) {
      const middle = (count >> 3) << 2; // a multiple of 4 near the middle, so both halves stay aligned
      this.helper.post(JOB_ACTIVATE, [pointer, middle, count, code]);
      this.kernels.activate(pointer, 0, middle, code);
      this.helper.wait();
    } else {
      this.kernels.activate(pointer, 0, count, code);
    }
  }

  addInPlace(target: Float32Array, addend: Float32Array, count: number): void {
    this.kernels.addInPlace(this.at(target), this.at(addend), count);
  }

  multiplyInPlace(target: Float32Array, factor: Float32Array, count: number): void {
    this.kernels.multiplyInPlace(this.at(target), this.at(factor), count);
  }

  addBias(x: Float32Array, rows: number, cols: number, bias: Float32Array): void {
    this.kernels.addBias(this.at(x), rows, cols, this.at(bias));
  }

  rope(x: Float32Array, heads: number, n: number, headDim: number, tables: RopeTables): void {
    if (tables.half !== headDim / 2 || tables.positions < n) {
      throw new RangeError(`rope: tables cover ${tables.positions} positions of head dimension ${2 * tables.half}, need ${n} of ${headDim}.`);
    }
    this.kernels.rope(this.at(x), 0, heads, n, headDim, this.at(tables.cos), this.at(tables.sin));
  }

  attend(context: Float32Array, kept: KeptAttention, layer: number, values: Float32Array): void {
    const { heads, kvHeads, headDim, tokenCount: n, mask } = kept;
    this.ensureRows(n);
    const window = mask.causal && mask.slidingWindow !== null && layer >= mask.firstSlidingWindowLayer ? mask.slidingWindow : 0;
    const args = [
      this.at(context), this.at(kept.queries[layer]), this.at(kept.keys[layer]), this.at(values), 0,
      heads, kvHeads, n, headDim, kept.scale, mask.causal ? 1 : 0, window,
    ];
    // q.k and p.v over about half the n^2 pairs when causal, 2 FLOPs per multiply-add.
    const flops = 4 * heads * n * n * headDim * (mask.causal ? 0.5 : 1);
    const kernels = this.kernels;
    if (this.helper !== null && flops >= MIN_SPLIT_FLOPS && heads >= 2) {
      const middle = heads >> 1;
      const helperArgs = [...args];
      helperArgs[4] = this.rows[1].byteOffset;
      this.helper.post(JOB_ATTEND, [...helperArgs, middle, heads], 9);
      kernels.attend(args[0], args[1], args[2], args[3], this.rows[0].byteOffset, heads, kvHeads, n, headDim, kept.scale,
        args[10], window, 0, middle);
      this.helper.wait();
    } else {
      kernels.attend(args[0], args[1], args[2], args[3], this.rows[0].byteOffset, heads, kvHeads, n, headDim, kept.scale,
        args[10], window, 0, heads);
    }
  }

  dispose(): void {
    this.helper?.stop();
    this.rows = [];
  }

  private ensureRows(n: number): void {
    if (this.rows.length > 0 && this.rows[0].length >= n) return;
    for (const row of this.rows) this.arena.free(row);
    this.rows = [this.arena.allocate(n), this.arena.allocate(n)];
  }

  private owns(buffer: Float32Array): boolean {
    return this.arena.owns(buffer);
  }

  /** Returns the byte offset of a buffer in the module's memory; throws for a buffer outside it. */
  private at(buffer: Float32Array): number {
    if (!this.arena.owns(buffer)) {
      throw new EngineError(
        `A buffer of ${buffer.length} floats is not in the WebAssembly kernels' memory; allocate it with the backend's allocate or adopt.`,
      );
    }
    return buffer.byteOffset;
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
