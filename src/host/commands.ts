import * as vscode from 'vscode';
import type { AnalysisController, AnalysisOutcome } from './analysisController';
import type { HighlightController } from './highlights';
import { describeFolder } from './modelService';
import type { AttentionPanel } from './panel';
import { SETTINGS_SECTION } from './settings';

export const COMMANDS = {
  analyzeSelection: 'attentionInspector.analyzeSelection',
  selectModel: 'attentionInspector.selectModel',
  showPanel: 'attentionInspector.showPanel',
  clearHighlights: 'attentionInspector.clearHighlights',
  showCost: 'attentionInspector.showCost',
} as const;

/** Registers the palette commands; each returns what it did, for tests and other extensions. */
export function registerCommands(analysis: AnalysisController, panel: AttentionPanel, highlights: HighlightController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.analyzeSelection, () => analyzeActiveEditor(analysis, panel)),
    vscode.commands.registerCommand(COMMANDS.selectModel, () => selectModel()),
    vscode.commands.registerCommand(COMMANDS.showPanel, () => panel.show()),
    vscode.commands.registerCommand(COMMANDS.clearHighlights, () => highlights.clear()),
    vscode.commands.registerCommand(COMMANDS.showCost, () => panel.showView('cost')),
  ];
}

/** Analyzes the active editor's selection and opens the panel beside it. */
export async function analyzeActiveEditor(analysis: AnalysisController, panel: AttentionPanel): Promise<AnalysisOutcome> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    const message = 'Open a text editor and select the text to analyze.';
    void vscode.window.showWarningMessage(message);
    return { status: 'rejected', message };
  }
  panel.show(true);
  return analysis.analyze(editor);
}

interface ModelChoice extends vscode.QuickPickItem {
  readonly value: 'shipped' | 'folder';
}

/**
 * Lets the person pick the shipped model or a folder, and stores the choice in
 * the user settings. Returns the new setting value, or undefined when dismissed.
 */
export async function selectModel(): Promise<string | undefined> {
  const choices: ModelChoice[] = [
    { label: 'Shipped model', description: 'media/model in the extension', value: 'shipped' },
    { label: 'Choose a folder...', description: 'a Hugging Face folder with config.json, tokenizer.json and safetensors weights', value: 'folder' },
  ];
  const choice = await vscode.window.showQuickPick(choices, { title: 'Attention Inspector: Select Model', placeHolder: 'Model for Analyze Selection' });
  if (!choice) return undefined;

  let value = '';
  if (choice.value === 'folder') {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Use This Model',
      title: 'Folder with config.json, tokenizer.json and model.safetensors',
    });
    if (!picked || picked.length === 0) return undefined;
    // Local folders are stored as paths, others (VS Code for the Web, remote) as URIs.
    value = picked[0].scheme === 'file' ? describeFolder(picked[0]) : picked[0].toString();
  }
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('modelPath', value, vscode.ConfigurationTarget.Global);
  return value;
}
