/**
 * Rotary position embeddings in Hugging Face's rotate-half form
 * (modeling_llama.apply_rotary_pos_emb): dimension d < half pairs with d + half,
 *   x'[d]        = x[d] cos - x[d + half] sin
 *   x'[d + half] = x[d + half] cos + x[d] sin
 * which is what the q/k weight layout of Hugging Face checkpoints expects.
 */
import type { Llama3RopeScaling } from '../config';

/**
 * Inverse frequencies [headDim / 2], float32 as Hugging Face computes them
 * (modeling_rope_utils: _compute_default_rope_parameters, then
 * _compute_llama3_parameters when `scaling` is set).
 */
export function ropeInverseFrequencies(headDim: number, theta: number, scaling: Llama3RopeScaling | null): Float32Array {
  const half = headDim / 2;
  const inverse = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround((2 * i) / headDim);
    inverse[i] = 1 / Math.fround(Math.pow(theta, exponent));
  }
  if (scaling === null) return inverse;

  // Llama 3.1: wavelengths longer than original / lowFreqFactor are divided by
  // `factor`, shorter than original / highFreqFactor are kept, and the band
  // between is interpolated smoothly.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions } = scaling;
  const lowFreqWavelength = originalMaxPositions / lowFreqFactor;
  const highFreqWavelength = originalMaxPositions / highFreqFactor;
  for (let i = 0; i < half; i++) {
    const frequency = inverse[i];
    const wavelength = Math.fround((2 * Math.PI) / frequency);
    const scaled = wavelength > lowFreqWavelength ? Math.fround(frequency / factor) : frequency;
    if (wavelength < highFreqWavelength || wavelength > lowFreqWavelength) {
      inverse[i] = scaled;
    } else {
      const smooth = Math.fround((originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor));
      inverse[i] = (1 - smooth) * Math.fround(scaled / factor) + smooth * scaled;
    }
  }
  return inverse;
}

/** Cosine and sine tables, each [positions, headDim / 2], angle = position * inverse frequency in float32. */
export interface RopeTables {
  readonly positions: number;
  readonly half: number;
  readonly cos: Float32Array;
  readonly sin: Float32Array;
}

export function ropeTables(inverseFrequencies: Float32Array, positions: number): RopeTables {
  const half = inverseFrequencies.length;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let position = 0; position < positions; position++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(position * inverseFrequencies[i]);
      cos[position * half + i] = Math.cos(angle);
      sin[position * half + i] = Math.sin(angle);
    }
  }
  return { positions, half, cos, sin };
}

/** Rotates x [heads, n, headDim] in place; positions are 0..n-1. */
export function applyRope(x: Float32Array, heads: number, n: number, headDim: number, tables: RopeTables): void {
  const half = headDim / 2;
  if (tables.half !== half || tables.positions < n) {
    throw new RangeError(`applyRope: tables cover ${tables.positions} positions of head dimension ${2 * tables.half}, need ${n} of ${headDim}.`);
  }
  for (let head = 0; head < heads; head++) {
    for (let position = 0; position < n; position++) {
      const offset = (head * n + position) * headDim;
      const table = position * half;
      for (let i = 0; i < half; i++) {
        const first = x[offset + i];
        const second = x[offset + half + i];
        const cos = tables.cos[table + i];
        const sin = tables.sin[table + i];
        x[offset + i] = first * cos - second * sin;
        x[offset + half + i] = second * cos + first * sin;
      }
    }
  }
}
