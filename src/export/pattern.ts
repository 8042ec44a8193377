/**
 * One head's attention pattern as CSV, JSON and .npy, with the token labels.
 */
import type { PatternSelection, TokenTable } from '../protocol';
import { TokenFlag } from '../protocol';
import { csvDocument, csvLine } from './csv';
import { encodeNpyFloat32 } from './npy';
import { float32ToString } from './numbers';

/** A pattern to export: data is [n, n] row-major, row = query, column = key. */
export interface PatternExport {
  readonly modelName: string;
  readonly selection: PatternSelection;
  readonly tokens: TokenTable;
  readonly data: Float32Array;
}

function checkSize(pattern: PatternExport): number {
  const n = pattern.tokens.count;
  if (pattern.data.length !== n * n) {
    throw new RangeError(`The pattern has ${pattern.data.length} weights; ${n} tokens need ${n * n}.`);
  }
  return n;
}

/** Returns a file name such as "attention-L3-H5.csv" or "attention-L3-mean.npy". */
export function patternFileName(selection: PatternSelection, extension: string): string {
  const head = typeof selection.head === 'number' ? `H${selection.head}` : selection.head;
  return `attention-L${selection.layer}-${head}.${extension}`;
}

/**
 * CSV with one row per query: "query", "token", then one column per key
 * named by its index. Masked weights are written as 0, as the pattern stores them.
 * NOTE: labels are written as they are; a spreadsheet may read a label that starts with "=" as a formula.
 */
export function patternCsv(pattern: PatternExport): string {
  const n = checkSize(pattern);
  const lines = [csvLine(['query', 'token', ...Array.from({ length: n }, (_, key) => String(key))])];
  for (let query = 0; query < n; query++) {
    const weights: string[] = [];
    for (let key = 0; key < n; key++) weights.push(float32ToString(pattern.data[query * n + key]));
    lines.push(csvLine([String(query), pattern.tokens.labels[query], ...weights]));
  }
  return csvDocument(lines);
}

export interface PatternJsonToken {
  readonly index: number;
  readonly id: number;
  readonly label: string;
  /** UTF-16 offsets into the analysed text; -1 for special tokens without a range. */
  readonly start: number;
  readonly end: number;
  readonly special: boolean;
}

/** The JSON document's shape. */
export interface PatternJson {
  readonly format: 'attention-inspector-pattern';
  readonly version: 1;
  readonly model: string;
  readonly layer: number;
  readonly head: number | 'mean' | 'max';
  readonly tokens: PatternJsonToken[];
  /** [n][n], row = query, column = key. */
  readonly weights: number[][];
}

export function patternJson(pattern: PatternExport): string {
  const n = checkSize(pattern);
  const { tokens } = pattern;
  const document: PatternJson = {
    format: 'attention-inspector-pattern',
    version: 1,
    model: pattern.modelName,
    layer: pattern.selection.layer,
    head: pattern.selection.head,
    tokens: Array.from({ length: n }, (_, index) => ({
      index,
      id: tokens.ids[index],
      label: tokens.labels[index],
      start: tokens.starts[index],
      end: tokens.ends[index],
      special: (tokens.flags[index] & TokenFlag.Special) !== 0,
    })),
    // The shortest float32 text keeps the file small and reads back to the same float32.
    weights: Array.from({ length: n }, (_, query) =>
      Array.from(pattern.data.subarray(query * n, (query + 1) * n), (weight) => Number(float32ToString(weight)))),
  };
  return JSON.stringify(document);
}

/** Encodes the pattern as a float32 .npy array of shape (n, n). The token labels are in the CSV and JSON exports. */
export function patternNpy(pattern: PatternExport): Uint8Array {
  const n = checkSize(pattern);
  return encodeNpyFloat32(pattern.data, [n, n]);
}
