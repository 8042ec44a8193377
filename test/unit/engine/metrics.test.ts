import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeptAttention } from '../../../src/engine/attention';
import { DEFAULT_LABEL_THRESHOLDS, labelBits, labelsOf, normalizeThresholds } from '../../../src/engine/headLabels';
import { computeHeadMetrics, writeProbeScores } from '../../../src/engine/headMetrics';
import {
  fullVisibility, meanUniformDistance, METRIC_COUNT, METRIC_INDEX, patternMetrics, previousOccurrences,
} from '../../../src/engine/metrics';
import { buildProbe, probeScores } from '../../../src/engine/metricsProbe';
import { HEAD_METRIC_NAMES, type HeadMetricName } from '../../../src/protocol';

/** Builds an [n, n] pattern from a function of (row, column). */
function pattern(n: number, weight: (row: number, column: number) => number): Float32Array {
  const data = new Float32Array(n * n);
  for (let row = 0; row < n; row++) for (let column = 0; column < n; column++) data[row * n + column] = weight(row, column);
  return data;
}

/** A random sequence of `length` distinct ids, written twice: [r, r]. */
function repeatedSequence(length: number): Int32Array {
  const first = Array.from({ length }, (_, i) => (i * 7 + 3) % 97);
  return Int32Array.from([...first, ...first]);
}

function metric(values: Float32Array, name: HeadMetricName): number {
  return values[METRIC_INDEX[name]];
}

const CLOSE = 1e-6;

/** Float32 results against float64 expectations. */
function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < CLOSE, `${what}: ${actual}, expected ${expected}`);
}

describe('patternMetrics on hand-made patterns', () => {
  const L = 20;
  const ids = repeatedSequence(L);
  const n = ids.length;
  const causal = fullVisibility(n, true);

  it('scores a previous-token head 1 on previous-token only', () => {
    const values = patternMetrics(pattern(n, (i, j) => (i === 0 ? (j === 0 ? 1 : 0) : j === i - 1 ? 1 : 0)), ids, causal);
    assert.equal(metric(values, 'previousToken'), 1);
    assert.equal(metric(values, 'entropy'), 0);
    assert.equal(metric(values, 'self'), 0);
    assert.equal(metric(values, 'induction'), 0);
    assert.equal(metric(values, 'duplicateToken'), 0);
    assert.ok(Math.abs(metric(values, 'sink') - 1 / (n - 1)) < CLOSE, `sink ${metric(values, 'sink')}`);
    assert.equal(metric(values, 'distance'), 1);
    // Row i's relative distance is 1 / (i / 2); the mean over rows 1..39 is about 0.22.
    assert.ok(metric(values, 'relativeDistance') < 0.25, `relative distance ${metric(values, 'relativeDistance')}`);
    assert.ok(Number.isNaN(metric(values, 'inductionProbe')));
  });

  it('scores an induction head 1 on induction', () => {
    // Second copy: all weight on the token after the first occurrence; first copy: the first token.
    const values = patternMetrics(pattern(n, (i, j) => (i >= L ? (j === i - L + 1 ? 1 : 0) : j === 0 ? 1 : 0)), ids, causal);
    assert.equal(metric(values, 'induction'), 1);
    assert.equal(metric(values, 'duplicateToken'), 0);
    assertClose(metric(values, 'previousToken'), 1 / (n - 1), 'only row 1 looks at its previous token');
    assert.equal(metric(values, 'entropy'), 0);
  });

  it('scores a duplicate-token head 1 on duplicates', () => {
    const previous = previousOccurrences(ids);
    const values = patternMetrics(pattern(n, (i, j) => (previous[i] >= 0 ? (j === previous[i] ? 1 : 0) : j === i ? 1 : 0)), ids, causal);
    assert.equal(metric(values, 'duplicateToken'), 1);
    assert.equal(metric(values, 'induction'), 0);
    assert.equal(metric(values, 'previousToken'), 0);
    assertClose(metric(values, 'distance'), (L * L) / (n - 1), 'the second copy looks L tokens back');
  });

  it('gives uniform causal attention entropy 1', () => {
    const values = patternMetrics(pattern(n, (i, j) => (j <= i ? 1 / (i + 1) : 0)), ids, causal);
    assert.ok(Math.abs(metric(values, 'entropy') - 1) < CLOSE, `entropy ${metric(values, 'entropy')}`);
    assert.ok(Math.abs(metric(values, 'relativeDistance') - 1) < CLOSE);
    // Row i spreads over 0..i, so its mean distance is i / 2; rows 1..n-1 count.
    let expected = 0;
    for (let i = 1; i < n; i++) expected += i / 2;
    assert.ok(Math.abs(metric(values, 'distance') - expected / (n - 1)) < 1e-4);
  });

  it('gives uniform bidirectional attention entropy 1', () => {
    const values = patternMetrics(pattern(n, () => 1 / n), ids, fullVisibility(n, false));
    assert.ok(Math.abs(metric(values, 'entropy') - 1) < CLOSE);
    assert.ok(Math.abs(metric(values, 'relativeDistance') - 1) < CLOSE);
    assert.ok(Math.abs(metric(values, 'sink') - 1 / n) < CLOSE);
  });

  it('scores a first-token head 1 on sink', () => {
    const values = patternMetrics(pattern(n, (_, j) => (j === 0 ? 1 : 0)), ids, causal);
    assert.equal(metric(values, 'sink'), 1);
    assert.equal(metric(values, 'entropy'), 0);
    assert.equal(metric(values, 'self'), 0);
  });

  it('scores a diagonal head 1 on self and 0 distance', () => {
    const values = patternMetrics(pattern(n, (i, j) => (i === j ? 1 : 0)), ids, causal);
    assert.equal(metric(values, 'self'), 1);
    assert.equal(metric(values, 'distance'), 0);
    assert.equal(metric(values, 'relativeDistance'), 0);
    assert.equal(metric(values, 'previousToken'), 0);
  });

  it('returns NaN for token scores without repeated tokens', () => {
    const distinct = Int32Array.from({ length: 10 }, (_, i) => i);
    const values = patternMetrics(pattern(10, (i, j) => (j <= i ? 1 / (i + 1) : 0)), distinct, fullVisibility(10, true));
    assert.ok(Number.isNaN(metric(values, 'induction')));
    assert.ok(Number.isNaN(metric(values, 'duplicateToken')));
    assert.ok(!Number.isNaN(metric(values, 'entropy')));
  });

  it('skips rows that see a single key', () => {
    // One token: no informative row, so every metric is undefined.
    const values = patternMetrics(Float32Array.of(1), Int32Array.of(5), fullVisibility(1, true));
    for (const name of HEAD_METRIC_NAMES) assert.ok(Number.isNaN(metric(values, name)), name);
  });

  it('normalises entropy by a sliding window', () => {
    const window = 4;
    const visible = (query: number) => ({ first: Math.max(0, query - window + 1), last: query });
    const values = patternMetrics(pattern(n, (i, j) => (j <= i && j > i - window ? 1 / Math.min(window, i + 1) : 0)), ids, visible);
    assert.ok(Math.abs(metric(values, 'entropy') - 1) < CLOSE);
    assertClose(metric(values, 'sink'), (1 / 2 + 1 / 3 + 1 / 4) / (n - 1), 'only rows 1 to 3 see the first token');
  });

  it('rejects a pattern of the wrong size', () => {
    assert.throws(() => patternMetrics(new Float32Array(5), Int32Array.of(1, 2), fullVisibility(2, true)), /4/);
  });
});

