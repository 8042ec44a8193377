/**
 * Analyses for the Chromium check of the webview, behind one interface.
 *
 * The recorded fixtures are engine output for FIXTURE_TEXT from the small
 * random-weight models in test/fixtures/models, written by recordFixture.ts.
 * Their attention is real but close to uniform, because the weights are random.
 *
 * The hand-made fixture tokenizes any number of copies of FIXTURE_TEXT by a
 * GPT-2-like regular expression. Each head has a known type (previous token,
 * first token, same token, local), and its pattern is a softmax of that
 * head's scores over the visible keys. It serves the scale check at 8,192
 * tokens, which the 64-position fixture models cannot analyse.
 */
import recordedBert from '../fixtures/webview/bert.json';
import recordedGpt2 from '../fixtures/webview/gpt2.json';
import recordedUnicodeTokens from '../fixtures/webview/unicode-tokens.json';
import { FIXTURE_TEXT, UNICODE_TEXT, type RecordedFixtureFile, type RecordedTokensFile } from './fixtureFile';
import {
  TokenFlag,
  type AnalysisView,
  type ModelInfo,
  type PatternSelection,
  type Prediction,
  type StateMessage,
  type TokenTable,
} from '../../src/protocol';

/** An analysis and the replies the fake host gives for it. */
export interface Fixture {
  readonly state: StateMessage;
  /** Returns the pattern for a selection: [n, n] row-major, row = query. */
  pattern(selection: PatternSelection): Float32Array;
  predictions(position: number, count: number): Prediction[];
}

export type FixtureModel = 'gpt2' | 'bert';


const LAYERS = 2;
const HEADS = 4;

function modelInfo(kind: FixtureModel): ModelInfo {
  return {
    name: kind === 'gpt2' ? 'Hand-made GPT-2 fixture' : 'Hand-made BERT fixture',
    modelType: kind,
    causal: kind === 'gpt2',
    layers: LAYERS,
    heads: HEADS,
    kvHeads: HEADS,
    headDim: 16,
    dModel: 64,
    intermediateSize: 256,
    vocabSize: 1000,
    maxPositions: 512,
    slidingWindow: null,
    parameterCount: 123456,
    dtype: 'F32',
  };
}

/** Splits like GPT-2's pre-tokenizer: a word with its leading space, punctuation runs, newlines, indentation. */
const TOKEN_PATTERN = / ?[A-Za-z_]+| ?\d+| ?[^\sA-Za-z_\d]+|\n|[ \t]+/g;

function tokenize(text: string, kind: FixtureModel): TokenTable {
  const pieces: Array<{ start: number; end: number; label: string; flags: number }> = [];
  if (kind === 'bert') pieces.push({ start: -1, end: -1, label: '[CLS]', flags: TokenFlag.Special });
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const start = match.index ?? 0;
    const label = match[0].replace(/ /g, '\u2423').replace(/\n/g, '\u21b5');
    pieces.push({ start, end: start + match[0].length, label, flags: 0 });
  }
  if (kind === 'bert') pieces.push({ start: -1, end: -1, label: '[SEP]', flags: TokenFlag.Special });

  const vocabulary = new Map<string, number>();
  const ids = pieces.map((piece) => {
    const word = piece.label.replace('\u2423', '');
    if (!vocabulary.has(word)) vocabulary.set(word, vocabulary.size);
    return vocabulary.get(word)!;
  });
  return {
    count: pieces.length,
    ids: Int32Array.from(ids),
    starts: Int32Array.from(pieces, (piece) => piece.start),
    ends: Int32Array.from(pieces, (piece) => piece.end),
    flags: Uint8Array.from(pieces, (piece) => piece.flags),
    labels: pieces.map((piece) => piece.label),
  };
}

function stateOf(
  model: ModelInfo,
  tokens: TokenTable,
  text: string,
  analysedLength: number,
  selection: PatternSelection,
): StateMessage {
  const analysis: AnalysisView = {
    summary: {
      analysisId: 1,
      model,
      tokens,
      droppedTokens: 0,
      analysedLength,
      timings: { tokenizeMs: 1, forwardMs: 5 },
    },
    text,
    documentUri: 'file:///workspace/mean.py',
    firstLine: 0,
    stale: false,
    untokenizedCharacters: 0,
  };
  return {
    kind: 'state',
    analysis,
    settings: { defaultView: 'head', highlightFollowsMouse: true },
    selection,
  };
}

