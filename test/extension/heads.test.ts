import * as assert from 'assert';
import * as vscode from 'vscode';
import { labelBits } from '../../src/engine/headLabels';
import { parseCsv } from '../../src/export/csv';
import { metricsCsv } from '../../src/export/metricsTable';
import { patternNpy } from '../../src/export/pattern';
import type { AttentionInspectorApi } from '../../src/host/api';
import type { AnsweredRequest } from '../../src/host/panel';
import { HEAD_LABELS, HEAD_METRIC_NAMES, type HeadMetricName, type HeadMetricsTable, type SaveFileResult, type WebviewReply, type WebviewReplyError } from '../../src/protocol';
import { meanJensenShannon, weightCorrelation } from '../../webview/heads/compareMath';
import { closeAllEditors, extensionApi, largestSourceFile, openWithSelection, patternsOf, SettingOverride, workspaceRoot } from './support';

/** Returns the table of a reply to a `metrics` request; throws with the reply when it is an error. */
function metricsOf(reply: WebviewReply | WebviewReplyError): HeadMetricsTable {
  if (reply.kind !== 'reply' || reply.request !== 'metrics') throw new Error(`Expected a metrics reply, got ${JSON.stringify(reply)}`);
  return (reply as WebviewReply<'metrics'>).result;
}

function saveResultOf(reply: WebviewReply | WebviewReplyError): SaveFileResult {
  if (reply.kind !== 'reply' || reply.request !== 'saveFile') throw new Error(`Expected a saveFile reply, got ${JSON.stringify(reply)}`);
  return (reply as WebviewReply<'saveFile'>).result;
}

/** Largest value each metric can take for n tokens; every metric is at least 0. */
function upperBound(metric: HeadMetricName, n: number): number {
  if (metric === 'distance') return n - 1;
  // Attention farther than uniform (all weight on the first token of a long row) reaches 2.
  if (metric === 'relativeDistance') return 2;
  return 1;
}

/** Collects the replies to the webview's own requests until `done` returns true or `timeoutMs` passes. */
function collectAnswers(api: AttentionInspectorApi, done: (answers: AnsweredRequest[]) => boolean, timeoutMs = 90_000): Promise<AnsweredRequest[]> {
  const answers: AnsweredRequest[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms; the webview's requests so far: ${JSON.stringify(answers)}`));
    }, timeoutMs);
    const listener = api.panel.onDidAnswerRequest((answer) => {
      answers.push(answer);
      if (!done(answers)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(answers);
    });
  });
}

/** Resolves with the next reply to a webview request of `kind`. */
async function nextAnswer(api: AttentionInspectorApi, kind: AnsweredRequest['kind'], timeoutMs = 60_000): Promise<AnsweredRequest> {
  const answers = await collectAnswers(api, (collected) => collected.some((answer) => answer.kind === kind), timeoutMs);
  return answers.find((answer) => answer.kind === kind)!;
}

