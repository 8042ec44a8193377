/**
 * The text every webview fixture analyses, and the format of the recorded
 * fixtures. Kept apart from fixture.ts so that recordFixture.ts can run before
 * the recorded files exist.
 */
import type { ModelInfo, Prediction } from '../../src/protocol';

/** A short Python function: indentation, line breaks and repeated tokens. */
export const FIXTURE_TEXT = [
  'def mean(values):',
  '    total = 0',
  '    for value in values:',
  '        total += value',
  '    return total / len(values)',
  '',
].join('\n');

/** The JSON that recordFixture.ts writes: typed arrays as number arrays, patterns as base64 float32 (little-endian). */
export interface RecordedFixtureFile {
  readonly source: string;
  readonly model: ModelInfo;
  readonly tokens: {
    readonly ids: number[];
    readonly starts: number[];
    readonly ends: number[];
    readonly flags: number[];
    readonly labels: string[];
  };
  readonly analysedLength: number;
  /** Keyed by "layer/head", head being an index, "mean" or "max". */
  readonly patterns: Record<string, string>;
  /** Keyed by position; empty for bidirectional models. */
  readonly predictions: Record<string, Prediction[]>;
}
