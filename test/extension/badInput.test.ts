import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AttentionInspectorApi } from '../../src/host/api';
import { CHARACTERS_PER_TOKEN_BOUND } from '../../src/host/analysisInput';
import { closeAllEditors, extensionApi, largestSourceFile, openUntitled, openWithSelection, SettingOverride, workspaceRoot } from './support';

suite('Analyze Selection with bad input', () => {
  let api: AttentionInspectorApi;
  const settings = new SettingOverride();

  suiteSetup(async () => {
    api = await extensionApi();
  });

  teardown(async () => {
    await settings.restore();
    await closeAllEditors();
  });

  test('empty document is rejected', async () => {
    const editor = await openUntitled('');
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'rejected');
    assert.ok(outcome.message.includes('empty'), outcome.message);
  });

  test('whitespace-only selection is rejected', async () => {
    const editor = await openUntitled('def f():\n    \t  \n\n    return 1\n');
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'rejected');
    assert.ok(outcome.message.includes('only whitespace'), outcome.message);
  });

  test('binary-looking text is rejected', async () => {
    const editor = await openUntitled('PK\u0003\u0004\u0014\u0000\u0000\u0000\u0008\u0000 header of a zip file');
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'rejected');
    assert.ok(outcome.message.includes('NUL character at line 1, column 6'), outcome.message);
  });

  test('1 MB file is cut without blocking the host', async () => {
    const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(await largestSourceFile()));
    const content = source.repeat(Math.ceil(1_048_576 / source.length)).slice(0, 1_048_576);
    // Plain text, so no language server parses the megabyte while the host is being timed.
    const editor = await openUntitled(content);
    const maxTokens = vscode.workspace.getConfiguration('attentionInspector').get<number>('maxTokens', 512);

    // The extension host's event loop must keep turning while the worker runs the forward pass.
    let longestGap = 0;
    let last = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    let outcome;
    try {
      outcome = await api.analyze(editor);
    } finally {
      clearInterval(ticker);
    }

    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.ok(outcome.status === 'done');
    assert.ok(outcome.tokenCount <= maxTokens, `${outcome.tokenCount} tokens`);
    assert.strictEqual(outcome.cutCharacters, content.length - maxTokens * CHARACTERS_PER_TOKEN_BOUND);
    assert.ok(outcome.notice?.includes('whole document'), outcome.notice);
    assert.ok(outcome.notice?.includes('were analyzed'), outcome.notice);
    assert.ok(outcome.notice?.includes(`${outcome.cutCharacters.toLocaleString('en-US')} characters beyond them were not tokenized`), outcome.notice);
    assert.match(outcome.notice ?? '', /\d,\d{3}/, 'counts of a thousand or more have separators');
    assert.strictEqual(api.panel.stateMessage().analysis?.untokenizedCharacters, outcome.cutCharacters, 'the panel is told what was not tokenized');
    assert.ok(api.analysis!.text.length <= maxTokens * CHARACTERS_PER_TOKEN_BOUND);
    assert.ok(longestGap < 1000, `the extension host stalled for ${longestGap} ms`);
  });

  test('missing model folder fails with its path', async () => {
    await settings.set('modelPath', 'no-such-model-folder');
    const editor = await openWithSelection(await largestSourceFile());
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    assert.ok(outcome.message.includes('not found'), outcome.message);
    assert.strictEqual(outcome.message.split('no-such-model-folder').length - 1, 1, `the path appears once: ${outcome.message}`);
    assert.ok(outcome.message.includes('Set attentionInspector.modelPath to a folder with config.json'), outcome.message);
    assert.ok(outcome.message.includes('clear it to use the bundled model'), outcome.message);
    assert.strictEqual(api.panel.lastFailure, outcome.message, 'the panel shows the failure');

    // A new analysis clears the failure from the panel.
    await settings.restore();
    assert.strictEqual((await api.analyze(editor)).status, 'done');
    assert.strictEqual(api.panel.lastFailure, undefined);
  });

  test('absolute model path in the browser host', async () => {
    await settings.set('modelPath', '/tmp/no-such-absolute-model');
    const editor = await openWithSelection(await largestSourceFile());
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    // The browser extension host runs VS Code for the Web's workspace, which is not on the file scheme.
    const browserHost = vscode.env.uiKind === vscode.UIKind.Web && workspaceRoot().scheme !== 'file';
    if (browserHost) {
      assert.ok(outcome.message.startsWith('VS Code for the Web cannot read local folders such as /tmp/no-such-absolute-model.'), outcome.message);
      assert.ok(outcome.message.includes('path relative to the workspace folder'), outcome.message);
      assert.ok(!outcome.message.includes('file system handle'), outcome.message);
    } else {
      assert.ok(outcome.message.startsWith('The model folder /tmp/no-such-absolute-model was not found.'), outcome.message);
    }
  });

  test('broken model folder fails with the reason', async () => {
    const folder = vscode.Uri.joinPath(workspaceRoot(), '.broken-model');
    const encoder = new TextEncoder();
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'config.json'), encoder.encode('{"model_type": "gpt2", "n_layer": '));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'tokenizer.json'), encoder.encode('{}'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'model.safetensors'), new Uint8Array(16));
    try {
      await settings.set('modelPath', '.broken-model');
      const editor = await openWithSelection(await largestSourceFile());
      const outcome = await api.analyze(editor);
      assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
      assert.ok(outcome.message.includes('.broken-model'), outcome.message);
      assert.ok(outcome.message.includes('config.json'), outcome.message);

      // With the setting back, the shipped model loads and the analysis works again.
      await settings.restore();
      assert.strictEqual((await api.analyze(editor)).status, 'done');
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });

  test('two analyses at once: the newer wins', async () => {
    const editor = await openWithSelection(await largestSourceFile());
    const first = api.analyze(editor);
    const second = api.analyze(editor);
    const [older, newer] = await Promise.all([first, second]);
    assert.strictEqual(older.status, 'cancelled', JSON.stringify(older));
    assert.ok(older.message.includes('newer'), older.message);
    assert.strictEqual(newer.status, 'done', JSON.stringify(newer));
    assert.strictEqual(api.analysis?.summary.analysisId, newer.status === 'done' ? newer.analysisId : -1);
  });

  test('closing the panel during an analysis', async () => {
    const editor = await openWithSelection(await largestSourceFile());
    api.panel.show();
    assert.ok(api.panel.isOpen);
    const running = api.analyze(editor);
    api.panel.close();
    const outcome = await running;
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.strictEqual(api.panel.isOpen, false);

    // Opened again, the panel receives the finished analysis.
    api.panel.show();
    assert.strictEqual(api.panel.stateMessage().analysis?.summary.analysisId, outcome.status === 'done' ? outcome.analysisId : -1);
    api.panel.close();
  });
});
