import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidSaveRequest, MAX_SAVE_BYTES, safeFileName } from '../../../src/host/exportChecks';
import { PinnedAnalysis } from '../../../src/host/pinnedAnalysis';

describe('saveFile checks', () => {
  it('keeps only a plain file name', () => {
    assert.equal(safeFileName('attention-L0-H1.csv'), 'attention-L0-H1.csv');
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('C:\\Users\\x\\a.png'), 'a.png');
    assert.equal(safeFileName('a:b*c?.md'), 'a_b_c_.md');
    assert.equal(safeFileName('...'), 'attention-export');
    assert.equal(safeFileName(''), 'attention-export');
  });

  it('rejects payloads that are not a named byte array', () => {
    assert.equal(invalidSaveRequest({ name: 'a.png', mimeType: 'image/png', bytes: new Uint8Array(3) }), null);
    assert.match(invalidSaveRequest({ mimeType: 'image/png', bytes: new Uint8Array(3) }) ?? '', /name is missing/);
    assert.match(invalidSaveRequest({ name: 'a.png', bytes: new Uint8Array(3) }) ?? '', /MIME type/);
    assert.match(invalidSaveRequest({ name: 'a.png', mimeType: 'image/png', bytes: [1, 2, 3] }) ?? '', /not bytes/);
    const huge = { byteLength: MAX_SAVE_BYTES + 1 };
    Object.setPrototypeOf(huge, Uint8Array.prototype);
    assert.match(invalidSaveRequest({ name: 'a.npy', mimeType: 'application/x-npy', bytes: huge }) ?? '', /limited/);
  });
});

describe('PinnedAnalysis', () => {
  it('keeps the pinned analysis and releases it when unpinned', () => {
    const released: number[] = [];
    let current: number | null = 3;
    const pinned = new PinnedAnalysis((id) => released.push(id), () => current);
    pinned.onMessage({ kind: 'pinAnalysis', analysisId: 3 });
    assert.ok(pinned.keeps(3));
    current = 4;
    pinned.onMessage({ kind: 'pinAnalysis', analysisId: 4 });
    assert.deepEqual(released, [3], 'the old pin is released once replaced');
    pinned.onMessage({ kind: 'pinAnalysis', analysisId: null });
    assert.deepEqual(released, [3], 'the current analysis is not released');
    assert.equal(pinned.keeps(4), false);
  });
});
