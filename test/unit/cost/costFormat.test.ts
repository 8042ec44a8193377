import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  formatBytes, formatCount, formatFlopRate, formatFlops, formatLength, formatRatio, formatSeconds,
} from '../../../webview/cost/costFormat';

describe('cost formatting', () => {
  it('bytes in binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(48 * 1024 ** 2), '48 MiB');
    assert.equal(formatBytes(16 * 1024 ** 3), '16 GiB');
    assert.equal(formatBytes(-1), '–');
    assert.equal(formatBytes(Number.NaN), '–');
  });

  it('FLOPs in SI units', () => {
    assert.equal(formatFlops(999), '999 FLOP');
    assert.equal(formatFlops(3.2e10), '32 GFLOP');
    assert.equal(formatFlops(1.234e15), '1.23 PFLOP');
    assert.equal(formatFlopRate(19e9), '19 GFLOP/s');
  });

  it('seconds across units', () => {
    assert.equal(formatSeconds(0), '0 s');
    assert.equal(formatSeconds(4.8e-9), '4.8 ns');
    assert.equal(formatSeconds(0.00525), '5.25 ms');
    assert.equal(formatSeconds(1.25), '1.25 s');
    assert.equal(formatSeconds(600), '10 min');
    assert.equal(formatSeconds(Infinity), '–');
  });

  it('counts, lengths and ratios', () => {
    assert.equal(formatCount(124_439_808), '124,439,808');
    assert.equal(formatLength(16), '16');
    assert.equal(formatLength(1024), '1K');
    assert.equal(formatLength(131_072), '128K');
    assert.equal(formatLength(1000), '1,000');
    assert.equal(formatRatio(4), '×4');
    assert.equal(formatRatio(1.9982), '×2.00');
  });
});
