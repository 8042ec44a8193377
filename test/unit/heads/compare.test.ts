import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxAbsolute, meanJensenShannon, patternDifference, weightCorrelation } from '../../../webview/heads/compareMath';
import {
  initialComparison, MAX_COMPARED_HEADS, sharedScale, tokenAtPixel, tooLongToCompare, twoTextProblem, withCurrent, withHead, withoutHead,
  withPinned, type AnalysisSide,
} from '../../../webview/heads/compareState';
import { FULL_PATTERN_MAX_TOKENS } from '../../../webview/patternCache';
import { divergingColor, rasterizeDifference } from '../../../webview/heads/divergingRaster';

const causal = { causal: true, slidingWindow: null };

function pattern(n: number, weight: (row: number, column: number) => number): Float32Array {
  const data = new Float32Array(n * n);
  for (let row = 0; row < n; row++) for (let column = 0; column < n; column++) data[row * n + column] = weight(row, column);
  return data;
}

const n = 12;
const previous = pattern(n, (i, j) => (i === 0 ? +(j === 0) : +(j === i - 1)));
const self = pattern(n, (i, j) => +(i === j));
const uniform = pattern(n, (i, j) => (j <= i ? 1 / (i + 1) : 0));

describe('meanJensenShannon', () => {
  it('is 0 for identical patterns', () => {
    assert.equal(meanJensenShannon(uniform, uniform, n, causal), 0);
  });

  it('is 1 for patterns on different keys', () => {
    assert.ok(Math.abs(meanJensenShannon(previous, self, n, causal) - 1) < 1e-9);
  });

  it('matches a hand computation for one row', () => {
    // Row 1 only: P = (1, 0), Q = (1/2, 1/2). M = (3/4, 1/4).
    const a = Float32Array.of(1, 0, 1, 0);
    const b = Float32Array.of(1, 0, 0.5, 0.5);
    const expected = 0.5 * Math.log2(1 / 0.75) + 0.5 * (0.5 * Math.log2(0.5 / 0.75) + 0.5 * Math.log2(0.5 / 0.25));
    assert.ok(Math.abs(meanJensenShannon(a, b, 2, causal) - expected) < 1e-7);
  });

  it('is symmetric', () => {
    assert.ok(Math.abs(meanJensenShannon(previous, uniform, n, causal) - meanJensenShannon(uniform, previous, n, causal)) < 1e-12);
  });

  it('rejects patterns of another size', () => {
    assert.throws(() => meanJensenShannon(previous, new Float32Array(4), n, causal), RangeError);
  });
});

describe('weightCorrelation', () => {
  it('is 1 for a pattern with itself and below for others', () => {
    assert.ok(Math.abs(weightCorrelation(previous, previous, n, causal) - 1) < 1e-9);
    assert.ok(weightCorrelation(previous, self, n, causal) < 0);
  });

  it('ignores masked entries', () => {
    // Equal on the visible triangle, different above it: correlation 1.
    const noisy = pattern(n, (i, j) => (j <= i ? uniform[i * n + j] : 0.5));
    assert.ok(Math.abs(weightCorrelation(uniform, noisy, n, causal) - 1) < 1e-9);
  });

  it('is NaN for a constant pattern', () => {
    const flat = pattern(n, () => 1 / n);
    assert.ok(Number.isNaN(weightCorrelation(flat, uniform, n, { causal: false, slidingWindow: null })));
  });
});