/** Parses a float32 .npy file of format version 1.0: its shape and data. */
function parseNpy(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  assert.deepStrictEqual(Array.from(bytes.subarray(0, 6)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'the .npy magic string');
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.match(header, /'descr': '<f4'/);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((part) => part.trim() !== '').map(Number);
  // A copy, because a Node Buffer's slice() shares a pooled ArrayBuffer, whose start may not be this file's.
  const body = new Uint8Array(bytes.byteLength - 10 - headerLength);
  body.set(bytes.subarray(10 + headerLength));
  const data = new Float32Array(body.buffer);
  return { shape, data };
}

suite('Heads views', () => {
  let api: AttentionInspectorApi;
  const settings = new SettingOverride();
  let exportFolder: vscode.Uri;

  suiteSetup(async () => {
    api = await extensionApi();
    exportFolder = vscode.Uri.joinPath(workspaceRoot(), 'exports');
    await vscode.workspace.fs.createDirectory(exportFolder);
  });

  teardown(async () => {
    api.panel.setExportTargetPicker(undefined);
    api.panel.close();
    await settings.restore();
    await closeAllEditors();
  });

  test('metrics cover every head', async function () {
    this.timeout(180_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { summary } = api.analysis!;
    const { layers, heads } = summary.model;
    const n = summary.tokens.count;

    const table = metricsOf(await api.panel.request({ kind: 'metrics', requestId: 20, analysisId: summary.analysisId }));
    assert.strictEqual(table.analysisId, summary.analysisId);
    assert.strictEqual(table.layers, layers);
    assert.strictEqual(table.heads, heads);
    assert.strictEqual(table.tokenCount, n);
    assert.deepStrictEqual(table.metrics, [...HEAD_METRIC_NAMES]);
    assert.strictEqual(table.data.length, layers * heads * HEAD_METRIC_NAMES.length);
    assert.strictEqual(table.labels.length, layers * heads);
    assert.ok(table.probe !== null, 'the shipped model runs the induction probe');

    // A source file repeats tokens, so every metric, the text's induction score included, is defined.
    for (let index = 0; index < layers * heads; index++) {
      const where = `layer ${Math.floor(index / heads)} head ${index % heads}`;
      table.metrics.forEach((metric, m) => {
        const value = table.data[index * table.metrics.length + m];
        assert.ok(Number.isFinite(value), `${where} ${metric} is ${value}`);
        assert.ok(value >= -1e-6, `${where} ${metric} = ${value} is below 0`);
        assert.ok(value <= upperBound(metric, n) + 1e-6, `${where} ${metric} = ${value} is above ${upperBound(metric, n)}`);
      });
      assert.ok(table.labels[index] < 1 << HEAD_LABELS.length, `${where} has only known label bits`);
      assert.strictEqual(table.labels[index], labelBits(table.data, index * table.metrics.length, table.thresholds), `${where} labels follow the thresholds`);
    }
  });

  test('label thresholds come from settings', async function () {
    this.timeout(180_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { analysisId } = api.analysis!.summary;
    const sink = 1 << HEAD_LABELS.indexOf('sink');

    await settings.set('heads.sinkThreshold', 0);
    const everySink = metricsOf(await api.panel.request({ kind: 'metrics', requestId: 21, analysisId }));
    assert.strictEqual(everySink.thresholds.sink, 0);
    assert.ok(everySink.labels.every((bits) => (bits & sink) !== 0), 'a threshold of 0 labels every head a sink');

    await settings.set('heads.sinkThreshold', 5);
    const clamped = metricsOf(await api.panel.request({ kind: 'metrics', requestId: 22, analysisId }));
    assert.strictEqual(clamped.thresholds.sink, 1, 'a threshold above 1 is clamped to 1');
  });

  test('grid command loads thumbnails and metrics', async function () {
    this.timeout(180_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');

    const needed = (answers: AnsweredRequest[]) => ['thumbnails', 'metrics'].every((kind) => answers.some((answer) => answer.kind === kind));
    const answered = collectAnswers(api, needed);
    await vscode.commands.executeCommand('attentionInspector.showHeads');
    const answers = await answered;
    assert.ok(api.panel.isOpen);
    for (const answer of answers) assert.strictEqual(answer.error, undefined, `the webview's ${answer.kind} request failed: ${answer.error}`);
  });

  test('comparison figures of two heads', async function () {
    this.timeout(120_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { summary } = api.analysis!;
    const n = summary.tokens.count;
    const last = summary.model.layers - 1;
    const mask = { causal: summary.model.causal, slidingWindow: summary.model.slidingWindow };

    const block = patternsOf(
      await api.panel.request({ kind: 'patterns', requestId: 23, analysisId: summary.analysisId, selections: [{ layer: 0, head: 0 }, { layer: last, head: 1 }] }),
    );
    assert.strictEqual(block.data.length, 2 * n * n);
    const a = block.data.subarray(0, n * n);
    const b = block.data.subarray(n * n);

    assert.ok(Math.abs(meanJensenShannon(a, a, n, mask)) < 1e-9, 'a head does not diverge from itself');
    assert.ok(Math.abs(weightCorrelation(a, a, n, mask) - 1) < 1e-6, 'a head correlates 1 with itself');
    const divergence = meanJensenShannon(a, b, n, mask);
    const correlation = weightCorrelation(a, b, n, mask);
    // Jensen-Shannon divergence in bits lies in [0, 1].
    assert.ok(divergence > 0, `divergence ${divergence}`);
    assert.ok(divergence <= 1 + 1e-9, `divergence ${divergence}`);
    assert.ok(correlation >= -1 - 1e-9, `correlation ${correlation}`);
    assert.ok(correlation < 1, `correlation ${correlation}`);
  });

  test('exports read back to the same numbers', async function () {
    this.timeout(180_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { summary } = api.analysis!;
    const picked: string[] = [];
    api.panel.setExportTargetPicker((name) => {
      picked.push(name);
      return Promise.resolve(vscode.Uri.joinPath(exportFolder, name));
    });

    const table = metricsOf(await api.panel.request({ kind: 'metrics', requestId: 24, analysisId: summary.analysisId }));
    const csv = new TextEncoder().encode(metricsCsv(table));
    const saved = saveResultOf(await api.panel.request({ kind: 'saveFile', requestId: 25, name: 'head-metrics.csv', mimeType: 'text/csv', bytes: csv }));
    assert.ok(saved.saved);
    assert.deepStrictEqual(picked, ['head-metrics.csv']);
    const rows = parseCsv(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(saved.uri!))));
    assert.deepStrictEqual(rows[0], ['layer', 'head', 'labels', ...table.metrics]);
    assert.strictEqual(rows.filter((row) => row.length > 1).length - 1, table.layers * table.heads);
    for (let index = 0; index < table.layers * table.heads; index++) {
      const row = rows[index + 1];
      assert.strictEqual(Number(row[0]), Math.floor(index / table.heads));
      assert.strictEqual(Number(row[1]), index % table.heads);
      table.metrics.forEach((metric, m) => {
        assert.strictEqual(Math.fround(Number(row[3 + m])), table.data[index * table.metrics.length + m], `row ${index + 1} ${metric}`);
      });
    }

    const selection = { layer: 1, head: 2 };
    const pattern = patternsOf(await api.panel.request({ kind: 'patterns', requestId: 26, analysisId: summary.analysisId, selections: [selection] }));
    const npy = patternNpy({ modelName: summary.model.name, selection, tokens: summary.tokens, data: pattern.data });
    const savedNpy = saveResultOf(
      await api.panel.request({ kind: 'saveFile', requestId: 27, name: '../attention-L1-H2.npy', mimeType: 'application/x-npy', bytes: npy }),
    );
    assert.strictEqual(picked[1], 'attention-L1-H2.npy', 'the suggested name loses its folder part');
    const read = parseNpy(await vscode.workspace.fs.readFile(vscode.Uri.parse(savedNpy.uri!)));
    const n = summary.tokens.count;
    assert.deepStrictEqual(read.shape, [n, n]);
    assert.deepStrictEqual(Array.from(read.data), Array.from(pattern.data));
  });

  test('cancelled save writes nothing', async () => {
    api.panel.setExportTargetPicker(() => Promise.resolve(undefined));
    const reply = await api.panel.request({ kind: 'saveFile', requestId: 28, name: 'never.csv', mimeType: 'text/csv', bytes: new Uint8Array([1]) });
    assert.deepStrictEqual(saveResultOf(reply), { saved: false, uri: null });
    const invalid = await api.panel.request({ kind: 'saveFile', requestId: 29, name: 'bad.csv', mimeType: 'text/csv', bytes: 'text' as unknown as Uint8Array });
    assert.strictEqual(invalid.kind, 'replyError');
    assert.match((invalid as WebviewReplyError).message, /not bytes/);
  });

  test('webview exports the grid and metrics', async function () {
    this.timeout(240_000);
    await openWithSelection(await largestSourceFile());
    assert.strictEqual((await api.analyze()).status, 'done');
    const { summary } = api.analysis!;
    const expected = metricsOf(await api.panel.request({ kind: 'metrics', requestId: 30, analysisId: summary.analysisId }));

    const savedNames: string[] = [];
    api.panel.setExportTargetPicker((name) => {
      savedNames.push(name);
      return Promise.resolve(vscode.Uri.joinPath(exportFolder, `webview-${name}`));
    });
    const loaded = collectAnswers(api, (answers) => ['thumbnails', 'metrics'].every((kind) => answers.some((answer) => answer.kind === kind)));
    await vscode.commands.executeCommand('attentionInspector.showHeads');
    await loaded;

    // The grid saves its PNG once the thumbnails are drawn.
    const pngSaved = nextAnswer(api, 'saveFile');
    await vscode.commands.executeCommand('attentionInspector.exportHeadsGrid');
    assert.strictEqual((await pngSaved).error, undefined);
    const png = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(exportFolder, 'webview-attention-heads.png'));
    assert.deepStrictEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
    assert.ok(width > 0, `the PNG is ${width} pixels wide`);

    // Export Head Metrics shows a quick pick of the format, and its first item is CSV.
    const csvSaved = nextAnswer(api, 'saveFile');
    const picking = vscode.commands.executeCommand('attentionInspector.exportHeadMetrics');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await picking;
    assert.strictEqual((await csvSaved).error, undefined);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(exportFolder, 'webview-head-metrics.csv')));
    assert.strictEqual(text, metricsCsv(expected), 'the webview wrote the same table as the engine returns');

    // The comparison loaded its two heads when the analysis arrived.
    const comparisonSaved = nextAnswer(api, 'saveFile');
    await vscode.commands.executeCommand('attentionInspector.compareHeads');
    await vscode.commands.executeCommand('attentionInspector.exportComparison');
    assert.strictEqual((await comparisonSaved).error, undefined);
    const comparison = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(exportFolder, 'webview-attention-comparison.png'));
    assert.deepStrictEqual(Array.from(comparison.subarray(1, 4)), [0x50, 0x4e, 0x47], 'a PNG signature');
    assert.deepStrictEqual(savedNames, ['attention-heads.png', 'head-metrics.csv', 'attention-comparison.png']);
  });
});