function decodeFloat32(encoded: string): Float32Array {
  const bytes = Uint8Array.from(atob(encoded), (character) => character.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

/** Head the recorded fixtures start on. */
export const RECORDED_START_SELECTION = { layer: 0, head: 3 } as const;

/** Loads the engine output recorded for `kind`. */
export function recordedFixture(kind: FixtureModel): Fixture {
  const file = (kind === 'gpt2' ? recordedGpt2 : recordedBert) as RecordedFixtureFile;
  const tokens: TokenTable = {
    count: file.tokens.ids.length,
    ids: Int32Array.from(file.tokens.ids),
    starts: Int32Array.from(file.tokens.starts),
    ends: Int32Array.from(file.tokens.ends),
    flags: Uint8Array.from(file.tokens.flags),
    labels: file.tokens.labels,
  };
  return {
    // Head 3 of layer 0 spreads its attention over several tokens in both recorded models; head 0 mostly attends to the token itself.
    state: stateOf(file.model, tokens, FIXTURE_TEXT, file.analysedLength, RECORDED_START_SELECTION),
    pattern(selection) {
      const encoded = file.patterns[`${selection.layer}/${selection.head}`];
      if (encoded === undefined) {
        throw new Error(`The recorded ${kind} fixture has no pattern for layer ${selection.layer}, head ${selection.head}.`);
      }
      return decodeFloat32(encoded);
    },
    predictions(position, count) {
      return (file.predictions[position] ?? []).slice(0, count);
    },
  };
}

/** Builds the hand-made fixture; `repeat` copies of the text make a long analysis for scale checks. */
export function handMadeFixture(kind: FixtureModel, repeat = 1): Fixture {
  const text = FIXTURE_TEXT.repeat(Math.max(1, repeat));
  const state = stateOf(modelInfo(kind), tokenize(text, kind), text, text.length, { layer: 0, head: 0 });
  return {
    state,
    pattern: (selection) => fixturePattern(state, selection),
    predictions: (position, count) => fixturePredictions(state, position, count),
  };
}

/** The Unicode text with the real GPT-2 fixture tokenizer's tokens (partial characters, CR and LF apart) and hand-made patterns. */
export function unicodeFixture(): Fixture {
  const file = recordedUnicodeTokens as RecordedTokensFile;
  const tokens: TokenTable = {
    count: file.tokens.ids.length,
    ids: Int32Array.from(file.tokens.ids),
    starts: Int32Array.from(file.tokens.starts),
    ends: Int32Array.from(file.tokens.ends),
    flags: Uint8Array.from(file.tokens.flags),
    labels: file.tokens.labels,
  };
  const state = stateOf(modelInfo('gpt2'), tokens, UNICODE_TEXT, UNICODE_TEXT.length, { layer: 0, head: 3 });
  return {
    state,
    pattern: (selection) => fixturePattern(state, selection),
    predictions: (position, count) => fixturePredictions(state, position, count),
  };
}

/** Pre-softmax score of query i for key j in one head; each head has a known pattern type. */
function score(layer: number, head: number, i: number, j: number, ids: Int32Array): number {
  const sharpness = 1 + layer * 0.5;
  switch (head) {
    case 0:
      return j === i - 1 ? 4 * sharpness : 0;
    case 1:
      return j === 0 ? 3 * sharpness : 0;
    case 2:
      if (j === i) return 1;
      return ids[i] === ids[j] ? 4 * sharpness : 0;
    default:
      return -0.5 * sharpness * Math.abs(i - j);
  }
}

/** Computes one head's pattern, [n, n] row-major with row = query, as a softmax over each row's visible keys. */
function headPattern(tokens: TokenTable, causal: boolean, layer: number, head: number): Float32Array {
  const n = tokens.count;
  const pattern = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const last = causal ? i : n - 1;
    let max = -Infinity;
    for (let j = 0; j <= last; j++) max = Math.max(max, score(layer, head, i, j, tokens.ids));
    let sum = 0;
    for (let j = 0; j <= last; j++) {
      const value = Math.exp(score(layer, head, i, j, tokens.ids) - max);
      pattern[i * n + j] = value;
      sum += value;
    }
    for (let j = 0; j <= last; j++) pattern[i * n + j] /= sum;
  }
  return pattern;
}

/** Computes the pattern for a selection: one head, or the mean or elementwise max of the layer's heads. */
function fixturePattern(state: StateMessage, selection: PatternSelection): Float32Array {
  const summary = state.analysis!.summary;
  const causal = summary.model.causal;
  if (typeof selection.head === 'number') return headPattern(summary.tokens, causal, selection.layer, selection.head);

  const n = summary.tokens.count;
  const combined = new Float32Array(n * n);
  for (let head = 0; head < HEADS; head++) {
    const pattern = headPattern(summary.tokens, causal, selection.layer, head);
    for (let k = 0; k < combined.length; k++) {
      combined[k] = selection.head === 'mean' ? combined[k] + pattern[k] / HEADS : Math.max(combined[k], pattern[k]);
    }
  }
  return combined;
}

/** Predictions for the token after `position`: the real next token first, then the following ones. */
function fixturePredictions(state: StateMessage, position: number, count: number): Prediction[] {
  const tokens = state.analysis!.summary.tokens;
  const predictions: Prediction[] = [];
  let probability = 0.5;
  for (let k = 1; k <= count && position + k < tokens.count; k++) {
    predictions.push({ id: tokens.ids[position + k], label: tokens.labels[position + k], probability });
    probability /= 2;
  }
  return predictions;
}
