import * as assert from 'assert';
import * as vscode from 'vscode';
import { folderFromFiles } from '../../src/engine/checkpoint';
import { Engine } from '../../src/engine/engine';
import type { AttentionInspectorApi } from '../../src/host/api';
import { readModelFolder } from '../../src/host/modelFolder';
import { TokenFlag, type PatternSelection, type WebviewReply } from '../../src/protocol';
import { closeAllEditors, extensionApi, SettingOverride, hoverText, inside, largestSourceFile, openWithSelection, patternsOf } from './support';

/** Float32 patterns from the worker and from a direct Engine run the same code; only summation order may differ. */
const PATTERN_TOLERANCE = 1e-5;

suite('Analyze Selection', () => {
  let api: AttentionInspectorApi;

  suiteSetup(async () => {
    api = await extensionApi();
  });

  const settings = new SettingOverride();

  teardown(async () => {
    await settings.restore();
    await vscode.commands.executeCommand('attentionInspector.clearHighlights');
    await closeAllEditors();
  });

  test('token ranges match the document text', async () => {
    const uri = await largestSourceFile();
    // Start the selection on line 2, so offsets within the selection differ from document offsets.
    const editor = await openWithSelection(uri, (document) => new vscode.Selection(1, 0, document.lineCount - 1, 0));
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));

    const analysis = api.analysis!;
    const document = editor.document;
    const selectionStart = document.offsetAt(editor.selection.start);
    assert.strictEqual(analysis.startOffset, selectionStart);
    assert.strictEqual(analysis.text, document.getText(editor.selection).slice(0, analysis.text.length));

    const { tokens } = analysis.summary;
    let covered = 0;
    for (let i = 0; i < tokens.count; i++) {
      const range = analysis.ranges[i];
      if (tokens.flags[i] & TokenFlag.Special) {
        assert.strictEqual(range, null, `special token ${i} has no range`);
        continue;
      }
      assert.ok(range, `token ${i} (${tokens.labels[i]}) has a range`);
      assert.strictEqual(document.offsetAt(range.start), selectionStart + tokens.starts[i], `token ${i} start`);
      assert.strictEqual(document.getText(range), analysis.text.slice(tokens.starts[i], tokens.ends[i]), `token ${i} text`);
      // Byte-level BPE (GPT-2) tiles the text: each token starts where the previous one ended,
      // except that tokens holding parts of one character share its range.
      const sharesCharacter = i > 0 && tokens.starts[i] === tokens.starts[i - 1] && tokens.ends[i] === tokens.ends[i - 1];
      if (analysis.summary.model.modelType === 'gpt2' && !sharesCharacter) {
        assert.strictEqual(tokens.starts[i], covered, `token ${i} starts where token ${i - 1} ended`);
      }
      const previousStart = i > 0 && tokens.starts[i - 1] >= 0 ? tokens.starts[i - 1] : 0;
      assert.ok(tokens.starts[i] >= previousStart, `token ${i} is in document order`);
      covered = Math.max(covered, tokens.ends[i]);
    }
    if (analysis.summary.model.modelType === 'gpt2') {
      assert.strictEqual(covered, analysis.summary.analysedLength, 'the tokens cover the analysed text');
    }
  });

  test('attention equals a direct engine run', async () => {
    const uri = await largestSourceFile();
    const editor = await openWithSelection(uri);
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    const analysis = api.analysis!;
    const model = analysis.summary.model;

    const engine = new Engine();
    const source = api.modelSource();
    await engine.loadModel(folderFromFiles(source.name, await readModelFolder(source.folder)));
    const maxTokens = vscode.workspace.getConfiguration('attentionInspector').get<number>('maxTokens', 512);
    const direct = await engine.analyze(analysis.text, maxTokens);
    assert.deepStrictEqual(Array.from(direct.tokens.ids), Array.from(analysis.summary.tokens.ids), 'the same token ids');

    const selections: PatternSelection[] = [
      { layer: 0, head: 0 },
      { layer: model.layers - 1, head: model.heads - 1 },
      { layer: model.layers - 1, head: 'mean' },
      { layer: 0, head: 'max' },
    ];
    const reply = await api.panel.request({ kind: 'patterns', requestId: 1, analysisId: analysis.summary.analysisId, selections });
    const received = patternsOf(reply);
    const expected = engine.patterns(direct.analysisId, selections);
    const n = analysis.summary.tokens.count;
    assert.strictEqual(received.data.length, selections.length * n * n);

    let largestDifference = 0;
    for (let i = 0; i < expected.data.length; i++) largestDifference = Math.max(largestDifference, Math.abs(received.data[i] - expected.data[i]));
    assert.ok(largestDifference <= PATTERN_TOLERANCE, `largest difference ${largestDifference}`);

    // Each row of a single head is a softmax: it sums to 1, and causal models put nothing above the diagonal.
    for (let query = 0; query < n; query++) {
      let sum = 0;
      for (let key = 0; key < n; key++) {
        const weight = received.data[query * n + key];
        sum += weight;
        if (model.causal && key > query) assert.strictEqual(weight, 0, `masked weight at (${query}, ${key})`);
      }
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${query} sums to ${sum}`);
    }
  });

  test('hover shows the top attended tokens', async () => {
    const uri = await largestSourceFile();
    const editor = await openWithSelection(uri);
    const outcome = await api.analyze(editor);
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    const analysis = api.analysis!;
    const { tokens } = analysis.summary;

    // A token in the middle, with a range of its own.
    let index = Math.floor(tokens.count / 2);
    while (!analysis.ranges[index] || tokens.flags[index] !== 0) index++;
    const text = await hoverText(uri, inside(analysis.ranges[index]!));
    assert.ok(text.includes(`token ${index} `), `the hover names token ${index}:\n${text}`);
    assert.ok(text.includes('layer '), text);

    const reply = await api.panel.request({ kind: 'patterns', requestId: 2, analysisId: analysis.summary.analysisId, selections: [api.selection] });
    const row = patternsOf(reply).data.subarray(index * tokens.count, (index + 1) * tokens.count);
    const top = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);

    // Rows are | token | weight | line:column |, the column "\u2014" for a special token.
    assert.ok(text.includes('| Attends to token | Weight | Line:Col |'), text);
    const rows = text.split('\n').filter((line) => /^\| .+ \| \d\.\d{4} \| (\d+:\d+|\u2014) \|$/.test(line));
    assert.strictEqual(rows.length, Math.min(5, tokens.count), text);
    for (let rank = 0; rank < rows.length; rank++) {
      const cells = rows[rank].slice(2, -2).split(' | ');
      const range = analysis.ranges[top[rank]];
      const where = range ? `${range.start.line + 1}:${range.start.character + 1}` : '\u2014';
      assert.strictEqual(cells[cells.length - 2], row[top[rank]].toFixed(4), `rank ${rank} weight: ${rows[rank]}`);
      assert.strictEqual(cells[cells.length - 1], where, `rank ${rank} line:column: ${rows[rank]}`);
    }
  });

  test('rows and heatmap replies match the pattern', async () => {
    const uri = await largestSourceFile();
    const outcome = await api.analyze(await openWithSelection(uri));
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    const analysisId = api.analysis!.summary.analysisId;
    const n = api.analysis!.summary.tokens.count;
    const selection: PatternSelection = { layer: 0, head: 'max' };
    const pattern = patternsOf(await api.panel.request({ kind: 'patterns', requestId: 3, analysisId, selections: [selection] })).data;

    const middle = Math.floor(n / 2);
    const rowsReply = await api.panel.request({ kind: 'rows', requestId: 4, analysisId, selection, indices: [middle], axis: 'row' });
    const columnsReply = await api.panel.request({ kind: 'rows', requestId: 5, analysisId, selection, indices: [middle], axis: 'column' });
    assert.strictEqual(rowsReply.kind, 'reply', JSON.stringify(rowsReply));
    assert.strictEqual((rowsReply as WebviewReply).request, 'rows');
    assert.strictEqual(columnsReply.kind, 'reply', JSON.stringify(columnsReply));
    assert.strictEqual((columnsReply as WebviewReply).request, 'rows');
    const row = (rowsReply as WebviewReply<'rows'>).result.data;
    const column = (columnsReply as WebviewReply<'rows'>).result.data;
    assert.deepStrictEqual(Array.from(row), Array.from(pattern.subarray(middle * n, (middle + 1) * n)));
    assert.deepStrictEqual(Array.from(column), Array.from({ length: n }, (_, query) => pattern[query * n + middle]));

    const size = 5;
    const heatmapReply = await api.panel.request({ kind: 'heatmap', requestId: 6, analysisId, selection, size });
    assert.strictEqual(heatmapReply.kind, 'reply', JSON.stringify(heatmapReply));
    assert.strictEqual((heatmapReply as WebviewReply).request, 'heatmap');
    const pooled = (heatmapReply as WebviewReply<'heatmap'>).result;
    assert.strictEqual(pooled.size, size);
    // Cell (r, c) is the largest weight of its block; blocks split at floor(i n / size).
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        let max = 0;
        for (let query = Math.floor((r * n) / size); query < Math.floor(((r + 1) * n) / size); query++) {
          for (let key = Math.floor((c * n) / size); key < Math.floor(((c + 1) * n) / size); key++) max = Math.max(max, pattern[query * n + key]);
        }
        assert.strictEqual(pooled.data[r * size + c], max, `cell (${r}, ${c})`);
      }
    }
  });

  test('focused token shades what it attends to', async () => {
    const uri = await largestSourceFile();
    const editor = await openWithSelection(uri);
    assert.strictEqual((await api.analyze(editor)).status, 'done');
    const analysis = api.analysis!;
    const index = analysis.summary.tokens.count - 1;

    await api.focusToken(index);
    const highlights = api.highlights;
    assert.ok(highlights, 'highlights after focusing a token');
    assert.strictEqual(highlights.focusedToken, index);
    assert.strictEqual(highlights.documentUri, uri.toString());
    const shaded = highlights.buckets.reduce((sum, bucket) => sum + bucket.length, 0);
    assert.ok(shaded > 0, 'some tokens are shaded');
    assert.ok(highlights.buckets[highlights.buckets.length - 1].length > 0, 'the most attended token is in the top bucket');

    await vscode.commands.executeCommand('attentionInspector.clearHighlights');
    assert.strictEqual(api.highlights, undefined, 'Clear Highlights removes them');
  });

  test('edit marks the analysis stale', async () => {
    const uri = await largestSourceFile();
    const editor = await openWithSelection(uri);
    assert.strictEqual((await api.analyze(editor)).status, 'done');
    const analysis = api.analysis!;
    await api.focusToken(1);
    assert.ok(api.highlights);

    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// edited\n')));
    assert.strictEqual(api.analysis?.stale, true, 'stale after an edit');
    assert.strictEqual(api.highlights, undefined, 'highlights are cleared');
    assert.strictEqual(api.panel.stateMessage().analysis?.stale, true, 'the panel is told');

    const text = await hoverText(uri, inside(analysis.ranges[1]!));
    assert.ok(text.includes('changed after the analysis'), text);
    assert.ok(!/^\| \d+ \|/m.test(text), 'no table of out-of-date weights');

    await api.focusToken(2);
    assert.strictEqual(api.highlights, undefined, 'a stale analysis is not highlighted');
  });

  test('cancel stops a running analysis', async () => {
    const uri = await largestSourceFile();
    const editor = await openWithSelection(uri);
    assert.strictEqual((await api.analyze(editor)).status, 'done');
    const before = api.analysis!.summary.analysisId;

    const running = api.analyze(editor);
    assert.ok(api.isAnalysing);
    assert.ok(api.cancelAnalysis(), 'an analysis was running');
    const outcome = await running;
    assert.strictEqual(outcome.status, 'cancelled', JSON.stringify(outcome));
    assert.strictEqual(api.analysis?.summary.analysisId, before, 'the previous analysis stays');
    assert.strictEqual(api.isAnalysing, false);
    assert.strictEqual(api.cancelAnalysis(), false, 'nothing left to cancel');
  });

  test('cancel during the forward pass reaches the worker', async function () {
    const editor = await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze(editor)).status, 'done', 'the model is loaded first');
    const model = api.analysis!.summary.model;
    // The worker looks for a cancel between layers, and a model of one or two tiny layers
    // finishes before the cancel message arrives (the shipped model has 3 layers of width 128).
    if (model.layers < 3 || model.dModel < 128) this.skip();

    const stages: string[] = [];
    const listener = api.onDidReportProgress(({ stage }) => {
      stages.push(stage);
      api.cancelAnalysis();
    });
    try {
      const outcome = await api.analyze(editor);
      assert.strictEqual(outcome.status, 'cancelled', JSON.stringify(outcome));
      assert.ok(stages.length > 0, 'the worker reported progress');
      assert.ok(stages.length < model.layers, `cancelled only after ${stages.join(', ')}`);
    } finally {
      listener.dispose();
    }
  });

  test('changed selection is analysed again when enabled', async () => {
    const editor = await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze(editor)).status, 'done');
    const before = api.analysis!.summary.analysisId;

    await settings.set('reanalyzeOnSelectionChange', true);
    await settings.set('reanalyzeDelay', 100);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    const deadline = Date.now() + 20_000;
    while ((api.analysis?.summary.analysisId === before || api.isAnalysing) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.notStrictEqual(api.analysis?.summary.analysisId, before, 'a new analysis ran');
    assert.strictEqual(api.analysis?.text, editor.document.getText(new vscode.Range(0, 0, 1, 0)));
  });
});
