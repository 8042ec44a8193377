import * as vscode from 'vscode';
import type { AnalysisController } from './analysisController';
import { Disposable } from './dispose';
import { readSettings } from './settings';

/**
 * Re-runs the analysis when the selection changes and stays put for the
 * configured delay, if `attentionInspector.reanalyzeOnSelectionChange` is on.
 */
export class SelectionReanalyzer extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly analysis: AnalysisController) {
    super();
    this.register(vscode.window.onDidChangeTextEditorSelection((event) => this.schedule(event)));
    this.register({ dispose: () => this.cancelTimer() });
  }

  private schedule(event: vscode.TextEditorSelectionChangeEvent): void {
    const settings = readSettings(event.textEditor.document);
    if (!settings.reanalyzeOnSelectionChange) return;
    this.cancelTimer();
    const selection = event.selections[0];
    // A bare caret is not a request to analyse the whole document.
    if (!selection || selection.isEmpty || event.textEditor.document.uri.scheme === 'output') return;

    const editor = event.textEditor;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!editor.selection.isEqual(selection)) return;
      void this.analysis.analyze(editor, { quiet: true });
    }, settings.reanalyzeDelay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