describe('meanUniformDistance', () => {
  it('matches a direct sum', () => {
    for (const [query, first, last] of [[0, 0, 0], [5, 0, 5], [5, 0, 9], [5, 3, 5], [2, 0, 9], [9, 4, 9], [0, 0, 7]]) {
      let sum = 0;
      for (let j = first; j <= last; j++) sum += Math.abs(query - j);
      assert.ok(Math.abs(meanUniformDistance(query, first, last) - sum / (last - first + 1)) < 1e-12, `${query} ${first} ${last}`);
    }
  });
});

describe('head labels', () => {
  const values = (entries: Partial<Record<HeadMetricName, number>>) => {
    const array = new Float32Array(METRIC_COUNT).fill(NaN);
    for (const [name, value] of Object.entries(entries)) array[METRIC_INDEX[name as HeadMetricName]] = value;
    return array;
  };

  it('labels each head type at its threshold', () => {
    const t = DEFAULT_LABEL_THRESHOLDS;
    assert.deepEqual(labelsOf(labelBits(values({ previousToken: t.previousToken }), 0, t)), ['previous-token']);
    assert.deepEqual(labelsOf(labelBits(values({ inductionProbe: 0.9 }), 0, t)), ['induction']);
    assert.deepEqual(labelsOf(labelBits(values({ duplicateToken: 0.31 }), 0, t)), ['duplicate-token']);
    assert.deepEqual(labelsOf(labelBits(values({ sink: 0.99 }), 0, t)), ['sink']);
    assert.deepEqual(labelsOf(labelBits(values({ relativeDistance: 0.05 }), 0, t)), ['local']);
    assert.deepEqual(labelsOf(labelBits(values({ entropy: 0.9 }), 0, t)), ['broad']);
    assert.deepEqual(labelsOf(labelBits(values({ previousToken: 0.49, entropy: 0.5, relativeDistance: 0.5 }), 0, t)), []);
  });

  it('falls back to the text induction score without a probe', () => {
    const t = DEFAULT_LABEL_THRESHOLDS;
    assert.deepEqual(labelsOf(labelBits(values({ induction: 0.8 }), 0, t)), ['induction']);
    assert.deepEqual(labelsOf(labelBits(values({ induction: 0.8, inductionProbe: 0.1 }), 0, t)), [], 'the probe decides when present');
  });

  it('clamps thresholds and fills missing ones', () => {
    const thresholds = normalizeThresholds({ previousToken: 3, sink: -1, local: Number.NaN, broad: 'x' });
    assert.equal(thresholds.previousToken, 1);
    assert.equal(thresholds.sink, 0);
    assert.equal(thresholds.local, DEFAULT_LABEL_THRESHOLDS.local);
    assert.equal(thresholds.broad, DEFAULT_LABEL_THRESHOLDS.broad);
  });
});

