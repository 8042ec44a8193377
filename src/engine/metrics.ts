/**
 * Per-head figures that tell common head types apart, accumulated one
 * attention row at a time so that no n-by-n pattern has to be kept.
 *
 * Notation: a[i][j] is the weight query i puts on key j; V(i) is the set of
 * keys row i may see (j <= i for causal models, narrowed by a sliding window;
 * every key for BERT); t[i] is token i's id. Only rows with |V(i)| > 1 count
 * ("informative rows"): a row that can see one key puts all its weight there
 * whatever the head does, so it says nothing about the head. Each metric is
 * the mean over the rows named in its definition; a metric with no such row
 * is NaN.
 */
import { HEAD_METRIC_NAMES, type HeadMetricName } from '../protocol';

/**
 * entropy: mean over informative rows of H(i) / ln |V(i)|, with
 *   H(i) = -sum_j a[i][j] ln a[i][j].
 * 1 for uniform attention over the visible keys, 0 for a row on one key.
 * Clark et al. 2019, "What Does BERT Look At? An Analysis of BERT's
 * Attention", measure broad attention by each head's average entropy; the
 * division by ln |V(i)| is added here so that rows of different lengths compare.
 *
 * previousToken: mean over informative rows with i >= 1 of a[i][i-1].
 * Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits",
 * previous-token heads; Olsson et al. 2022 use them as the first half of an
 * induction circuit.
 *
 * induction: mean over rows with S(i) non-empty of sum_{k in S(i)} a[i][k],
 *   S(i) = { j + 1 : j < i, t[j] = t[i], j + 1 visible from i }:
 * the weight on the token that followed an earlier occurrence of the current
 * token ([A][B] ... [A] -> [B]). Olsson et al. 2022, "In-context Learning and
 * Induction Heads", prefix-matching score.
 *
 * inductionProbe: the same rule on the standard probe, a random sequence of L
 * tokens repeated twice (Olsson et al. 2022): mean over the second copy of
 * a[i][i - L + 1]. See metricsProbe.ts.
 *
 * duplicateToken: mean over rows with D(i) non-empty of sum_{j in D(i)} a[i][j],
 *   D(i) = { j < i : t[j] = t[i], j visible from i }.
 * Wang et al. 2022, "Interpretability in the Wild: a Circuit for Indirect
 * Object Identification in GPT-2 small", duplicate-token heads.
 *
 * sink: mean over informative rows of a[i][0], the weight on the first token.
 * Xiao et al. 2023, "Efficient Streaming Language Models with Attention
 * Sinks".
 *
 * self: mean over informative rows of a[i][i].
 *
 * distance: mean over informative rows of sum_j a[i][j] |i - j|, in tokens.
 *
 * relativeDistance: mean over informative rows of
 *   (sum_j a[i][j] |i - j|) / (mean over j in V(i) of |i - j|),
 * the distance relative to uniform attention over the same keys: 1 for
 * uniform, 0 for attention on the token itself, near 0 for a head that looks
 * a few tokens back in a long row.
 */
export const METRIC_COUNT = HEAD_METRIC_NAMES.length;

/** Index of each metric in a values array laid out as HEAD_METRIC_NAMES. */
export const METRIC_INDEX: Readonly<Record<HeadMetricName, number>> = Object.fromEntries(
  HEAD_METRIC_NAMES.map((name, index) => [name, index]),
) as Record<HeadMetricName, number>;

/**
 * For each position, the latest earlier position with the same token id, or
 * -1. Following the chain from i lists every earlier occurrence of t[i].
 * Returns [n].
 */
export function previousOccurrences(ids: Int32Array): Int32Array {
  const previous = new Int32Array(ids.length);
  const lastSeen = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) {
    previous[i] = lastSeen.get(ids[i]) ?? -1;
    lastSeen.set(ids[i], i);
  }
  return previous;
}

/** Sums and counts for one head, fed one attention row at a time. */
export class HeadMetricAccumulator {
  private entropySum = 0;
  private informativeRows = 0;
  private previousSum = 0;
  private previousRows = 0;
  private inductionSum = 0;
  private inductionRows = 0;
  private duplicateSum = 0;
  private duplicateRows = 0;
  private sinkSum = 0;
  private selfSum = 0;
  private distanceSum = 0;
  private relativeDistanceSum = 0;

  /** previous: [n] from previousOccurrences(ids) of the analysed tokens. */
  constructor(private readonly previous: Int32Array) {}

  /** Starts a new head without allocating. */
  reset(): void {
    this.entropySum = 0;
    this.informativeRows = 0;
    this.previousSum = 0;
    this.previousRows = 0;
    this.inductionSum = 0;
    this.inductionRows = 0;
    this.duplicateSum = 0;
    this.duplicateRows = 0;
    this.sinkSum = 0;
    this.selfSum = 0;
    this.distanceSum = 0;
    this.relativeDistanceSum = 0;
  }

