import * as vscode from 'vscode';
import type { AnalysisSummary, AnalysisView, AttentionDirection, PatternSelection, ViewMode } from '../protocol';
import { Disposable } from './dispose';

/** One finished analysis of part of a document. */
export interface Analysis {
  readonly summary: AnalysisSummary;
  /** The text that was sent to the engine. */
  readonly text: string;
  readonly documentUri: vscode.Uri;
  /** Offset of `text` in the document, in UTF-16 code units. */
  readonly startOffset: number;
  /** [count] each token's document range; null for added special tokens. */
  readonly ranges: readonly (vscode.Range | null)[];
  readonly firstLine: number;
  /** Characters of the selection after `text`, cut before tokenizing; 0 when nothing was cut. */
  readonly untokenizedCharacters: number;
  /** True once the document changed after the analysis. */
  stale: boolean;
}

/** The token whose attention the editor shades, and which way it is read. */
export interface TokenFocus {
  readonly tokenIndex: number;
  readonly direction: AttentionDirection;
}

/** Origin of a focus change, so the panel does not receive its own focus back. */
export type FocusOrigin = 'editor' | 'webview';

/** Kind of state change, so listeners redo only their part. */
export type AnalysisChange = 'analysis' | 'stale' | 'selection' | 'focus';

/**
 * The current analysis, head selection and focused token, shared by the panel,
 * hover, decorations and status bar. Editing the analysed document marks the
 * analysis stale instead of moving its ranges.
 */
export class AnalysisState extends Disposable {
  private currentAnalysis: Analysis | undefined;
  private currentSelection: PatternSelection = { layer: 0, head: 0 };
  private currentFocus: TokenFocus | null = null;
  private currentFocusOrigin: FocusOrigin = 'editor';
  private readonly changeEmitter = this.register(new vscode.EventEmitter<AnalysisChange>());

  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    super();
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.markStaleOnEdit(event)));
  }

  get analysis(): Analysis | undefined {
    return this.currentAnalysis;
  }

  get selection(): PatternSelection {
    return this.currentSelection;
  }

  get focus(): TokenFocus | null {
    return this.currentFocus;
  }

  get focusOrigin(): FocusOrigin {
    return this.currentFocusOrigin;
  }

  /**
   * Replaces the analysis. The previous layer and head stay when the model has
   * them (the last layer otherwise), and `defaultView` picks a head or a combination.
   */
  setAnalysis(analysis: Analysis, defaultView: ViewMode): void {
    this.currentAnalysis = analysis;
    const layers = analysis.summary.model.layers;
    const previous = this.currentSelection;
    const layer = previous.layer < layers ? previous.layer : layers - 1;
    let head: PatternSelection['head'] = 0;
    if (defaultView !== 'head') {
      head = defaultView;
    } else if (typeof previous.head === 'number' && previous.head < analysis.summary.model.heads) {
      head = previous.head;
    }
    this.currentSelection = { layer, head };
    this.currentFocus = null;
    this.changeEmitter.fire('analysis');
  }

  clear(): void {
    this.currentAnalysis = undefined;
    this.currentFocus = null;
    this.changeEmitter.fire('analysis');
  }

  setSelection(selection: PatternSelection): void {
    const model = this.currentAnalysis?.summary.model;
    if (model && !isValidSelection(selection, model.layers, model.heads)) return;
    this.currentSelection = selection;
    this.changeEmitter.fire('selection');
  }

  /** Focuses a token (null clears); an index outside the analysis is ignored. */
  setFocus(focus: TokenFocus | null, origin: FocusOrigin): void {
    const count = this.currentAnalysis?.summary.tokens.count ?? 0;
    if (focus && (!Number.isInteger(focus.tokenIndex) || focus.tokenIndex < 0 || focus.tokenIndex >= count)) return;
    const current = this.currentFocus;
    if (current?.tokenIndex === focus?.tokenIndex && current?.direction === focus?.direction) return;
    this.currentFocus = focus;
    this.currentFocusOrigin = origin;
    this.changeEmitter.fire('focus');
  }

  /** Finds the token whose range contains `offset` (a document offset); undefined when none does. */
  tokenAt(offset: number): number | undefined {
    const analysis = this.currentAnalysis;
    if (!analysis) return undefined;
    const { starts, ends, count } = analysis.summary.tokens;
    const local = offset - analysis.startOffset;

    // Tokens with ranges are in document order; special tokens (-1) are skipped.
    let low = 0;
    let high = count - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      let probe = middle;
      while (probe <= high && starts[probe] < 0) probe++;
      if (probe > high) {
        high = middle - 1;
        continue;
      }
      if (local < starts[probe]) high = middle - 1;
      else if (local >= ends[probe]) low = probe + 1;
      else return firstSharingRange(starts, probe);
    }
    return undefined;
  }

  /** Builds the view the webview shows, or null with no analysis. */
  toView(): AnalysisView | null {
    const analysis = this.currentAnalysis;
    if (!analysis) return null;
    return {
      summary: analysis.summary,
      text: analysis.text,
      documentUri: analysis.documentUri.toString(),
      firstLine: analysis.firstLine,
      stale: analysis.stale,
      untokenizedCharacters: analysis.untokenizedCharacters,
    };
  }

  private markStaleOnEdit(event: vscode.TextDocumentChangeEvent): void {
    const analysis = this.currentAnalysis;
    if (!analysis || analysis.stale || event.contentChanges.length === 0) return;
    if (event.document.uri.toString() !== analysis.documentUri.toString()) return;
    analysis.stale = true;
    this.currentFocus = null;
    this.changeEmitter.fire('stale');
  }
}

/** Partial-character tokens share one range; the first of them stands for the character. */
function firstSharingRange(starts: Int32Array, index: number): number {
  let first = index;
  while (first > 0 && starts[first - 1] === starts[index]) first--;
  return first;
}

export function isValidSelection(selection: PatternSelection, layers: number, heads: number): boolean {
  if (!Number.isInteger(selection.layer) || selection.layer < 0 || selection.layer >= layers) return false;
  if (selection.head === 'mean' || selection.head === 'max') return true;
  return Number.isInteger(selection.head) && selection.head >= 0 && selection.head < heads;
}

/** Builds each token's document range; special tokens (start -1) get null. */
export function tokenRanges(document: vscode.TextDocument, startOffset: number, starts: Int32Array, ends: Int32Array): (vscode.Range | null)[] {
  const ranges: (vscode.Range | null)[] = [];
  for (let i = 0; i < starts.length; i++) {
    ranges.push(starts[i] < 0 ? null : new vscode.Range(document.positionAt(startOffset + starts[i]), document.positionAt(startOffset + ends[i])));
  }
  return ranges;
}
