/**
 * Every head's metrics (metrics.ts) for one analysis, from the kept queries
 * and keys. Rows are materialized one at a time into a single [n] buffer, so
 * no n-by-n pattern exists at any point.
 */
import { attentionRow, firstVisibleKey, lastVisibleKey, type KeptAttention } from './attention';
import { CancelledError } from './errors';
import { HeadMetricAccumulator, METRIC_COUNT, METRIC_INDEX, previousOccurrences } from './metrics';
import { yieldToEventLoop } from './models/model';

export interface HeadMetricsOptions {
  readonly onProgress?: (stage: string, fraction: number) => void;
  /** Polled between layers; returning true ends the computation with a CancelledError. */
  readonly isCancelled?: () => boolean;
}

/**
 * Returns [layers, heads, METRIC_COUNT] in the order of HEAD_METRIC_NAMES.
 * inductionProbe is NaN until writeProbeScores fills it. ids are the
 * analysed tokens, [kept.tokenCount].
 *
 * NOTE: this costs as much as materializing every pattern (layers x heads x
 * n^2 x headDim multiply-adds), like thumbnailBlock. One shared pass would
 * halve the grid's total. Measured: 0.18 s for 3 x 4 heads of 512 tokens with
 * headDim 32 (tools/head-labels.ts, 2 cores under load).
 */
export async function computeHeadMetrics(kept: KeptAttention, ids: Int32Array, options: HeadMetricsOptions = {}): Promise<Float32Array> {
  const { layers, heads, tokenCount: n } = kept;
  if (ids.length !== n) {
    throw new RangeError(`computeHeadMetrics: ${ids.length} token ids for an analysis of ${n} tokens.`);
  }
  const data = new Float32Array(layers * heads * METRIC_COUNT); // [layers, heads, METRIC_COUNT]
  const row = new Float32Array(n); // one attention row
  const accumulator = new HeadMetricAccumulator(previousOccurrences(ids));

  for (let layer = 0; layer < layers; layer++) {
    options.onProgress?.(`Head metrics, layer ${layer + 1} of ${layers}`, layer / layers);
    await yieldToEventLoop();
    if (options.isCancelled?.() === true) throw new CancelledError('The head metrics were cancelled.');
    for (let head = 0; head < heads; head++) {
      accumulator.reset();
      for (let query = 0; query < n; query++) {
        attentionRow(row, 0, kept.queries[layer], kept.keys[layer], head, query, layer, kept, kept.scale, kept.mask);
        accumulator.addRow(row, 0, query, firstVisibleKey(kept.mask, layer, query, n), lastVisibleKey(kept.mask, query, n));
      }
      accumulator.finish(data, (layer * heads + head) * METRIC_COUNT);
    }
  }
  options.onProgress?.('Head metrics done', 1);
  return data;
}

/** Copies probe scores [layers, heads] (metricsProbe.ts) into data [layers, heads, METRIC_COUNT] at inductionProbe. */
export function writeProbeScores(data: Float32Array, scores: Float32Array): void {
  if (data.length !== scores.length * METRIC_COUNT) {
    throw new RangeError(`writeProbeScores: ${scores.length} probe scores for a table of ${data.length / METRIC_COUNT} heads.`);
  }
  for (let index = 0; index < scores.length; index++) data[index * METRIC_COUNT + METRIC_INDEX.inductionProbe] = scores[index];
}
