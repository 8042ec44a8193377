/**
 * Hand-made heads for the heads views in Chromium and for the grid benchmark:
 * head index i (layer * heads + head) has type i mod 4, and each type's
 * pattern is known exactly, so tests can check pixels and figures.
 */
import { patternMetrics, fullVisibility, METRIC_COUNT } from '../../../src/engine/metrics';
import { DEFAULT_LABEL_THRESHOLDS, labelTable } from '../../../src/engine/headLabels';
import {
  HEAD_METRIC_NAMES, type AnalysisView, type HeadMetricsTable, type PatternBlock, type PatternSelection, type ThumbnailBlock,
} from '../../../src/protocol';

export type HeadType = 'previous' | 'self' | 'uniform' | 'first';
export const HEAD_TYPES: readonly HeadType[] = ['previous', 'self', 'uniform', 'first'];

export function headType(layer: number, head: number, heads: number): HeadType {
  return HEAD_TYPES[(layer * heads + head) % HEAD_TYPES.length];
}

/** Weight of query i on key j for a head type, causal. */
export function weight(type: HeadType, i: number, j: number): number {
  if (j > i) return 0;
  switch (type) {
    case 'previous':
      return i === 0 ? 1 : +(j === i - 1);
    case 'self':
      return +(j === i);
    case 'uniform':
      return 1 / (i + 1);
    case 'first':
      return +(j === 0);
  }
}

export function syntheticPattern(type: HeadType, n: number): Float32Array {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) data[i * n + j] = weight(type, i, j);
  return data;
}

export function syntheticPatterns(n: number, heads: number, selections: readonly PatternSelection[]): PatternBlock {
  const data = new Float32Array(selections.length * n * n);
  selections.forEach((selection, index) => {
    data.set(syntheticPattern(headType(selection.layer, Number(selection.head), heads), n), index * n * n);
  });
  return { selections: [...selections], tokenCount: n, data };
}

/**
 * Thumbnails [layers, heads, s, s] with s = min(size, n), as block means of
 * the synthetic patterns (the engine's definition), computed in closed form
 * per block so that 2,048 tokens cost no n-by-n pattern.
 */
export function syntheticThumbnails(n: number, layers: number, heads: number, size: number): ThumbnailBlock {
  const s = Math.min(size, n);
  const bounds = Array.from({ length: s + 1 }, (_, i) => Math.floor((i * n) / s));
  const data = new Float32Array(layers * heads * s * s);
  for (const type of HEAD_TYPES) {
    const cells = new Float32Array(s * s);
    for (let r = 0; r < s; r++) {
      for (let c = 0; c < s; c++) {
        let sum = 0;
        for (let i = bounds[r]; i < bounds[r + 1]; i++) {
          // Each type's row i has at most i + 1 non-zero keys; sum over the block's columns directly.
          const from = bounds[c];
          const to = Math.min(bounds[c + 1], i + 1);
          if (type === 'uniform') sum += Math.max(0, to - from) / (i + 1);
          else for (let j = from; j < to; j++) sum += weight(type, i, j);
        }
        cells[r * s + c] = sum / ((bounds[r + 1] - bounds[r]) * (bounds[c + 1] - bounds[c]));
      }
    }
    for (let index = 0; index < layers * heads; index++) {
      if (HEAD_TYPES[index % HEAD_TYPES.length] === type) data.set(cells, index * s * s);
    }
  }
  return { layers, heads, size: s, data };
}

/** Computes the metrics table of the synthetic heads with the engine's metric code. */
export function syntheticMetrics(analysisId: number, n: number, layers: number, heads: number, ids: Int32Array): HeadMetricsTable {
  const byType = new Map(HEAD_TYPES.map((type) => [type, patternMetrics(syntheticPattern(type, n), ids, fullVisibility(n, true))]));
  const data = new Float32Array(layers * heads * METRIC_COUNT);
  for (let index = 0; index < layers * heads; index++) data.set(byType.get(HEAD_TYPES[index % HEAD_TYPES.length])!, index * METRIC_COUNT);
  return {
    analysisId, layers, heads, tokenCount: n, metrics: [...HEAD_METRIC_NAMES], data,
    labels: labelTable(data, heads, layers, DEFAULT_LABEL_THRESHOLDS), thresholds: DEFAULT_LABEL_THRESHOLDS, probe: null,
  };
}

/** Builds an analysis of `n` tokens ("t0", "t1", ...) of a model with layers x heads. */
export function syntheticAnalysis(analysisId: number, n: number, layers: number, heads: number): AnalysisView {
  const labels = Array.from({ length: n }, (_, i) => `t${i}`);
  const ids = Int32Array.from({ length: n }, (_, i) => i % 97);
  // Each label and one space: the tokens' ranges are their labels in the text.
  const starts = new Int32Array(n);
  for (let i = 1; i < n; i++) starts[i] = starts[i - 1] + labels[i - 1].length + 1;
  return {
    summary: {
      analysisId,
      model: {
        name: 'synthetic', modelType: 'gpt2', causal: true, layers, heads, kvHeads: heads, headDim: 64, dModel: 64 * heads,
        intermediateSize: 256 * heads, vocabSize: 97, maxPositions: 4096, slidingWindow: null, parameterCount: 1, dtype: 'F32',
      },
      tokens: { count: n, ids, starts, ends: starts.map((start, i) => start + labels[i].length), flags: new Uint8Array(n), labels },
      droppedTokens: 0,
      analysedLength: labels.join(' ').length,
      timings: { tokenizeMs: 0, forwardMs: 0 },
    },
    text: labels.join(' '),
    documentUri: `file:///synthetic-${analysisId}.txt`,
    firstLine: 0,
    stale: false,
    untokenizedCharacters: 0,
  };
}
