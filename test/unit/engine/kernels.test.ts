import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erf, geluErf, geluTanh, silu } from '../../../src/engine/kernels/activation';
import { addBias } from '../../../src/engine/kernels/elementwise';
import { matmul, matmulPacked, matmulTransposedB, packWeights } from '../../../src/engine/kernels/matmul';
import { layerNorm, rmsNorm } from '../../../src/engine/kernels/norm';
import { applyRope, ropeInverseFrequencies, ropeTables } from '../../../src/engine/kernels/rope';
import { softmaxInPlace } from '../../../src/engine/kernels/softmax';
import { maxAbsDiff } from './model-fixtures';

/** Deterministic values in [-1, 1) from a linear congruential generator. */
function randomArray(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Reference product in float64: [m, k] @ [k, n]. */
function naiveMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      out[i * n + j] = sum;
    }
  }
  return out;
}

function transpose(b: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = b[r * cols + c];
  return out;
}

const ODD_SIZES = [1, 7, 65];

describe('matmul kernels', () => {
  for (const m of ODD_SIZES) {
    for (const k of ODD_SIZES) {
      for (const n of ODD_SIZES) {
        it(`match naive loops for [${m}, ${k}] @ [${k}, ${n}]`, () => {
          const a = randomArray(m * k, m * 100 + k);
          const b = randomArray(k * n, n * 100 + k + 7);
          const bias = randomArray(n, n + 3);
          const expected = naiveMatmul(a, b, m, k, n);
          const tolerance = 1e-6 * Math.sqrt(k);

          const plain = new Float32Array(m * n);
          matmul(plain, a, b, m, k, n);
          assert.ok(maxAbsDiff(plain, expected) <= tolerance, `matmul differs by ${maxAbsDiff(plain, expected)}`);

          const transposed = new Float32Array(m * n);
          matmulTransposedB(transposed, a, transpose(b, k, n), m, k, n);
          assert.ok(maxAbsDiff(transposed, expected) <= tolerance, `matmulTransposedB differs by ${maxAbsDiff(transposed, expected)}`);

          const packedInOut = new Float32Array(m * n);
          matmulPacked(packedInOut, a, m, packWeights(b, k, n, 'inOut'), null);
          assert.ok(maxAbsDiff(packedInOut, expected) <= tolerance, `packed [in, out] differs by ${maxAbsDiff(packedInOut, expected)}`);

          const packedOutIn = new Float32Array(m * n);
          matmulPacked(packedOutIn, a, m, packWeights(transpose(b, k, n), k, n, 'outIn'), bias);
          const withBias = Float64Array.from(expected, (value, i) => value + bias[i % n]);
          assert.ok(maxAbsDiff(packedOutIn, withBias) <= tolerance, `packed [out, in] with bias differs by ${maxAbsDiff(packedOutIn, withBias)}`);
        });
      }
    }
  }

  it('packed kernel leaves columns past n untouched', () => {
    const out = new Float32Array(2 * 5 + 1).fill(42);
    matmulPacked(out, randomArray(2 * 3, 1), 2, packWeights(randomArray(3 * 5, 2), 3, 5, 'inOut'), null);
    assert.equal(out[10], 42);
  });

  it('packWeights rejects a wrong element count', () => {
    assert.throws(() => packWeights(new Float32Array(5), 2, 3, 'inOut'), RangeError);
  });
});

describe('normalization kernels', () => {
  for (const dim of ODD_SIZES) {
    it(`layerNorm matches the definition for dim ${dim}`, () => {
      const rows = 7;
      const x = randomArray(rows * dim, dim);
      const weight = randomArray(dim, dim + 1);
      const bias = randomArray(dim, dim + 2);
      const out = new Float32Array(rows * dim);
      layerNorm(out, x, rows, dim, weight, bias, 1e-5);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * dim, (r + 1) * dim));
        const mean = row.reduce((s, v) => s + v, 0) / dim;
        const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / dim;
        for (let i = 0; i < dim; i++) {
          const expected = ((row[i] - mean) / Math.sqrt(variance + 1e-5)) * weight[i] + bias[i];
          assert.ok(Math.abs(out[r * dim + i] - expected) < 1e-5, `row ${r} column ${i}: ${out[r * dim + i]} vs ${expected}`);
        }
      }
    });

    it(`rmsNorm matches the definition for dim ${dim}`, () => {
      const rows = 7;
      const x = randomArray(rows * dim, dim + 5);
      const weight = randomArray(dim, dim + 6);
      const out = new Float32Array(rows * dim);
      rmsNorm(out, x, rows, dim, weight, 1e-6);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * dim, (r + 1) * dim));
        const meanSquare = row.reduce((s, v) => s + v * v, 0) / dim;
        for (let i = 0; i < dim; i++) {
          const expected = weight[i] * (row[i] / Math.sqrt(meanSquare + 1e-6));
          assert.ok(Math.abs(out[r * dim + i] - expected) < 1e-5, `row ${r} column ${i}`);
        }
      }
    });
  }

  it('layerNorm of a constant row is the bias', () => {
    const out = new Float32Array(4);
    layerNorm(out, new Float32Array([3, 3, 3, 3]), 1, 4, new Float32Array([1, 2, 3, 4]), new Float32Array([0.5, 0, -1, 2]), 1e-5);
    assert.deepEqual(Array.from(out), [0.5, 0, -1, 2]);
  });
});

