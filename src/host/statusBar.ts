import * as vscode from 'vscode';
import type { AttentionMemorySummary } from '../cost/attentionSummary';
import type { ModelInfo } from '../protocol';
import type { AnalysisState } from './analysisState';
import { computeCostStatus, costStatusDetails, costStatusText } from './costStatus';
import { Disposable } from './dispose';
import { formatCount } from './format';
import { describeError } from './log';
import { readSettings, SETTINGS_SECTION } from './settings';

/**
 * The status bar item after an analysis: the token count and the attention
 * memory for the model `attentionInspector.costPreset` names, with the model,
 * times and every memory figure in the tooltip. Clicking it opens the cost view.
 */
export class AnalysisStatusBar extends Disposable {
  readonly item = this.register(vscode.window.createStatusBarItem('attentionInspector.analysis', vscode.StatusBarAlignment.Right, 100));
  private lastWarning = '';
  private shown = false;

  get visible(): boolean {
    return this.shown;
  }

  constructor(
    private readonly state: AnalysisState,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.item.name = 'Attention Inspector';
    this.item.command = 'attentionInspector.showCost';
    this.register(state.onDidChange((change) => change !== 'focus' && this.update()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.costPreset`)) this.update();
      }),
    );
  }

  private update(): void {
    const analysis = this.state.analysis;
    if (!analysis) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const { tokens, model, timings } = analysis.summary;
    const cost = this.costStatus(model, tokens.count);
    const figures = cost ? costStatusText(cost) : formatCount(tokens.count, 'token');
    this.item.text = analysis.stale ? `$(warning) ${figures} (stale)` : `$(eye) ${figures}`;

    const parts = [
      '**Attention Inspector**',
      `${formatCount(tokens.count, 'token')} analyzed with ${model.name} (${model.modelType}, ${model.layers} layers x ${model.heads} heads) ` +
        `in ${timings.forwardMs.toFixed(0)} ms.`,
    ];
    if (cost) parts.push(costStatusDetails(cost).join('\n'));
    if (analysis.stale) parts.push('The document changed after the analysis: run Analyze Selection again.');
    parts.push('Click to show the cost view.');
    this.item.tooltip = new vscode.MarkdownString(parts.join('\n\n'));
    this.item.show();
    this.shown = true;
  }

  /** Computes the cost figures; returns undefined, and logs why, when the cost model rejects the model's dimensions. */
  private costStatus(model: ModelInfo, tokenCount: number): AttentionMemorySummary | undefined {
    const choice = readSettings().costPreset;
    try {
      return computeCostStatus(choice, model, tokenCount);
    } catch (error) {
      const warning = `The status bar has no attention memory for "${choice}" and ${model.name}: ${describeError(error)}`;
      // The item updates on every head picked, so the same failure is logged once.
      if (warning !== this.lastWarning) this.log.warn(warning);
      this.lastWarning = warning;
      return undefined;
    }
  }
}
