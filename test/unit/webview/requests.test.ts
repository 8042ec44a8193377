import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebviewRequest } from '../../../src/protocol';
import { PendingRequests, RequestFailedError } from '../../../webview/requests';

function tracker(): { requests: PendingRequests; posted: WebviewRequest[] } {
  const posted: WebviewRequest[] = [];
  return { requests: new PendingRequests((request) => posted.push(request)), posted };
}

test('send posts requests with increasing ids', () => {
  const { requests, posted } = tracker();
  void requests.send('predictions', { analysisId: 3, position: 4, count: 5 });
  void requests.send('thumbnails', { analysisId: 3, size: 16 });
  assert.deepEqual(posted, [
    { kind: 'predictions', requestId: 1, analysisId: 3, position: 4, count: 5 },
    { kind: 'thumbnails', requestId: 2, analysisId: 3, size: 16 },
  ]);
  assert.equal(requests.size, 2);
});

test('reply resolves the request with its id', async () => {
  const { requests } = tracker();
  const first = requests.send('predictions', { analysisId: 1, position: 0, count: 1 });
  const second = requests.send('predictions', { analysisId: 1, position: 1, count: 1 });
  const prediction = [{ id: 7, label: 'x', probability: 0.5 }];
  assert.equal(requests.settle({ kind: 'reply', requestId: 2, request: 'predictions', result: prediction }), true);
  assert.deepEqual(await second, prediction);
  assert.equal(requests.size, 1);
  requests.settle({ kind: 'reply', requestId: 1, request: 'predictions', result: [] });
  assert.deepEqual(await first, []);
});

test('replyError rejects with the host message', async () => {
  const { requests } = tracker();
  const pending = requests.send('patterns', { analysisId: 1, selections: [{ layer: 0, head: 0 }] });
  requests.settle({ kind: 'replyError', requestId: 1, message: 'analysis 1 was released' });
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof RequestFailedError);
    assert.equal(error.request, 'patterns');
    assert.match(error.message, /patterns request 1 failed: analysis 1 was released/);
    return true;
  });
});

test('reply of the wrong kind is rejected', async () => {
  const { requests } = tracker();
  const pending = requests.send('patterns', { analysisId: 1, selections: [] });
  requests.settle({ kind: 'reply', requestId: 1, request: 'predictions', result: [] });
  await assert.rejects(pending, /the reply is for a predictions request/);
});

test('unknown and repeated replies are ignored', async () => {
  const { requests } = tracker();
  const pending = requests.send('predictions', { analysisId: 1, position: 0, count: 1 });
  assert.equal(requests.settle({ kind: 'reply', requestId: 99, request: 'predictions', result: [] }), false);
  assert.equal(requests.settle({ kind: 'reply', requestId: 1, request: 'predictions', result: [] }), true);
  assert.equal(requests.settle({ kind: 'reply', requestId: 1, request: 'predictions', result: [] }), false);
  await pending;
});

test('rejectAll fails every pending request', async () => {
  const { requests } = tracker();
  const a = requests.send('predictions', { analysisId: 1, position: 0, count: 1 });
  const b = requests.send('thumbnails', { analysisId: 1, size: 8 });
  requests.rejectAll('a new analysis started');
  await assert.rejects(a, /a new analysis started/);
  await assert.rejects(b, /thumbnails request 2 failed/);
  assert.equal(requests.size, 0);
});
