import * as vscode from 'vscode';
import type { HeadsCommand, HeadsCommandMessage } from '../protocol';
import { affectsLabelThresholds } from './headSettings';

/** The panel operations the heads commands use. */
export interface HeadsPanel {
  /** Opens the panel or reveals it. */
  show(preserveFocus?: boolean): void;
  /** Posts a message to the webview once it can receive it. */
  postHeadsCommand(message: HeadsCommandMessage): void;
}

/** Command ids and the webview command each sends; the titles are in package.json. */
export const HEADS_COMMANDS: Readonly<Record<string, HeadsCommand>> = {
  'attentionInspector.showHeads': 'showGrid',
  'attentionInspector.compareHeads': 'showCompare',
  'attentionInspector.compareTexts': 'showTwoTexts',
  'attentionInspector.exportHeadsGrid': 'exportGridPng',
  'attentionInspector.exportComparison': 'exportComparisonPng',
};

/**
 * Registers the palette commands of the heads views. Each opens the panel and
 * sends its HeadsCommand. Export Head Metrics first shows a pick of CSV or Markdown.
 */
export function registerHeadsCommands(panel: HeadsPanel): vscode.Disposable[] {
  const send = (command: HeadsCommand) => {
    panel.show(false);
    panel.postHeadsCommand({ kind: 'headsCommand', command });
  };
  const disposables = Object.entries(HEADS_COMMANDS).map(([id, command]) => vscode.commands.registerCommand(id, () => send(command)));
  disposables.push(
    vscode.commands.registerCommand('attentionInspector.exportHeadMetrics', async () => {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'CSV', description: 'every figure at full precision', command: 'exportMetricsCsv' as const },
          { label: 'Markdown table', description: 'three decimals, to paste', command: 'exportMetricsMarkdown' as const },
        ],
        { title: 'Export Head Metrics', placeHolder: 'Format' },
      );
      if (choice) send(choice.command);
    }),
  );
  return disposables;
}

/** Asks the panel to request the metrics again when a label threshold setting changes. */
export function refreshLabelsOnSettingChange(panel: HeadsPanel): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (affectsLabelThresholds(event)) panel.postHeadsCommand({ kind: 'headsCommand', command: 'refreshMetrics' });
  });
}
