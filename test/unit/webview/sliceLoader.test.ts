import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SliceLoader, type SliceQuery } from '../../../webview/sliceLoader';

function query(index: number, direction: 'pays' | 'receives' = 'pays'): SliceQuery {
  return { analysisId: 1, selection: { layer: 0, head: 2 }, index, direction };
}

/** Builds a loader whose fetches wait until the test resolves them, and records what was fetched and delivered. */
function scriptedLoader(maxEntries = 8) {
  const fetched: number[] = [];
  const loaded: number[] = [];
  const failed: string[] = [];
  const waiting: Array<{ resolve: (weights: Float32Array) => void; reject: (error: Error) => void }> = [];
  const loader = new SliceLoader(
    {
      fetch: (requested) => {
        fetched.push(requested.index);
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      loaded: (requested) => loaded.push(requested.index),
      failed: (requested, error) => failed.push(`${requested.index}: ${(error as Error).message}`),
    },
    maxEntries,
  );
  return { loader, fetched, loaded, failed, waiting };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('latest request waits behind one in flight', async () => {
  const { loader, fetched, loaded, waiting } = scriptedLoader();
  loader.request(query(1));
  loader.request(query(2));
  loader.request(query(3));
  assert.deepEqual(fetched, [1], 'one request at a time');
  waiting[0].resolve(Float32Array.of(0.5));
  await settle();
  assert.deepEqual(fetched, [1, 3], 'token 2 was skipped for the newer token 3');
  waiting[1].resolve(Float32Array.of(0.25));
  await settle();
  assert.deepEqual(loaded, [1, 3]);
  assert.deepEqual(loader.get(query(3)), Float32Array.of(0.25));
  assert.equal(loader.get(query(3, 'receives')), undefined, 'a column is cached apart from the row');
});

test('a cached slice is not fetched again', async () => {
  const { loader, fetched, waiting } = scriptedLoader();
  loader.request(query(4));
  waiting[0].resolve(Float32Array.of(1));
  await settle();
  loader.request(query(4));
  assert.deepEqual(fetched, [4]);
});

test('clear drops replies of requests in flight', async () => {
  const { loader, fetched, loaded, waiting } = scriptedLoader();
  loader.request(query(1));
  loader.clear();
  loader.request(query(2));
  assert.deepEqual(fetched, [1, 2], 'the new analysis does not wait for the old request');
  waiting[0].resolve(Float32Array.of(1));
  waiting[1].resolve(Float32Array.of(2));
  await settle();
  assert.deepEqual(loaded, [2]);
  assert.equal(loader.get(query(1)), undefined);
});

test('a failed fetch is reported and the next one runs', async () => {
  const { loader, fetched, failed, waiting } = scriptedLoader();
  loader.request(query(1));
  loader.request(query(2));
  waiting[0].reject(new Error('the analysis was released'));
  await settle();
  assert.deepEqual(failed, ['1: the analysis was released']);
  assert.deepEqual(fetched, [1, 2]);
  assert.equal(loader.get(query(1)), undefined, 'a failure is not cached');
});

test('cache drops the least recently used slice', async () => {
  const { loader, waiting } = scriptedLoader(2);
  for (const index of [1, 2, 3]) {
    loader.request(query(index));
    waiting[waiting.length - 1].resolve(Float32Array.of(index));
    await settle();
  }
  assert.equal(loader.get(query(1)), undefined);
  assert.deepEqual(loader.get(query(3)), Float32Array.of(3));
});
