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

/** Text of the Unicode fixture: an emoji sequence, a flag, CJK, Hebrew, Arabic and combining marks, with CRLF line ends. */
export const UNICODE_TEXT = [
  'Family: \u{1f468}\u200d\u{1f469}\u200d\u{1f467} and flag \u{1f1fa}\u{1f1f3}.',
  '\u4e2d\u6587\u6587\u672c',
  '\u05e2\u05d1\u05e8\u05d9\u05ea: \u05e9\u05dc\u05d5\u05dd',
  '\u0627\u0644\u0639\u0631\u0628\u064a\u0629: \u0645\u0631\u062d\u0628\u0627',
  'Combining: e\u0301 a\u0308',
  '',
].join('\r\n');

/** The token table that recordFixture.ts writes for UNICODE_TEXT, from a real byte-level tokenizer. */
export interface RecordedTokensFile {
  readonly source: string;
  readonly tokens: RecordedFixtureFile['tokens'];
}

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