describe('activation kernels', () => {
  // math.erf of Python 3 (correctly rounded libm values).
  const ERF_VALUES: [number, number][] = [
    [-7, -1], [-3.5, -0.9999992569016276], [-3, -0.9999779095030014], [-2.9, -0.9999589021219005],
    [-1, -0.8427007929497149], [-0.3, -0.3286267594591274], [0, 0], [1e-5, 1.1283791670579e-5],
    [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [2.99, 0.9999764743969194],
    [3, 0.9999779095030014], [3.01, 0.9999792610363629], [4, 0.9999999845827421], [5.5, 0.9999999999999927],
  ];

  it('erf matches reference values', () => {
    // The values straddle x = 3, where the series gives way to the continued fraction.
    for (const [x, expected] of ERF_VALUES) {
      assert.ok(Math.abs(erf(x) - expected) < 1e-13, `erf(${x}) = ${erf(x)}, expected ${expected}`);
    }
  });

  it('erf is odd, monotone and NaN-preserving', () => {
    let previous = -1;
    for (let x = -6; x <= 6; x += 0.01) {
      const value = erf(x);
      assert.ok(value >= previous, `erf decreases at ${x}`);
      assert.equal(erf(-x), -value);
      previous = value;
    }
    assert.ok(Number.isNaN(erf(NaN)));
  });

  it('geluErf and geluTanh agree to 1e-3 and match their formulas', () => {
    const x = randomArray(65, 9).map((v) => v * 6);
    const exact = new Float32Array(65);
    const approximate = new Float32Array(65);
    geluErf(exact, x, 65);
    geluTanh(approximate, x, 65);
    for (let i = 0; i < 65; i++) {
      assert.ok(Math.abs(exact[i] - approximate[i]) < 1e-3, `x = ${x[i]}`);
      assert.ok(Math.abs(exact[i] - 0.5 * x[i] * (1 + erf(x[i] / Math.SQRT2))) < 1e-6);
    }
    const atOne = new Float32Array(1);
    geluErf(atOne, new Float32Array([1]), 1);
    assert.ok(Math.abs(atOne[0] - 0.8413447460685429) < 1e-7);
  });

  it('silu handles large magnitudes without NaN', () => {
    const out = new Float32Array(3);
    silu(out, new Float32Array([-1000, 0, 1000]), 3);
    assert.deepEqual(Array.from(out), [-0, 0, 1000]);
  });
});

describe('softmax and elementwise kernels', () => {
  it('softmax subtracts the maximum, so huge logits stay finite', () => {
    const x = new Float32Array([1e30, 1e30, -1e30, 0]);
    softmaxInPlace(x, 0, 4);
    assert.deepEqual(Array.from(x), [0.5, 0.5, 0, 0]);
  });

  it('softmax touches only its slice and sums to 1', () => {
    const x = randomArray(9, 4).map((v) => v * 50);
    const before = Array.from(x);
    softmaxInPlace(x, 2, 7);
    assert.equal(x[0], before[0]);
    assert.equal(x[8], before[8]);
    const sum = x.subarray(2, 7).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - 1) < 1e-6);
  });

  it('addBias adds per column', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    addBias(x, 2, 3, new Float32Array([10, 20, 30]));
    assert.deepEqual(Array.from(x), [11, 22, 33, 14, 25, 36]);
  });
});

describe('rotary embeddings', () => {
  it('inverse frequencies match PyTorch without and with llama3 scaling', () => {
    // From tools/make_fixtures.py rope_inverse_frequencies (PyTorch 1.13, float32), head_dim 12, theta 10000.
    const plain = [1.0, 0.2154434472322464, 0.04641588404774666, 0.009999999776482582, 0.002154434332624078, 0.00046415894757956266];
    const scaled = [1.0, 0.10198933631181717, 0.005801985505968332, 0.0012499999720603228, 0.0002693042915780097, 5.801986844744533e-5];
    const llama3 = { type: 'llama3' as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 };
    assert.ok(maxAbsDiff(ropeInverseFrequencies(12, 10000, null), plain) < 1e-9);
    const actual = ropeInverseFrequencies(12, 10000, llama3);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(actual[i] - scaled[i]) <= 1e-7 * scaled[i], `frequency ${i}: ${actual[i]} vs ${scaled[i]}`);
  });

  it('applyRope rotates dimension d with d + half', () => {
    const heads = 2;
    const n = 7;
    const headDim = 6;
    const frequencies = ropeInverseFrequencies(headDim, 10000, null);
    const x = randomArray(heads * n * headDim, 11);
    const rotated = x.slice();
    applyRope(rotated, heads, n, headDim, ropeTables(frequencies, n));
    for (let head = 0; head < heads; head++) {
      for (let position = 0; position < n; position++) {
        const base = (head * n + position) * headDim;
        for (let i = 0; i < 3; i++) {
          const angle = position * frequencies[i];
          const first = x[base + i];
          const second = x[base + 3 + i];
          assert.ok(Math.abs(rotated[base + i] - (first * Math.cos(angle) - second * Math.sin(angle))) < 1e-5);
          assert.ok(Math.abs(rotated[base + 3 + i] - (second * Math.cos(angle) + first * Math.sin(angle))) < 1e-5);
        }
      }
    }
  });

  it('applyRope rejects tables that are too short', () => {
    assert.throws(() => applyRope(new Float32Array(24), 1, 4, 6, ropeTables(ropeInverseFrequencies(6, 10000, null), 3)), RangeError);
  });
});
