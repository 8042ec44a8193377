import * as vscode from 'vscode';
import type { AnalysisState } from './analysisState';
import { AttentionDecorations } from './decorations';
import { Disposable } from './dispose';
import { describeError } from './log';
import type { PatternCache } from './patternCache';
import { readSettings } from './settings';

/**
 * Keeps the editor shading in step with the focused token: from the hover,
 * from the cursor when `highlightFollowsMouse` is on, and from the panel.
 */
export class HighlightController extends Disposable {
  readonly decorations = this.register(new AttentionDecorations());
  /** Counts updates, so a slow pattern fetch does not overwrite a newer focus. */
  private generation = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: AnalysisState,
    private readonly patterns: PatternCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(
      state.onDidChange((change) => {
        if (change === 'analysis' || change === 'stale') this.clearNow();
        else this.update();
      }),
    );
    this.register(vscode.window.onDidChangeTextEditorSelection((event) => this.followCursor(event)));
    this.register(
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) this.decorations.restore(editor);
      }),
    );
  }

  /** Resolves when the latest focus change has been drawn; for the tests. */
  settled(): Promise<void> {
    return this.pending;
  }

  /** Removes every highlight and the focus (Clear Highlights). */
  clear(): void {
    this.state.setFocus(null, 'editor');
    this.clearNow();
  }

  private clearNow(): void {
    this.generation++;
    this.decorations.clear();
  }

  private update(): void {
    const generation = ++this.generation;
    const analysis = this.state.analysis;
    const focus = this.state.focus;
    if (!analysis || analysis.stale || !focus) {
      this.decorations.clear();
      return;
    }
    this.pending = this.patterns
      .weights(this.state.selection, focus.tokenIndex, analysis.summary.tokens.count, focus.direction)
      .then(
        ({ weights }) => {
          if (generation === this.generation && this.state.analysis === analysis) this.decorations.show(analysis, focus, weights);
        },
        (error: unknown) => this.log.warn(`Highlighting token ${focus.tokenIndex} failed: ${describeError(error)}`),
      );
  }

  private followCursor(event: vscode.TextEditorSelectionChangeEvent): void {
    const analysis = this.state.analysis;
    if (!analysis || analysis.stale || event.textEditor.document.uri.toString() !== analysis.documentUri.toString()) return;
    if (!readSettings(event.textEditor.document).highlightFollowsMouse) return;
    const selection = event.selections[0];
    // Only a caret moves the focus, because a selection is being made for the next analysis.
    if (!selection || !selection.isEmpty) return;
    const tokenIndex = this.state.tokenAt(event.textEditor.document.offsetAt(selection.active));
    if (tokenIndex !== undefined) this.state.setFocus({ tokenIndex, direction: 'pays' }, 'editor');
  }
}
