/**
 * Head labels from metric thresholds. Pure, shared by the engine worker (which
 * sends labels with the metrics) and the webview (which shows them).
 */
import { HEAD_LABELS, type HeadLabel, type HeadLabelThresholds } from '../protocol';
import { METRIC_COUNT, METRIC_INDEX } from './metrics';

/**
 * Defaults of the `attentionInspector.heads.*Threshold` settings. They are
 * starting points chosen by looking at hand-made and fixture patterns, not
 * values from a paper: a head counts as previous-token when more than half
 * of its weight sits on the previous token, and so on.
 */
export const DEFAULT_LABEL_THRESHOLDS: HeadLabelThresholds = {
  previousToken: 0.5,
  induction: 0.3,
  duplicateToken: 0.3,
  sink: 0.5,
  local: 0.2,
  broad: 0.85,
};

/** Setting key (under `attentionInspector.`) of each threshold. */
export const THRESHOLD_SETTING_KEYS: Readonly<Record<keyof HeadLabelThresholds, string>> = {
  previousToken: 'heads.previousTokenThreshold',
  induction: 'heads.inductionThreshold',
  duplicateToken: 'heads.duplicateTokenThreshold',
  sink: 'heads.sinkThreshold',
  local: 'heads.localThreshold',
  broad: 'heads.broadThreshold',
};

/** Returns the thresholds with every value clamped to [0, 1]; a missing or non-finite value takes its default. */
export function normalizeThresholds(partial: Partial<Record<keyof HeadLabelThresholds, unknown>>): HeadLabelThresholds {
  const pick = (key: keyof HeadLabelThresholds): number => {
    const value = partial[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_LABEL_THRESHOLDS[key];
    return Math.min(1, Math.max(0, value));
  };
  return {
    previousToken: pick('previousToken'),
    induction: pick('induction'),
    duplicateToken: pick('duplicateToken'),
    sink: pick('sink'),
    local: pick('local'),
    broad: pick('broad'),
  };
}

const BIT: Readonly<Record<HeadLabel, number>> = Object.fromEntries(
  HEAD_LABELS.map((label, index) => [label, 1 << index]),
) as Record<HeadLabel, number>;

/**
 * Labels of one head as a bit set (bit i = HEAD_LABELS[i]). values holds the
 * head's metrics from offset, in the order of HEAD_METRIC_NAMES. A NaN metric
 * never passes. "induction" reads the probe score, or the score on the text
 * when the probe could not run.
 */
export function labelBits(values: ArrayLike<number>, offset: number, thresholds: HeadLabelThresholds): number {
  const value = (index: number) => values[offset + index];
  let bits = 0;
  if (value(METRIC_INDEX.previousToken) >= thresholds.previousToken) bits |= BIT['previous-token'];
  const probe = value(METRIC_INDEX.inductionProbe);
  const induction = Number.isNaN(probe) ? value(METRIC_INDEX.induction) : probe;
  if (induction >= thresholds.induction) bits |= BIT.induction;
  if (value(METRIC_INDEX.duplicateToken) >= thresholds.duplicateToken) bits |= BIT['duplicate-token'];
  if (value(METRIC_INDEX.sink) >= thresholds.sink) bits |= BIT.sink;
  if (value(METRIC_INDEX.relativeDistance) <= thresholds.local) bits |= BIT.local;
  if (value(METRIC_INDEX.entropy) >= thresholds.broad) bits |= BIT.broad;
  return bits;
}

/** Labels every head: data is [layers, heads, METRIC_COUNT]; returns [layers, heads]. */
export function labelTable(data: Float32Array, heads: number, layers: number, thresholds: HeadLabelThresholds): Uint8Array {
  const labels = new Uint8Array(layers * heads);
  for (let index = 0; index < labels.length; index++) labels[index] = labelBits(data, index * METRIC_COUNT, thresholds);
  return labels;
}

/** The label names in a bit set, in HEAD_LABELS order. */
export function labelsOf(bits: number): HeadLabel[] {
  return HEAD_LABELS.filter((label) => (bits & BIT[label]) !== 0);
}
