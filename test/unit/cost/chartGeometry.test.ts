import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { attentionCrossoverLength, presetById, sweep } from '../../../src/cost/index';
import {
  alignedDomain, crossover, decadeDomain, logScale, logTicks, plotArea, powerOfTwoTicks, seriesPoints,
} from '../../../webview/cost/chartGeometry';

describe('logScale', () => {
  it('maps decades evenly', () => {
    const scale = logScale([1, 1000], [0, 300]);
    assert.equal(scale(1), 0);
    assert.ok(Math.abs(scale(10) - 100) < 1e-9);
    assert.ok(Math.abs(scale(1000) - 300) < 1e-9);
  });

  it('runs backwards for a y axis', () => {
    const scale = logScale([16, 1024], [200, 0]);
    assert.equal(scale(16), 200);
    assert.ok(Math.abs(scale(128) - 100) < 1e-9, 'the geometric midpoint is in the middle');
  });

  it('rejects a domain it cannot take the log of', () => {
    assert.throws(() => logScale([0, 10], [0, 1]), RangeError);
    assert.throws(() => logScale([10, 10], [0, 1]), RangeError);
    assert.throws(() => logScale([10, Infinity], [0, 1]), RangeError);
  });
});

describe('decadeDomain', () => {
  it('rounds out to whole decades', () => {
    assert.deepEqual(decadeDomain([3e6, 4.5e9]), [1e6, 1e10]);
  });

  it('skips zero, negative and non-finite values', () => {
    assert.deepEqual(decadeDomain([0, -5, Number.NaN, Infinity, 250]), [100, 1000]);
    assert.equal(decadeDomain([0, Number.NaN]), null);
  });

  it('widens an exact power of ten', () => {
    assert.deepEqual(decadeDomain([1000]), [1000, 10000]);
  });

  it('aligns to powers of two', () => {
    assert.deepEqual(alignedDomain([3000, 5e6], 2), [2048, 2 ** 23]);
    assert.deepEqual(alignedDomain([1024], 2), [1024, 2048]);
  });
});

describe('ticks', () => {
  it('powers of ten thinned to the limit', () => {
    assert.deepEqual(logTicks(1, 1e6, 7), [1, 10, 100, 1e3, 1e4, 1e5, 1e6]);
    assert.deepEqual(logTicks(1, 1e12, 7), [1, 100, 1e4, 1e6, 1e8, 1e10, 1e12]);
  });

  it('adds 2 and 5 within one decade', () => {
    assert.deepEqual(logTicks(100, 900), [100, 200, 500]);
    assert.deepEqual(logTicks(100, 1000), [100, 1000], 'two decades need no multiples');
  });

  it('powers of two for bytes align to the step', () => {
    // 1 KiB to 1 GiB is 21 powers of two; a step of 5 leaves 2^10, 2^15, 2^20, 2^25, 2^30.
    assert.deepEqual(powerOfTwoTicks(1024, 1024 ** 3, 6), [2 ** 10, 2 ** 15, 2 ** 20, 2 ** 25, 2 ** 30]);
  });

  it('powers of two for sequence lengths', () => {
    assert.deepEqual(powerOfTwoTicks(16, 1024), [16, 32, 64, 128, 256, 512, 1024]);
    assert.deepEqual(powerOfTwoTicks(16, 131072, 8), [16, 64, 256, 1024, 4096, 16384, 65536]);
    assert.deepEqual(powerOfTwoTicks(16, 100), [16, 32, 64]);
  });

  it('no ticks for an empty range', () => {
    assert.deepEqual(logTicks(0, 10), []);
    assert.deepEqual(powerOfTwoTicks(20, 30), []);
  });
});

describe('crossover', () => {
  it('exact for power laws', () => {
    // n^2 against 1000 n cross at n = 1000.
    const xs = [16, 64, 256, 1024, 4096];
    const quadratic = xs.map((x) => x * x);
    const linear = xs.map((x) => 1000 * x);
    assert.ok(Math.abs(crossover(xs, quadratic, linear)! - 1000) < 1e-6);
  });

  it('null when never overtaken', () => {
    assert.equal(crossover([1, 2, 4], [1, 2, 3], [5, 6, 7]), null);
  });

  it('first sample when already above', () => {
    assert.equal(crossover([1, 2], [9, 9], [1, 1]), 1);
  });

  it('rejects unequal lengths', () => {
    assert.throws(() => crossover([1, 2], [1], [1, 2]), RangeError);
  });

  for (const id of ['llama-3.1-8b', 'llama-3.1-70b', 'mistral-7b-v0.1', 'qwen2.5-0.5b', 'qwen2.5-7b']) {
    it(`${id} sampled crossover matches the formula`, () => {
      const config = presetById(id).config;
      const points = sweep(config, { pointsPerOctave: 4 });
      const sampled = crossover(points.map((p) => p.sequenceLength), points.map((p) => p.attentionFlops), points.map((p) => p.linearFlops));
      assert.notEqual(sampled, null);
      // Attention is a + b n^2 and linear c n, not pure power laws, so interpolation is close rather than exact.
      const analytic = attentionCrossoverLength(config);
      assert.ok(Math.abs(sampled! / analytic - 1) < 0.01, `sampled ${sampled}, formula ${analytic}`);
    });
  }

  for (const id of ['gpt2', 'smollm-135m']) {
    it(`${id} never crosses within its positions`, () => {
      const config = presetById(id).config;
      assert.ok(attentionCrossoverLength(config) > config.maxPositions);
      const points = sweep(config, { pointsPerOctave: 4 });
      assert.equal(crossover(points.map((p) => p.sequenceLength), points.map((p) => p.attentionFlops), points.map((p) => p.linearFlops)), null);
    });
  }
});

describe('seriesPoints and plotArea', () => {
  it('skips values a log scale cannot place', () => {
    const x = logScale([1, 100], [0, 100]);
    const y = logScale([1, 100], [100, 0]);
    assert.deepEqual(seriesPoints([1, 10, 100], [1, 0, 100], x, y), [[0, 100], [100, 0]]);
  });

  it('never negative', () => {
    assert.deepEqual(plotArea(20, 10), { left: 84, top: 12, width: 0, height: 0 });
    assert.deepEqual(plotArea(500, 260), { left: 84, top: 12, width: 400, height: 212 });
  });
});
