import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttentionInspectorApi } from '../../src/host/api';
import { closeAllEditors, extensionApi, largestSourceFile, nextEvent, openWithSelection } from './support';

suite('Attention Inspector panel', () => {
  let api: AttentionInspectorApi;

  suiteSetup(async () => {
    api = await extensionApi();
  });

  teardown(async () => {
    api.panel.close();
    await closeAllEditors();
  });

  test('webview script loads and posts ready', async () => {
    const editor = await openWithSelection(await largestSourceFile());
    const ready = nextEvent(api.panel.onDidBecomeReady, 'the webview to post "ready"');
    // The command opens the panel beside the editor and analyses the selection.
    const outcome = await vscode.commands.executeCommand<{ status: string }>('attentionInspector.analyzeSelection');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    await ready;
    assert.ok(api.panel.isOpen);

    const state = api.panel.stateMessage();
    assert.strictEqual(state.analysis?.summary.analysisId, api.analysis?.summary.analysisId);
    assert.strictEqual(state.analysis?.documentUri, editor.document.uri.toString());
    assert.deepStrictEqual(state.selection, api.selection);
  });

  test('thumbnails and predictions reach the engine', async () => {
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const analysis = api.analysis!;
    const { layers, heads, causal } = analysis.summary.model;

    const thumbnails = await api.panel.request({ kind: 'thumbnails', requestId: 10, analysisId: analysis.summary.analysisId, size: 8 });
    assert.strictEqual(thumbnails.kind, 'reply', JSON.stringify(thumbnails));
    if (thumbnails.kind === 'reply' && thumbnails.request === 'thumbnails') {
      const block = thumbnails.result as { layers: number; heads: number; size: number; data: Float32Array };
      assert.strictEqual(block.layers, layers);
      assert.strictEqual(block.heads, heads);
      assert.strictEqual(block.data.length, layers * heads * block.size * block.size);
    }

    const predictions = await api.panel.request({ kind: 'predictions', requestId: 11, analysisId: analysis.summary.analysisId, position: 0, count: 5 });
    if (causal) {
      assert.strictEqual(predictions.kind, 'reply', JSON.stringify(predictions));
      const list = predictions.kind === 'reply' ? (predictions.result as { probability: number }[]) : [];
      assert.strictEqual(list.length, 5);
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].probability >= list[i].probability, `prediction ${i} is in order`);
    }

    const stale = await api.panel.request({ kind: 'patterns', requestId: 12, analysisId: 999_999, selections: [{ layer: 0, head: 0 }] });
    assert.strictEqual(stale.kind, 'replyError', 'an unknown analysis id is an error reply');
    assert.strictEqual(stale.requestId, 12);
  });
});
