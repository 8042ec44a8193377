import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';

import { Engine } from '../../../src/engine/engine';
import type { ModelFile, PatternSelection } from '../../../src/protocol';
import { EngineClient, WorkerRequestError } from '../../../src/worker/client';
import { nodePort } from '../../../src/worker/port';
import { serveEngine } from '../../../src/worker/serve';

const MODELS = join(__dirname, '..', '..', 'fixtures', 'models');
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';

function modelFiles(name: string): ModelFile[] {
  const folder = join(MODELS, name);
  return readdirSync(folder)
    .filter((file) => !file.startsWith('expected'))
    .map((file) => ({ name: file, bytes: readFileSync(join(folder, file)) }));
}

describe('rows and heatmap requests over a MessageChannel', () => {
  const channel = new MessageChannel();
  const engine = new Engine({ kernels: 'typescript' });
  const stopServing = serveEngine(engine, nodePort(channel.port1));
  const client = new EngineClient(nodePort(channel.port2));

  after(() => {
    client.dispose();
    stopServing();
    channel.port1.close();
    channel.port2.close();
  });

  test('replies equal direct engine calls', async () => {
    await client.loadModel('llama', modelFiles('llama'));
    const summary = await client.analyze(TEXT, 64);
    const n = summary.tokens.count;
    const selection: PatternSelection = { layer: 1, head: 'max' };

    const columns = await client.rows(summary.analysisId, selection, [0, n - 1], 'column');
    assert.ok(columns.data instanceof Float32Array);
    assert.equal(columns.data.length, 2 * n);
    assert.deepEqual(columns.data, engine.rows(summary.analysisId, selection, [0, n - 1], 'column').data);

    const heatmap = await client.heatmap(summary.analysisId, selection, 5);
    assert.ok(heatmap.masked instanceof Uint8Array);
    assert.equal(heatmap.size, 5);
    const direct = engine.heatmap(summary.analysisId, selection, 5);
    assert.deepEqual(heatmap.data, direct.data);
    assert.deepEqual(heatmap.masked, direct.masked);
  });

  test('a token index out of range is an InputError', async () => {
    const summary = await client.analyze(TEXT, 64);
    await assert.rejects(client.rows(summary.analysisId, { layer: 0, head: 0 }, [summary.tokens.count], 'row').result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'InputError');
      assert.match(error.message, /out of range/);
      return true;
    });
  });
});
