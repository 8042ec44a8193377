import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sliceAttention, topIndices } from '../../../webview/attentionSlice';

// [3, 3] row-major, row = query.
const pattern = Float32Array.from([1, 0, 0, 0.25, 0.75, 0, 0.5, 0.125, 0.375]);

test('pays reads the row', () => {
  const out = new Float32Array(3);
  assert.equal(sliceAttention(out, pattern, 3, 2, 'pays'), 0.5);
  assert.deepEqual([...out], [0.5, 0.125, 0.375]);
});

test('receives reads the column', () => {
  const out = new Float32Array(3);
  assert.equal(sliceAttention(out, pattern, 3, 0, 'receives'), 1);
  assert.deepEqual([...out], [1, 0.25, 0.5]);
});

test('slice rejects a token outside the pattern', () => {
  assert.throws(() => sliceAttention(new Float32Array(3), pattern, 3, 3, 'pays'), /Token 3 is outside a 3-token pattern/);
});

test('topIndices orders by weight and skips zeros', () => {
  assert.deepEqual(topIndices(Float32Array.from([0.1, 0.4, 0, 0.4, 0.05]), 3), [1, 3, 0]);
  assert.deepEqual(topIndices(Float32Array.from([0, 0]), 2), []);
  assert.deepEqual(topIndices(Float32Array.from([0.2, 0.3]), 5), [1, 0]);
});
