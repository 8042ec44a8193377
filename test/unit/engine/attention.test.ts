import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  combinedPattern, firstVisibleKey, headPattern, patternBlock, thumbnailBlock,
  type KeptAttention, type MaskRule,
} from '../../../src/engine/attention';
import { EngineError, InputError } from '../../../src/engine/errors';
import { maxAbsDiff } from './model-fixtures';

function randomArray(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) * 3;
  }
  return out;
}

function keptAttention(n: number, mask: MaskRule, heads = 4, kvHeads = 2, layers = 2, headDim = 6): KeptAttention {
  const queries: Float32Array[] = [];
  const keys: Float32Array[] = [];
  for (let layer = 0; layer < layers; layer++) {
    queries.push(randomArray(heads * n * headDim, 10 * layer + 1));
    keys.push(randomArray(kvHeads * n * headDim, 10 * layer + 2));
  }
  return { layers, heads, kvHeads, headDim, tokenCount: n, scale: 1 / Math.sqrt(headDim), mask, queries, keys };
}

/** Computes the pattern from the definition in float64: softmax over visible keys, 0 elsewhere. */
function directPattern(kept: KeptAttention, layer: number, head: number): Float64Array {
  const { tokenCount: n, headDim, heads, kvHeads } = kept;
  const kvHead = Math.floor((head * kvHeads) / heads);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const visible: number[] = [];
    for (let j = 0; j < n; j++) {
      const windowed = kept.mask.slidingWindow !== null && layer >= kept.mask.firstSlidingWindowLayer;
      const masked = kept.mask.causal && (j > i || (windowed && j <= i - kept.mask.slidingWindow!));
      if (!masked) visible.push(j);
    }
    const scores = visible.map((j) => {
      let dot = 0;
      for (let d = 0; d < headDim; d++) {
        dot += kept.queries[layer][(head * n + i) * headDim + d] * kept.keys[layer][(kvHead * n + j) * headDim + d];
      }
      return dot * kept.scale;
    });
    const max = Math.max(...scores);
    const total = scores.reduce((s, v) => s + Math.exp(v - max), 0);
    visible.forEach((j, index) => { out[i * n + j] = Math.exp(scores[index] - max) / total; });
  }
  return out;
}

const CAUSAL: MaskRule = { causal: true, slidingWindow: null, firstSlidingWindowLayer: 0 };
const BIDIRECTIONAL: MaskRule = { causal: false, slidingWindow: null, firstSlidingWindowLayer: 0 };
const WINDOW_3_FROM_LAYER_1: MaskRule = { causal: true, slidingWindow: 3, firstSlidingWindowLayer: 1 };

