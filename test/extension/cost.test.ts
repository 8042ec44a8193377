import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttentionInspectorApi } from '../../src/host/api';
import { closeAllEditors, extensionApi, largestSourceFile, nextEvent, openWithSelection, SettingOverride } from './support';

/** Lets the status bar's configuration listener run after a setting changed. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200));
}

suite('Cost view and status bar', () => {
  let api: AttentionInspectorApi;
  const settings = new SettingOverride();

  suiteSetup(async () => {
    api = await extensionApi();
  });

  teardown(async () => {
    api.panel.close();
    await settings.restore();
    await closeAllEditors();
  });

  test('status bar shows tokens and attention memory', async () => {
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { summary } = api.analysis!;
    const n = summary.tokens.count;
    const { heads, layers } = summary.model;

    assert.ok(api.statusBar.visible, 'the item is shown after an analysis');
    assert.ok(api.statusBar.text.includes(`${n.toLocaleString('en-US')} tokens`), api.statusBar.text);
    // One layer's fp32 matrices of the loaded model: heads x n² x 4 bytes, formatted in binary units.
    const perLayerKiB = (heads * n * n * 4) / 1024;
    assert.match(api.statusBar.text, /attention [\d.]+ (KiB|MiB)\/layer/);
    const shown = /attention ([\d.]+) (KiB|MiB)/.exec(api.statusBar.text)!;
    const shownKiB = Number(shown[1]) * (shown[2] === 'MiB' ? 1024 : 1);
    assert.ok(Math.abs(shownKiB - perLayerKiB) / perLayerKiB < 0.01, `${api.statusBar.text} against ${perLayerKiB} KiB`);
    assert.ok(api.statusBar.tooltip.includes(`${layers} layers x ${heads} heads`), api.statusBar.tooltip);
    assert.ok(api.statusBar.tooltip.includes('KV cache'), api.statusBar.tooltip);
  });

  test('status bar follows the preset setting', async () => {
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const n = api.analysis!.summary.tokens.count;

    await settings.set('costPreset', 'llama-3.1-8b');
    await settled();
    // Llama 3.1 8B: 32 heads x n² x 4 bytes per layer.
    const perLayerMiB = (32 * n * n * 4) / 1024 ** 2;
    assert.ok(api.statusBar.tooltip.includes('Llama 3.1 8B'), api.statusBar.tooltip);
    const shown = /attention ([\d.]+) (KiB|MiB)/.exec(api.statusBar.text)!;
    const shownMiB = Number(shown[1]) / (shown[2] === 'KiB' ? 1024 : 1);
    assert.ok(Math.abs(shownMiB - perLayerMiB) / perLayerMiB < 0.01, `${api.statusBar.text} against ${perLayerMiB} MiB`);

    await settings.set('costPreset', 'no-such-model');
    await settled();
    assert.ok(!api.statusBar.tooltip.includes('Llama'), 'an unknown preset falls back to the loaded model');
    assert.ok(api.statusBar.text.includes(`${n.toLocaleString('en-US')} tokens`));
  });

  test('Show Cost opens the panel', async () => {
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    assert.ok(!api.panel.isOpen);

    const ready = nextEvent(api.panel.onDidBecomeReady, 'the panel to load after Show Cost');
    await vscode.commands.executeCommand('attentionInspector.showCost');
    assert.ok(api.panel.isOpen);
    await ready;
    assert.strictEqual(api.panel.stateMessage().analysis?.summary.analysisId, api.analysis!.summary.analysisId);
  });

  test('status bar item runs Show Cost', async () => {
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const command = (await vscode.commands.getCommands(true)).find((id) => id === 'attentionInspector.showCost');
    assert.ok(command, 'Show Cost is registered');
    assert.strictEqual(api.statusBar.command, 'attentionInspector.showCost');
  });
});