describe('difference view', () => {
  it('subtracts b from a', () => {
    const difference = patternDifference(previous, self, n);
    assert.equal(difference[1 * n + 0], 1);
    assert.equal(difference[1 * n + 1], -1);
    assert.equal(maxAbsolute(difference), 1);
  });

  it('colours negative, zero and positive values apart', () => {
    const scale = { background: { r: 0, g: 0, b: 0 }, negative: { r: 0, g: 0, b: 255 }, positive: { r: 255, g: 0, b: 0 } };
    assert.deepEqual(divergingColor(0, 1, scale), scale.background);
    assert.deepEqual(divergingColor(1, 1, scale), scale.positive);
    assert.deepEqual(divergingColor(-2, 1, scale), scale.negative, 'clamped');
    assert.deepEqual(divergingColor(0.5, 0, scale), scale.background, 'a zero limit draws nothing');

    const side = n;
    const pixels = new Uint8ClampedArray(side * side * 4);
    const mask = { r: 9, g: 9, b: 9 };
    rasterizeDifference(pixels, patternDifference(previous, self, n), n, side, 1, causal, scale, mask);
    const at = (x: number, y: number) => [...pixels.subarray((y * side + x) * 4, (y * side + x) * 4 + 3)];
    assert.deepEqual(at(0, 1), [255, 0, 0], 'A only');
    assert.deepEqual(at(1, 1), [0, 0, 255], 'B only');
    assert.deepEqual(at(5, 1), [9, 9, 9], 'masked');
  });
});

function side(analysisId: number, modelName = 'm', layers = 2, heads = 4): AnalysisSide {
  return {
    analysisId, modelName, layers, heads, causal: true, slidingWindow: null, title: `t${analysisId}`, text: '', analysedLength: 0,
    tokens: { count: 0, ids: new Int32Array(0), starts: new Int32Array(0), ends: new Int32Array(0), flags: new Uint8Array(0), labels: [] },
  };
}

describe('comparison state', () => {
  it('adds heads up to four and keeps at least two', () => {
    let state = withCurrent(initialComparison(), side(1));
    state = withHead(state, 2, { layer: 1, head: 3 });
    state = withHead(state, 3, { layer: 1, head: 2 });
    assert.equal(state.heads.length, MAX_COMPARED_HEADS);
    assert.equal(withHead(state, 4, { layer: 0, head: 0 }).heads.length, MAX_COMPARED_HEADS, 'a fifth head is refused');
    state = withoutHead(withoutHead(state, 0), 0);
    assert.equal(state.heads.length, 2);
    assert.equal(withoutHead(state, 0).heads.length, 2);
  });

  it('clamps heads to a smaller model', () => {
    let state = withCurrent(initialComparison(), side(1, 'big', 12, 12));
    state = withHead(state, 0, { layer: 11, head: 11 });
    state = withCurrent(state, side(2, 'small', 2, 4));
    assert.deepEqual(state.heads[0], { layer: 1, head: 3 });
  });

  it('says why two texts cannot be compared', () => {
    let state = withCurrent(initialComparison(), side(1));
    assert.match(twoTextProblem(state) ?? '', /Pin an analysis/);
    state = withPinned(state, side(1));
    assert.match(twoTextProblem(state) ?? '', /is the current one/);
    state = withCurrent(state, side(2, 'other'));
    assert.match(twoTextProblem(state) ?? '', /same model/);
    state = withCurrent(state, side(3));
    assert.equal(twoTextProblem(state), null);
  });

  it('refuses texts too long for whole patterns', () => {
    const long = { ...side(4), tokens: { ...side(4).tokens, count: FULL_PATTERN_MAX_TOKENS + 1 } };
    assert.equal(tooLongToCompare({ ...long, tokens: { ...long.tokens, count: FULL_PATTERN_MAX_TOKENS } }), null);
    assert.match(tooLongToCompare(long) ?? '', /limited to 1,024 tokens; t4 has 1,025/);
    const state = withCurrent(withPinned(withCurrent(initialComparison(), side(1)), side(1)), long);
    assert.match(twoTextProblem(state) ?? '', /limited to 1,024 tokens/);
  });

  it('draws two texts at one scale', () => {
    const { pixelsPerToken, sides } = sharedScale([100, 50], 400);
    assert.equal(pixelsPerToken, 4);
    assert.deepEqual(sides, [400, 200]);
  });

  it('maps pixels to tokens', () => {
    assert.equal(tokenAtPixel(0, 100, 10), 0);
    assert.equal(tokenAtPixel(99.9, 100, 10), 9);
    assert.equal(tokenAtPixel(55, 100, 10), 5);
    assert.equal(tokenAtPixel(100, 100, 10), -1);
    assert.equal(tokenAtPixel(-1, 100, 10), -1);
  });
});
