/**
 * State of the comparison views, kept apart from the DOM so that it can be
 * tested and saved: the heads chosen for side by side, and the pinned
 * analysis for "the same head on two texts".
 */
import type { AnalysisView, TokenTable } from '../../src/protocol';
import { FULL_PATTERN_MAX_TOKENS } from '../patternCache';

export const MIN_COMPARED_HEADS = 2;
export const MAX_COMPARED_HEADS = 4;

/** One head of one layer. */
export interface HeadRef {
  readonly layer: number;
  readonly head: number;
}

/** The parts of an analysis that a comparison uses. Each text keeps its own tokens. */
export interface AnalysisSide {
  readonly analysisId: number;
  readonly modelName: string;
  readonly layers: number;
  readonly heads: number;
  readonly causal: boolean;
  readonly slidingWindow: number | null;
  readonly tokens: TokenTable;
  /** The analysed text and how much of it the tokens cover, for the token strips. */
  readonly text: string;
  readonly analysedLength: number;
  /** Document and line of the text, for the panel title. */
  readonly title: string;
}

export function sideOf(view: AnalysisView): AnalysisSide {
  const { summary } = view;
  const file = view.documentUri.split('/').pop() ?? view.documentUri;
  return {
    analysisId: summary.analysisId,
    modelName: summary.model.name,
    layers: summary.model.layers,
    heads: summary.model.heads,
    causal: summary.model.causal,
    slidingWindow: summary.model.slidingWindow,
    tokens: summary.tokens,
    text: view.text,
    analysedLength: summary.analysedLength,
    title: `${decodeURIComponent(file)}, line ${view.firstLine + 1}, ${summary.tokens.count} tokens`,
  };
}

export interface ComparisonState {
  /** Heads shown side by side on the current analysis, 2 to 4. */
  readonly heads: readonly HeadRef[];
  /** The analysis kept for "the same head on two texts", or null. */
  readonly pinned: AnalysisSide | null;
  readonly current: AnalysisSide | null;
  /** The head shown on both texts. */
  readonly twoTextHead: HeadRef;
}

export function initialComparison(): ComparisonState {
  return { heads: [{ layer: 0, head: 0 }, { layer: 0, head: 1 }], pinned: null, current: null, twoTextHead: { layer: 0, head: 0 } };
}

function clampHead(ref: HeadRef, side: AnalysisSide): HeadRef {
  return {
    layer: Math.min(Math.max(0, ref.layer), side.layers - 1),
    head: Math.min(Math.max(0, ref.head), side.heads - 1),
  };
}

/** Applies a new analysis: the compared heads are clamped to its model, and the pin stays. */
export function withCurrent(state: ComparisonState, current: AnalysisSide | null): ComparisonState {
  if (current === null) return { ...state, current };
  const heads = state.heads.map((ref) => clampHead(ref, current));
  return { ...state, current, heads, twoTextHead: clampHead(state.twoTextHead, current) };
}

/** Sets compared head `slot`; a slot past the end adds a head (up to MAX_COMPARED_HEADS). */
export function withHead(state: ComparisonState, slot: number, ref: HeadRef): ComparisonState {
  if (slot < 0 || slot > state.heads.length || slot >= MAX_COMPARED_HEADS) return state;
  const heads = [...state.heads];
  heads[slot] = state.current ? clampHead(ref, state.current) : ref;
  return { ...state, heads };
}

/** Removes compared head `slot`, keeping at least MIN_COMPARED_HEADS. */
export function withoutHead(state: ComparisonState, slot: number): ComparisonState {
  if (state.heads.length <= MIN_COMPARED_HEADS || slot < 0 || slot >= state.heads.length) return state;
  return { ...state, heads: state.heads.filter((_, index) => index !== slot) };
}

/** Pins the current analysis (or unpins with null). */
export function withPinned(state: ComparisonState, pinned: AnalysisSide | null): ComparisonState {
  return { ...state, pinned };
}

export function withTwoTextHead(state: ComparisonState, ref: HeadRef): ComparisonState {
  const side = state.current ?? state.pinned;
  return { ...state, twoTextHead: side ? clampHead(ref, side) : ref };
}

/**
 * Returns why heads of `side` cannot be compared, or null when they can. The
 * comparisons request whole n-by-n patterns, 4 n^2 bytes each, so they stop at
 * FULL_PATTERN_MAX_TOKENS tokens.
 */
export function tooLongToCompare(side: AnalysisSide): string | null {
  const n = side.tokens.count;
  if (n <= FULL_PATTERN_MAX_TOKENS) return null;
  return `Comparing heads needs whole attention patterns, so it is limited to ${FULL_PATTERN_MAX_TOKENS.toLocaleString('en-US')} tokens; ` +
    `${side.title} has ${n.toLocaleString('en-US')}. Analyze a shorter selection to compare.`;
}

/**
 * Why the two texts cannot be compared, or null when they can: both must
 * exist, be different analyses, come from the same model and be short enough
 * for whole patterns.
 */
export function twoTextProblem(state: ComparisonState): string | null {
  const { pinned, current } = state;
  if (pinned === null) return 'Pin an analysis, then analyze another selection to compare a head on both.';
  if (current === null) return 'Analyze another selection to compare it with the pinned one.';
  if (pinned.analysisId === current.analysisId) return 'The pinned analysis is the current one. Analyze another selection.';
  if (pinned.modelName !== current.modelName || pinned.layers !== current.layers || pinned.heads !== current.heads) {
    return `The pinned analysis used ${pinned.modelName} and the current one ${current.modelName}; compare analyses of the same model.`;
  }
  return tooLongToCompare(pinned) ?? tooLongToCompare(current);
}

/** Side of each pattern when patterns of n1 and n2 tokens share one scale (pixels per token) within `maxSide`. */
export function sharedScale(tokenCounts: readonly number[], maxSide: number): { pixelsPerToken: number; sides: number[] } {
  const largest = Math.max(1, ...tokenCounts);
  const pixelsPerToken = maxSide / largest;
  return { pixelsPerToken, sides: tokenCounts.map((count) => Math.max(1, Math.round(count * pixelsPerToken))) };
}

/** Token under a pixel offset along one axis of a pattern drawn `side` pixels wide for n tokens; -1 outside. */
export function tokenAtPixel(offset: number, side: number, n: number): number {
  if (offset < 0 || offset >= side || n < 1) return -1;
  return Math.min(n - 1, Math.floor((offset * n) / side));
}
