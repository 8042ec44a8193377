import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KeptAttention, MaskRule } from '../../../src/engine/attention';
import { TypeScriptKernels, type ActivationKind, type KernelBackend } from '../../../src/engine/kernels/backend';
import { ropeInverseFrequencies, ropeTables } from '../../../src/engine/kernels/rope';
import { WasmKernels, wasmKernelsSupported } from '../../../src/engine/wasm/kernels';
import { createKernelBackend } from '../../../src/engine/wasm/select';
import { startNodeThread } from '../../../src/worker/node-threads';
import { maxAbsDiff } from './model-fixtures';

/** Odd sizes that leave remainders in every tile, panel and vector loop. */
const SIZES = [1, 7, 65, 513];
/**
 * The WebAssembly kernels sum in float32 where the reference sums in float64, and use polynomial
 * exp and erf, so results agree to float32 rounding of the sums: at most about 1e-6 times the
 * magnitude of the terms for these sizes.
 */
const TOLERANCE = 1e-5;

/** Deterministic values in [-scale, scale), from a linear congruential generator. */
function randomArray(length: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

const reference = new TypeScriptKernels();

for (const threads of [1, 2]) {
  describe(`WebAssembly kernels, ${threads} thread${threads === 1 ? '' : 's'}, against TypeScript`, { skip: !wasmKernelsSupported() }, () => {
    let wasm: WasmKernels;
    before(async () => {
      wasm = await WasmKernels.create({ threads, startThread: startNodeThread });
      assert.equal(wasm.description, `wasm-simd, ${threads} thread${threads === 1 ? '' : 's'}`, wasm.threadNote ?? '');
    });
    after(() => wasm.dispose());

    /** Copies a plain array into the backend's memory. */
    const inWasm = (data: Float32Array): Float32Array => wasm.adopt(data);

    it('matmul on odd shapes, with and without bias, both weight layouts', () => {
      const shapes: Array<[number, number, number]> = [];
      for (const m of SIZES) for (const n of SIZES) for (const k of [1, 7, 65]) shapes.push([m, k, n]);
      // Deep products cross the kernel's blocks of 256 rows of B and 128 rows of A.
      shapes.push([513, 513, 65], [130, 600, 17], [1, 513, 513]);
      for (const [index, [m, k, n]] of shapes.entries()) {
        const layout = index % 2 === 0 ? 'inOut' : 'outIn';
        const a = randomArray(m * k, index + 1);
        const weight = randomArray(k * n, index + 1000);
        const bias = index % 3 === 0 ? null : randomArray(n, index + 2000);
        const expected = new Float32Array(m * n);
        reference.matmul(expected, a, m, reference.pack(weight, k, n, layout), bias);
        const out = wasm.allocate(m * n);
        const aInWasm = inWasm(a);
        const biasInWasm = bias === null ? null : inWasm(bias);
        const packed = wasm.pack(weight, k, n, layout);
        wasm.matmul(out, aInWasm, m, packed, biasInWasm);
        const diff = maxAbsDiff(out, expected);
        assert.ok(diff <= TOLERANCE * Math.sqrt(k), `[${m}, ${k}] @ [${k}, ${n}] ${layout}: differs by ${diff}`);
        for (const buffer of [out, aInWasm, packed.panels]) wasm.free(buffer);
        if (biasInWasm !== null) wasm.free(biasInWasm);
      }
    });

    it('matmul large enough to split across threads', () => {
      const [m, k, n] = [130, 768, 200]; // 40 MFLOP, above the split threshold
      const a = randomArray(m * k, 7);
      const weight = randomArray(k * n, 8);
      const bias = randomArray(n, 9);
      const expected = new Float32Array(m * n);
      reference.matmul(expected, a, m, reference.pack(weight, k, n, 'outIn'), bias);
      const out = wasm.allocate(m * n);
      wasm.matmul(out, inWasm(a), m, wasm.pack(weight, k, n, 'outIn'), inWasm(bias));
      assert.ok(maxAbsDiff(out, expected) <= TOLERANCE * Math.sqrt(k));
    });

    it('matmul rejects a weight packed by another backend', () => {
      const packed = reference.pack(new Float32Array(4), 2, 2, 'inOut');
      assert.throws(() => wasm.matmul(wasm.allocate(4), wasm.allocate(4), 2, packed, null), /not packed by this WebAssembly backend/);
    });

    it('kernels reject buffers outside their memory', () => {
      const packed = wasm.pack(new Float32Array(4), 2, 2, 'inOut');
      assert.throws(() => wasm.matmul(new Float32Array(4), wasm.allocate(4), 2, packed, null), /not in the WebAssembly kernels' memory/);
    });

    it('layer norm and RMSNorm on odd shapes', () => {
      for (const rows of SIZES) {
        for (const dim of SIZES) {
          // An offset mean checks that the variance is taken around it.
          const x = randomArray(rows * dim, rows * 31 + dim, 3).map((value) => value + 5);
          const weight = randomArray(dim, dim + 1);
          const bias = randomArray(dim, dim + 2);
          const expected = new Float32Array(rows * dim);
          reference.layerNorm(expected, x, rows, dim, weight, bias, 1e-5);
          const out = wasm.allocate(rows * dim);
          wasm.layerNorm(out, inWasm(x), rows, dim, inWasm(weight), inWasm(bias), 1e-5);
          assert.ok(maxAbsDiff(out, expected) <= TOLERANCE, `layerNorm [${rows}, ${dim}] differs by ${maxAbsDiff(out, expected)}`);

          reference.rmsNorm(expected, x, rows, dim, weight, 1e-6);
          const inPlace = inWasm(x);
          wasm.rmsNorm(inPlace, inPlace, rows, dim, inWasm(weight), 1e-6);
          assert.ok(maxAbsDiff(inPlace, expected) <= TOLERANCE, `rmsNorm [${rows}, ${dim}] differs by ${maxAbsDiff(inPlace, expected)}`);
        }
      }
    });

    it('activations on odd lengths and extreme inputs', () => {
      const kinds: ActivationKind[] = ['gelu_new', 'gelu', 'silu', 'relu'];
      const extremes = Float32Array.from([0, -0, 1e-8, -1e-8, 3, -3, 6, -6, 20, -20, 90, -90, 1e30, -1e30]);
      for (const kind of kinds) {
        for (const length of [...SIZES, 70_001]) {
          const x = randomArray(length, length + kind.length, 8);
          x.set(extremes.subarray(0, Math.min(extremes.length, length)));
          const expected = x.slice();
          reference.activate(expected, length, kind);
          const out = inWasm(x);
          wasm.activate(out, length, kind);
          const diff = maxAbsDiff(out, expected);
          assert.ok(diff <= TOLERANCE, `${kind} on ${length} values differs by ${diff}`);
        }
      }
    });

    it('activations keep NaN as NaN', () => {
      for (const kind of ['gelu_new', 'gelu', 'silu'] as const) {
        const x = inWasm(Float32Array.from([NaN, 1, NaN, 2, NaN]));
        wasm.activate(x, 5, kind);
        for (const index of [0, 2, 4]) assert.ok(Number.isNaN(x[index]), `${kind}: element ${index} is ${x[index]}`);
      }
    });

    it('elementwise add, multiply and bias on odd shapes', () => {
      for (const rows of SIZES) {
        for (const cols of SIZES) {
          const count = rows * cols;
          const target = randomArray(count, count + 1);
          const other = randomArray(count, count + 2);
          const bias = randomArray(cols, cols + 3);
          const expected = target.slice();
          reference.addInPlace(expected, other, count);
          reference.multiplyInPlace(expected, other, count);
          reference.addBias(expected, rows, cols, bias);
          const out = inWasm(target);
          const otherInWasm = inWasm(other);
          wasm.addInPlace(out, otherInWasm, count);
          wasm.multiplyInPlace(out, otherInWasm, count);
          wasm.addBias(out, rows, cols, inWasm(bias));
          assert.ok(maxAbsDiff(out, expected) <= 1e-6, `[${rows}, ${cols}]`);
        }
      }
    });

    it('RoPE on odd head counts and lengths', () => {
      for (const heads of [1, 7]) {
        for (const n of SIZES) {
          for (const headDim of [2, 6, 16]) {
            const tables = ropeTables(ropeInverseFrequencies(headDim, 10000, null), n);
            const x = randomArray(heads * n * headDim, heads * n + headDim);
            const expected = x.slice();
            reference.rope(expected, heads, n, headDim, tables);
            const out = inWasm(x);
            wasm.rope(out, heads, n, headDim, { ...tables, cos: inWasm(tables.cos), sin: inWasm(tables.sin) });
            assert.ok(maxAbsDiff(out, expected) <= 1e-6, `heads ${heads}, n ${n}, headDim ${headDim}`);
          }
        }
      }
    });

    it('attention scores, softmax and values on odd lengths and masks', () => {
      const masks: MaskRule[] = [
        { causal: true, slidingWindow: null, firstSlidingWindowLayer: 0 },
        { causal: false, slidingWindow: null, firstSlidingWindowLayer: 0 },
        { causal: true, slidingWindow: 5, firstSlidingWindowLayer: 0 },
      ];
      const cases: Array<{ heads: number; kvHeads: number; n: number; headDim: number }> = [];
      for (const n of SIZES) cases.push({ heads: 2, kvHeads: 1, n, headDim: 6 }, { heads: 3, kvHeads: 3, n, headDim: 16 });
      // Above the split threshold with two threads: 4 * 4 * 300^2 * 64 / 2 FLOPs.
      cases.push({ heads: 4, kvHeads: 2, n: 300, headDim: 64 });
      for (const mask of masks) {
        for (const { heads, kvHeads, n, headDim } of cases) {
          // Large scores test the subtraction of the row maximum.
          const queries = randomArray(heads * n * headDim, n + heads, 4);
          const keys = randomArray(kvHeads * n * headDim, n + kvHeads + 100, 4);
          const values = randomArray(kvHeads * n * headDim, n + 200);
          const kept = (q: Float32Array, k: Float32Array): KeptAttention => ({
            layers: 1, heads, kvHeads, headDim, tokenCount: n, scale: 1 / Math.sqrt(headDim), mask, queries: [q], keys: [k],
          });
          const expected = new Float32Array(n * heads * headDim);
          reference.attend(expected, kept(queries, keys), 0, values);
          const out = wasm.allocate(n * heads * headDim);
          wasm.attend(out, kept(inWasm(queries), inWasm(keys)), 0, inWasm(values));
          const diff = maxAbsDiff(out, expected);
          const label = `heads ${heads}/${kvHeads}, n ${n}, headDim ${headDim}, causal ${mask.causal}, window ${mask.slidingWindow}`;
          assert.ok(diff <= TOLERANCE, `${label}: differs by ${diff}`);
        }
      }
    });

    it('memory is reused after free', () => {
      const before = wasm.liveBytes;
      const first = wasm.allocate(1000);
      const offset = first.byteOffset;
      wasm.free(first);
      assert.equal(wasm.liveBytes, before);
      assert.equal(wasm.allocate(1000).byteOffset, offset);
      assert.throws(() => wasm.free(first.subarray(1)), /no live block/);
    });
  });
}

describe('kernel selection', () => {
  it('typescript is used when requested', async () => {
    const backend: KernelBackend = await createKernelBackend({ kernels: 'typescript' });
    assert.equal(backend.description, 'typescript');
  });

  it('auto picks WebAssembly on two threads when a thread starter is given', { skip: !wasmKernelsSupported() }, async () => {
    const backend = await createKernelBackend({ startThread: startNodeThread });
    assert.equal(backend.description, 'wasm-simd, 2 threads');
    backend.dispose();
  });

  it('auto picks one thread without a thread starter', { skip: !wasmKernelsSupported() }, async () => {
    const backend = await createKernelBackend({});
    assert.equal(backend.description, 'wasm-simd, 1 thread');
    backend.dispose();
  });

  it('a thread starter that fails leaves one thread and says why', { skip: !wasmKernelsSupported() }, async () => {
    const failing = () => {
      throw new Error('workers are disabled here');
    };
    const backend = await WasmKernels.create({ threads: 2, startThread: failing });
    assert.equal(backend.description, 'wasm-simd, 1 thread');
    assert.match(backend.threadNote ?? '', /workers are disabled here/);
    backend.dispose();
  });

  it('an invalid thread count is rejected', { skip: !wasmKernelsSupported() }, async () => {
    await assert.rejects(createKernelBackend({ threads: 3 }), /threads 3 is invalid/);
  });
});
