import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatternCache, patternKey } from '../../../webview/patternCache';

test('patternKey separates analyses and heads', () => {
  assert.equal(patternKey(3, { layer: 1, head: 2 }), '3/1/2');
  assert.equal(patternKey(3, { layer: 1, head: 'mean' }), '3/1/mean');
  assert.notEqual(patternKey(3, { layer: 1, head: 2 }), patternKey(4, { layer: 1, head: 2 }));
});

test('cache evicts least recently used past budget', () => {
  // Budget of two 16-float patterns.
  const cache = new PatternCache(2 * 64);
  const a = new Float32Array(16);
  const b = new Float32Array(16);
  const c = new Float32Array(16);
  cache.set('a', a);
  cache.set('b', b);
  assert.equal(cache.get('a'), a);
  cache.set('c', c);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), a);
  assert.equal(cache.get('c'), c);
  assert.equal(cache.size, 128);
});

test('cache counts bytes with sizeOf', () => {
  const cache = new PatternCache<{ data: Float32Array; masked: Uint8Array }>(100, (value) => value.data.byteLength + value.masked.byteLength);
  cache.set('a', { data: new Float32Array(8), masked: new Uint8Array(8) });
  assert.equal(cache.size, 40);
  cache.set('b', { data: new Float32Array(8), masked: new Uint8Array(8) });
  cache.set('c', { data: new Float32Array(8), masked: new Uint8Array(8) });
  assert.equal(cache.get('a'), undefined, 'the oldest entry went past the 100-byte budget');
  assert.equal(cache.size, 80);
});

test('cache keeps newest entry over budget', () => {
  const cache = new PatternCache(64);
  cache.set('small', new Float32Array(4));
  const large = new Float32Array(100);
  cache.set('large', large);
  assert.equal(cache.get('large'), large);
  assert.equal(cache.get('small'), undefined);
  assert.equal(cache.size, 400);
});

test('replacing a key counts bytes once', () => {
  const cache = new PatternCache(1000);
  cache.set('a', new Float32Array(10));
  cache.set('a', new Float32Array(20));
  assert.equal(cache.size, 80);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get('a'), undefined);
});