  /**
   * Adds row `query`: row[offset + j] is a[query][j] for j in [0, n), and the
   * visible keys are first..last inclusive (weights outside them are 0).
   */
  addRow(row: Float32Array, offset: number, query: number, first: number, last: number): void {
    const visible = last - first + 1;
    if (visible <= 1) return;

    let entropy = 0;
    let distance = 0;
    for (let key = first; key <= last; key++) {
      const weight = row[offset + key];
      if (weight > 0) entropy -= weight * Math.log(weight);
      distance += weight * Math.abs(query - key);
    }
    this.informativeRows++;
    this.entropySum += entropy / Math.log(visible);
    this.distanceSum += distance;
    this.relativeDistanceSum += distance / meanUniformDistance(query, first, last);
    this.sinkSum += first === 0 ? row[offset] : 0;
    this.selfSum += query >= first && query <= last ? row[offset + query] : 0;
    if (query >= 1) {
      this.previousRows++;
      this.previousSum += query - 1 >= first && query - 1 <= last ? row[offset + query - 1] : 0;
    }

    // Earlier occurrences of the same token: duplicates at j, induction targets at j + 1.
    let duplicate = 0;
    let induction = 0;
    let occurrences = 0;
    let inductionTargets = 0;
    for (let j = this.previous[query]; j >= 0; j = this.previous[j]) {
      occurrences++;
      if (j >= first && j <= last) duplicate += row[offset + j];
      const target = j + 1;
      if (target >= first && target <= last) {
        induction += row[offset + target];
        inductionTargets++;
      }
    }
    if (occurrences > 0) {
      this.duplicateRows++;
      this.duplicateSum += duplicate;
    }
    if (inductionTargets > 0) {
      this.inductionRows++;
      this.inductionSum += induction;
    }
  }

  /**
   * Writes the head's metrics into values[offset, offset + METRIC_COUNT) in
   * the order of HEAD_METRIC_NAMES. inductionProbe is written as NaN here;
   * writeProbeScores in headMetrics.ts fills it from the probe.
   */
  finish(values: Float32Array, offset: number): void {
    const mean = (sum: number, count: number) => (count > 0 ? sum / count : NaN);
    const rows = this.informativeRows;
    values[offset + METRIC_INDEX.entropy] = mean(this.entropySum, rows);
    values[offset + METRIC_INDEX.previousToken] = mean(this.previousSum, this.previousRows);
    values[offset + METRIC_INDEX.induction] = mean(this.inductionSum, this.inductionRows);
    values[offset + METRIC_INDEX.inductionProbe] = NaN;
    values[offset + METRIC_INDEX.duplicateToken] = mean(this.duplicateSum, this.duplicateRows);
    values[offset + METRIC_INDEX.sink] = mean(this.sinkSum, rows);
    values[offset + METRIC_INDEX.self] = mean(this.selfSum, rows);
    values[offset + METRIC_INDEX.distance] = mean(this.distanceSum, rows);
    values[offset + METRIC_INDEX.relativeDistance] = mean(this.relativeDistanceSum, rows);
  }
}

/** Mean of |query - j| over j in [first, last], in closed form. */
export function meanUniformDistance(query: number, first: number, last: number): number {
  // Sum of |query - j| splits into keys before and after the query.
  const before = Math.max(0, Math.min(last, query) - first + 1); // keys first..min(last, query)
  const beforeSum = before > 0 ? before * query - (first + Math.min(last, query)) * before / 2 : 0;
  const afterFirst = Math.max(first, query + 1);
  const after = Math.max(0, last - afterFirst + 1);
  const afterSum = after > 0 ? (afterFirst + last) * after / 2 - after * query : 0;
  return (beforeSum + afterSum) / (last - first + 1);
}

/** The keys each row sees, as first and last indices. */
export type VisibleKeys = (query: number) => { first: number; last: number };

/** Visible keys of a causal pattern (j <= i) or, with causal false, of every key. */
export function fullVisibility(n: number, causal: boolean): VisibleKeys {
  return (query) => ({ first: 0, last: causal ? query : n - 1 });
}

/**
 * Metrics of one head from a whole pattern [n, n] (row = query), for tests
 * and for patterns already in memory. Returns [METRIC_COUNT] in the order of
 * HEAD_METRIC_NAMES, inductionProbe NaN.
 */
export function patternMetrics(pattern: Float32Array, ids: Int32Array, visible: VisibleKeys): Float32Array {
  const n = ids.length;
  if (pattern.length !== n * n) {
    throw new RangeError(`patternMetrics: the pattern has ${pattern.length} values; ${n} tokens need ${n * n}.`);
  }
  const accumulator = new HeadMetricAccumulator(previousOccurrences(ids));
  for (let query = 0; query < n; query++) {
    const { first, last } = visible(query);
    accumulator.addRow(pattern, query * n, query, first, last);
  }
  const values = new Float32Array(METRIC_COUNT);
  accumulator.finish(values, 0);
  return values;
}
