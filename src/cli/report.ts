/** The output of `attention-inspector analyze`: plain text for people, or one JSON object. */
import { TokenFlag, type AnalysisSummary, type ModelInfo, type PatternSelection } from '../protocol';
import type { LineIndex, TextPosition } from './text-range';

export interface AnalyzeReport {
  readonly file: string;
  readonly model: ModelInfo;
  readonly summary: AnalysisSummary;
  /** File offset of the analyzed text's first character; token offsets are relative to it. */
  readonly baseOffset: number;
  readonly lines: LineIndex;
  readonly selection: PatternSelection;
  /** The selected pattern: [n, n] row-major, row = query token, column = key token. */
  readonly pattern: Float32Array;
  readonly top: number;
  readonly timings: { readonly loadMs: number; readonly patternMs: number; readonly totalMs: number };
}

export function formatText(report: AnalyzeReport): string {
  const { model, summary, lines, baseOffset } = report;
  const tokens = summary.tokens;
  const out: string[] = [];

  out.push(`Model    ${model.name} (${model.modelType}, ${model.dtype}): ${countOf(model.layers, 'layer')}, ${countOf(model.heads, 'head')} ` +
    `(${model.kvHeads} key/value), head dim ${model.headDim}, d_model ${model.dModel}, MLP ${model.intermediateSize}, ` +
    `vocabulary ${model.vocabSize.toLocaleString('en-US')}, ${countOf(model.maxPositions, 'position')}` +
    `${model.slidingWindow === null ? '' : `, sliding window ${model.slidingWindow}`}, ${countOf(model.parameterCount, 'parameter')}`);
  const first = lines.positionOf(baseOffset);
  const last = lines.positionOf(baseOffset + summary.analysedLength);
  out.push(`Text     ${report.file} ${formatPosition(first)}-${formatPosition(last)}, ` +
    `${countOf(summary.analysedLength, 'character')}, ${countOf(tokens.count, 'token')}`);
  if (summary.droppedTokens > 0) {
    const dropped = summary.droppedTokens === 1 ? '1 token beyond the limit was dropped' : `${countOf(summary.droppedTokens, 'token')} beyond the limit were dropped`;
    out.push(`         ${dropped}; raise --max-tokens (up to ${model.maxPositions.toLocaleString('en-US')}) to keep more.`);
  }

  out.push('', 'Tokens (offsets are UTF-16 code units from the start of the file; the end is exclusive)');
  const labelWidth = Math.min(24, Math.max(5, ...tokens.labels.map((label) => label.length)));
  out.push(`${'#'.padStart(5)}  ${'id'.padStart(7)}  ${'offsets'.padEnd(13)}  ${'position'.padEnd(11)}  label`);
  for (let i = 0; i < tokens.count; i++) {
    let offsets = 'special';
    let position = '';
    if (tokens.starts[i] >= 0) {
      const start = baseOffset + tokens.starts[i];
      const end = baseOffset + tokens.ends[i];
      offsets = `${start}-${end}`;
      position = formatPosition(lines.positionOf(start));
    }
    const partial = (tokens.flags[i] & TokenFlag.PartialCharacter) !== 0 ? '  (part of a character)' : '';
    out.push(`${String(i).padStart(5)}  ${String(tokens.ids[i]).padStart(7)}  ${offsets.padEnd(13)}  ${position.padEnd(11)}  ${tokens.labels[i]}${partial}`);
  }

  const head = typeof report.selection.head === 'number' ? `head ${report.selection.head}` : `${report.selection.head} of all heads`;
  const keys = report.top === 1 ? 'the key' : `the ${report.top} keys`;
  out.push('', `Attention, layer ${report.selection.layer}, ${head}: ${keys} each token attends to most`);
  for (let query = 0; query < tokens.count; query++) {
    const keys = topKeys(report.pattern, tokens.count, query, report.top)
      .map((key) => `${key}:${tokens.labels[key]} ${report.pattern[query * tokens.count + key].toFixed(3)}`)
      .join('   ');
    out.push(`${String(query).padStart(5)}  ${tokens.labels[query].padEnd(labelWidth)} -> ${keys}`);
  }

  const { loadMs, patternMs, totalMs } = report.timings;
  out.push('', `Time     load ${formatMs(loadMs)}, tokenize ${formatMs(summary.timings.tokenizeMs)}, ` +
    `forward ${formatMs(summary.timings.forwardMs)}, pattern ${formatMs(patternMs)}, total ${formatMs(totalMs)}`);
  return `${out.join('\n')}\n`;
}

/** Formats the `--json` object. Offsets are UTF-16 code units from the start of the file, and null for special tokens. */
export function formatJson(report: AnalyzeReport): string {
  const { summary, baseOffset } = report;
  const tokens = summary.tokens;
  const n = tokens.count;
  const json = {
    file: report.file,
    model: report.model,
    analyzedLength: summary.analysedLength,
    droppedTokens: summary.droppedTokens,
    tokens: Array.from({ length: n }, (_, i) => ({
      id: tokens.ids[i],
      label: tokens.labels[i],
      start: tokens.starts[i] < 0 ? null : baseOffset + tokens.starts[i],
      end: tokens.ends[i] < 0 ? null : baseOffset + tokens.ends[i],
      special: (tokens.flags[i] & TokenFlag.Special) !== 0,
      partialCharacter: (tokens.flags[i] & TokenFlag.PartialCharacter) !== 0,
    })),
    attention: {
      layer: report.selection.layer,
      head: report.selection.head,
      rows: Array.from({ length: n }, (_, query) => Array.from(report.pattern.subarray(query * n, (query + 1) * n))),
    },
    timings: { ...report.timings, tokenizeMs: summary.timings.tokenizeMs, forwardMs: summary.timings.forwardMs },
  };
  return `${JSON.stringify(json)}\n`;
}

/** Indices of the `count` largest weights in row `query`, largest first; ties keep the earlier key. */
export function topKeys(pattern: Float32Array, n: number, query: number, count: number): number[] {
  const row = pattern.subarray(query * n, (query + 1) * n);
  return Array.from(row.keys())
    .filter((key) => row[key] > 0)
    .sort((a, b) => row[b] - row[a] || a - b)
    .slice(0, count);
}

/** Formats "1 token" or "1,024 tokens". */
export function countOf(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : `${noun}s`}`;
}

function formatPosition(position: TextPosition): string {
  return `${position.line}:${position.column}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