describe('attention patterns', () => {
  for (const [label, mask] of [['causal', CAUSAL], ['bidirectional', BIDIRECTIONAL], ['sliding window', WINDOW_3_FROM_LAYER_1]] as const) {
    for (const n of [1, 7, 10]) {
      it(`${label} pattern of ${n} tokens matches the definition`, () => {
        const kept = keptAttention(n, mask);
        for (let layer = 0; layer < kept.layers; layer++) {
          for (let head = 0; head < kept.heads; head++) {
            const pattern = new Float32Array(n * n);
            headPattern(kept, layer, head, pattern);
            const expected = directPattern(kept, layer, head);
            assert.ok(maxAbsDiff(pattern, expected) < 1e-6, `layer ${layer} head ${head}`);
            for (let i = 0; i < n * n; i++) if (expected[i] === 0) assert.equal(pattern[i], 0);
          }
        }
      });
    }
  }

  it('grouped query heads share their key head', () => {
    const kept = keptAttention(5, CAUSAL, 4, 1);
    kept.queries[0].copyWithin(5 * 6, 0, 5 * 6); // head 1 gets head 0's queries
    const head0 = new Float32Array(25);
    const head1 = new Float32Array(25);
    headPattern(kept, 0, 0, head0);
    headPattern(kept, 0, 1, head1);
    assert.deepEqual(head1, head0);
  });

  it('sliding window sees i - window < j <= i', () => {
    assert.equal(firstVisibleKey(WINDOW_3_FROM_LAYER_1, 1, 5, 10), 3);
    assert.equal(firstVisibleKey(WINDOW_3_FROM_LAYER_1, 1, 2, 10), 0);
    assert.equal(firstVisibleKey(WINDOW_3_FROM_LAYER_1, 0, 5, 10), 0, 'layer 0 is before the first windowed layer');
  });

  it('a mask that leaves a row empty is an error', () => {
    assert.throws(() => firstVisibleKey({ causal: true, slidingWindow: 0, firstSlidingWindowLayer: 0 }, 0, 3, 5), EngineError);
  });

  it('mean and max over heads match the per-head patterns', () => {
    const n = 7;
    const kept = keptAttention(n, CAUSAL);
    const perHead = Array.from({ length: kept.heads }, (_, head) => directPattern(kept, 1, head));
    const mean = new Float32Array(n * n);
    const max = new Float32Array(n * n);
    combinedPattern(kept, 1, 'mean', mean, 0, new Float32Array(n * n));
    combinedPattern(kept, 1, 'max', max, 0, new Float32Array(n * n));
    const expectedMean = Float64Array.from({ length: n * n }, (_, i) => perHead.reduce((s, p) => s + p[i], 0) / kept.heads);
    const expectedMax = Float64Array.from({ length: n * n }, (_, i) => Math.max(...perHead.map((p) => p[i])));
    assert.ok(maxAbsDiff(mean, expectedMean) < 1e-6);
    assert.ok(maxAbsDiff(max, expectedMax) < 1e-6);
  });

  it('patternBlock stacks selections in order', () => {
    const n = 7;
    const kept = keptAttention(n, CAUSAL);
    const block = patternBlock(kept, [{ layer: 1, head: 3 }, { layer: 0, head: 'mean' }, { layer: 0, head: 'max' }]);
    assert.equal(block.tokenCount, n);
    assert.equal(block.data.length, 3 * n * n);
    assert.ok(maxAbsDiff(block.data.subarray(0, n * n), directPattern(kept, 1, 3)) < 1e-6);
    const mean = new Float32Array(n * n);
    combinedPattern(kept, 0, 'mean', mean, 0, new Float32Array(n * n));
    assert.deepEqual(block.data.subarray(n * n, 2 * n * n), mean);
  });

  it('patternBlock rejects a layer or head out of range', () => {
    const kept = keptAttention(3, CAUSAL);
    assert.throws(() => patternBlock(kept, [{ layer: 2, head: 0 }]), InputError);
    assert.throws(() => patternBlock(kept, [{ layer: 0, head: 4 }]), InputError);
    assert.throws(() => patternBlock(kept, [{ layer: -1, head: 'mean' }]), InputError);
  });
});

describe('attention thumbnails', () => {
  /** Block means straight from the definition, rows and columns split at floor(i n / s). */
  function directThumbnail(kept: KeptAttention, size: number): Float64Array {
    const n = kept.tokenCount;
    const s = Math.min(size, n);
    const out = new Float64Array(kept.layers * kept.heads * s * s);
    for (let layer = 0; layer < kept.layers; layer++) {
      for (let head = 0; head < kept.heads; head++) {
        const pattern = directPattern(kept, layer, head);
        for (let r = 0; r < s; r++) {
          for (let c = 0; c < s; c++) {
            let sum = 0;
            let count = 0;
            for (let i = Math.floor((r * n) / s); i < Math.floor(((r + 1) * n) / s); i++) {
              for (let j = Math.floor((c * n) / s); j < Math.floor(((c + 1) * n) / s); j++) {
                sum += pattern[i * n + j];
                count++;
              }
            }
            out[((layer * kept.heads + head) * s + r) * s + c] = sum / count;
          }
        }
      }
    }
    return out;
  }

  for (const [n, size] of [[10, 4], [12, 4], [7, 7], [5, 16], [1, 8], [33, 5]]) {
    it(`${n} tokens at size ${size} average blocks of the pattern`, () => {
      const kept = keptAttention(n, WINDOW_3_FROM_LAYER_1);
      const block = thumbnailBlock(kept, size);
      const cells = Math.min(size, n);
      assert.equal(block.size, cells);
      assert.equal(block.layers, kept.layers);
      assert.equal(block.heads, kept.heads);
      assert.equal(block.data.length, kept.layers * kept.heads * cells * cells);
      assert.ok(maxAbsDiff(block.data, directThumbnail(kept, size)) < 1e-6);
    });
  }

  it('a thumbnail as large as the text is the pattern itself', () => {
    const kept = keptAttention(6, CAUSAL);
    const block = thumbnailBlock(kept, 6);
    const pattern = new Float32Array(36);
    headPattern(kept, 1, 2, pattern);
    assert.ok(maxAbsDiff(block.data.subarray((1 * 4 + 2) * 36, (1 * 4 + 3) * 36), pattern) < 1e-7);
  });

  it('a size that is not a positive integer is an InputError', () => {
    const kept = keptAttention(4, CAUSAL);
    assert.throws(() => thumbnailBlock(kept, 0), InputError);
    assert.throws(() => thumbnailBlock(kept, 2.5), InputError);
  });
});
