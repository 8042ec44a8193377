/**
 * Reading a head metrics table: a head's figures, the order of heads sorted
 * by a metric, the range used to colour by a metric, and display text.
 */
import type { HeadMetricName, HeadMetricsTable } from '../../src/protocol';

export type SortDirection = 'descending' | 'ascending';

/** Value of `metric` for head index `index` (layer * heads + head); NaN when the table lacks the metric. */
export function metricValue(table: HeadMetricsTable, index: number, metric: HeadMetricName): number {
  const column = table.metrics.indexOf(metric);
  if (column < 0) return NaN;
  return table.data[index * table.metrics.length + column];
}

/**
 * Head indices (layer * heads + head) in slot order: natural order without a
 * metric, otherwise by the metric. Heads with an undefined (NaN) value come
 * last, and ties keep the natural order.
 */
export function sortHeads(count: number, values: ((index: number) => number) | null, direction: SortDirection): Int32Array {
  const order = Int32Array.from({ length: count }, (_, index) => index);
  if (values === null) return order;
  const keys = Float64Array.from({ length: count }, (_, index) => values(index));
  const sign = direction === 'descending' ? -1 : 1;
  return order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    const xMissing = Number.isNaN(x);
    const yMissing = Number.isNaN(y);
    if (xMissing && yMissing) return a - b;
    if (xMissing) return 1;
    if (yMissing) return -1;
    return x === y ? a - b : sign * (x - y);
  });
}

/** Smallest and largest defined value of a metric over all heads; null when none is defined. */
export function metricRange(table: HeadMetricsTable, metric: HeadMetricName): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < table.layers * table.heads; index++) {
    const value = metricValue(table, index, metric);
    if (Number.isNaN(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : null;
}

/** Position of `value` in `range`, 0 to 1; 1 when the range is a single value; NaN for NaN. */
export function normalizeInRange(value: number, range: { min: number; max: number }): number {
  if (Number.isNaN(value)) return NaN;
  if (range.max === range.min) return 1;
  return Math.min(1, Math.max(0, (value - range.min) / (range.max - range.min)));
}

/** Readable metric names for menus and tooltips. */
export const METRIC_TITLES: Readonly<Record<HeadMetricName, string>> = {
  entropy: 'Entropy (normalised)',
  previousToken: 'Previous-token score',
  induction: 'Induction score (text)',
  inductionProbe: 'Induction score (repeated random tokens)',
  duplicateToken: 'Duplicate-token score',
  sink: 'First-token (sink) score',
  self: 'Self (diagonal) score',
  distance: 'Mean attention distance (tokens)',
  relativeDistance: 'Relative attention distance',
};

/** Formats a figure for display: three decimals, one for distances in tokens, a dash when undefined. */
export function formatMetric(metric: HeadMetricName, value: number): string {
  if (Number.isNaN(value)) return '–';
  return metric === 'distance' ? value.toFixed(1) : value.toFixed(3);
}