describe('buildProbe', () => {
  it('repeats distinct random ids after the prefix', () => {
    const probe = buildProbe(1000, 2048, [0], [], new Set([0]));
    assert.ok(probe);
    assert.equal(probe.length, 50);
    assert.equal(probe.ids.length, 101);
    assert.equal(probe.ids[0], 0);
    const first = [...probe.ids.subarray(1, 51)];
    assert.deepEqual([...probe.ids.subarray(51)], first);
    assert.equal(new Set(first).size, 50);
    assert.ok(!first.includes(0), 'excluded ids are never drawn');
  });

  it('is the same for the same seed', () => {
    assert.deepEqual(buildProbe(500, 512, [], [], new Set())?.ids, buildProbe(500, 512, [], [], new Set())?.ids);
    assert.notDeepEqual(buildProbe(500, 512, [], [], new Set(), 1)?.ids, buildProbe(500, 512, [], [], new Set(), 2)?.ids);
  });

  it('shortens to fit the context and the vocabulary', () => {
    assert.equal(buildProbe(400, 64, [1], [2], new Set([1, 2]))?.length, 31);
    assert.equal(buildProbe(12, 2048, [], [], new Set([0, 1]))?.length, 10);
    assert.equal(buildProbe(400, 4, [1], [2], new Set()), null);
  });
});

/**
 * Kept queries and keys of one causal head that induction-matches exactly:
 * query i is a one-hot of t[i] and key j a one-hot of t[j-1], so q.k is large
 * exactly where the key follows an earlier occurrence of the query's token.
 */
function inductionKept(ids: Int32Array, vocab: number): KeptAttention {
  const n = ids.length;
  const queries = new Float32Array(n * vocab); // [1, n, vocab]
  const keys = new Float32Array(n * vocab); // [1, n, vocab]
  for (let i = 0; i < n; i++) {
    queries[i * vocab + ids[i]] = 1;
    if (i > 0) keys[i * vocab + ids[i - 1]] = 1;
  }
  return {
    layers: 1, heads: 1, kvHeads: 1, headDim: vocab, tokenCount: n, scale: 40,
    mask: { causal: true, slidingWindow: null, firstSlidingWindowLayer: 0 },
    queries: [queries], keys: [keys],
  };
}

describe('metrics from kept queries and keys', () => {
  it('finds an induction head on the probe and on the text', async () => {
    const vocab = 64;
    const probe = buildProbe(vocab, 200, [], [], new Set());
    assert.ok(probe);
    const kept = inductionKept(probe.ids, vocab);
    const data = await computeHeadMetrics(kept, probe.ids);
    assert.equal(data.length, METRIC_COUNT);
    writeProbeScores(data, probeScores(kept, probe));
    assert.ok(data[METRIC_INDEX.inductionProbe] > 0.99, `probe score ${data[METRIC_INDEX.inductionProbe]}`);
    assert.ok(data[METRIC_INDEX.induction] > 0.99, `text score ${data[METRIC_INDEX.induction]}`);
    assert.ok(data[METRIC_INDEX.previousToken] < 0.05);
  });

  it('matches patternMetrics on the materialized pattern', async () => {
    const vocab = 16;
    const ids = Int32Array.from({ length: 30 }, (_, i) => (i * 5) % 11);
    const kept = inductionKept(ids, vocab);
    const n = ids.length;
    kept.queries[0].forEach((_, index) => (kept.queries[0][index] += ((index * 37) % 13) / 50)); // make rows less sharp
    const data = await computeHeadMetrics(kept, ids);
    const { headPattern } = await import('../../../src/engine/attention');
    const full = new Float32Array(n * n);
    headPattern(kept, 0, 0, full);
    const expected = patternMetrics(full, ids, fullVisibility(n, true));
    for (const name of HEAD_METRIC_NAMES) {
      const a = data[METRIC_INDEX[name]];
      const b = expected[METRIC_INDEX[name]];
      assert.ok(Object.is(a, b) || Math.abs(a - b) < 1e-5, `${name}: ${a} vs ${b}`);
    }
  });

  it('stops when cancelled', async () => {
    const ids = Int32Array.from({ length: 8 }, (_, i) => i);
    await assert.rejects(computeHeadMetrics(inductionKept(ids, 8), ids, { isCancelled: () => true }), { name: 'CancelledError' });
  });

  it('rejects probe scores of another table', () => {
    assert.throws(() => writeProbeScores(new Float32Array(METRIC_COUNT * 2), new Float32Array(3)), /3 probe scores/);
  });

  it('rejects ids of the wrong length', async () => {
    const ids = Int32Array.from({ length: 8 }, (_, i) => i);
    await assert.rejects(computeHeadMetrics(inductionKept(ids, 8), ids.subarray(0, 4)), RangeError);
  });
});
