import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';

import { Engine } from '../../../src/engine/engine';
import type { ModelFile } from '../../../src/protocol';
import { EngineClient, WorkerRequestError, WorkerStoppedError } from '../../../src/worker/client';
import { nodePort } from '../../../src/worker/port';
import { serveEngine } from '../../../src/worker/serve';

const ROOT = join(__dirname, '..', '..', '..');
const MODELS = join(ROOT, 'test', 'fixtures', 'models');
const TEXT = 'def add(a, b):\n    return a + b\n';

function modelFiles(name: string): ModelFile[] {
  const folder = join(MODELS, name);
  return readdirSync(folder)
    .filter((file) => !file.startsWith('expected'))
    .map((file) => ({ name: file, bytes: readFileSync(join(folder, file)) }));
}

describe('Engine served over a MessageChannel', () => {
  const channel = new MessageChannel();
  const engine = new Engine();
  const stopServing = serveEngine(engine, nodePort(channel.port1));
  const client = new EngineClient(nodePort(channel.port2));

  after(() => {
    client.dispose();
    stopServing();
    channel.port1.close();
    channel.port2.close();
  });

  test('load, analyze, patterns, thumbnails, predictions, release', async () => {
    const loadStages: string[] = [];
    const info = await client.loadModel('gpt2', modelFiles('gpt2'), (stage) => loadStages.push(stage));
    assert.equal(info.modelType, 'gpt2');
    assert.ok(loadStages.includes('Reading weights'));

    const layerStages: string[] = [];
    const summary = await client.analyze(TEXT, 64, (stage) => layerStages.push(stage));
    assert.ok(summary.tokens.count > 5);
    assert.equal(layerStages.filter((stage) => stage.startsWith('Layer')).length, info.layers, 'one progress event per layer');

    const n = summary.tokens.count;
    const selections = [{ layer: 1, head: 2 }, { layer: 0, head: 'mean' as const }];
    const block = await client.patterns(summary.analysisId, selections);
    assert.ok(block.data instanceof Float32Array);
    assert.equal(block.data.length, 2 * n * n);
    const direct = engine.patterns(summary.analysisId, selections);
    assert.deepEqual([...block.data], [...direct.data], 'the worker reply equals a direct engine call');

    const thumbnails = await client.thumbnails(summary.analysisId, 4);
    assert.equal(thumbnails.data.length, info.layers * info.heads * thumbnails.size * thumbnails.size);

    const predictions = await client.predictions(summary.analysisId, n - 1, 3);
    assert.equal(predictions.length, 3);
    assert.ok(predictions[0].probability >= predictions[1].probability);

    assert.equal(await client.releaseAnalysis(summary.analysisId), null);
    await assert.rejects(client.patterns(summary.analysisId, selections).result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'InputError');
      assert.match(error.message, /was not found/);
      return true;
    });
  });

  test('cancel during the forward pass', async () => {
    await client.loadModel('mistral', modelFiles('mistral'));
    // The cancel message follows the request on the same port, so it arrives
    // at the worker's next event-loop turn: in practice the first yield between layers.
    const pending = client.analyze(TEXT, 64);
    pending.cancel();
    await assert.rejects(pending.result, (error: unknown) => error instanceof WorkerRequestError && error.name === 'CancelledError');

    const next = await client.analyze(TEXT, 64);
    assert.ok(next.tokens.count > 0, 'the engine analyses again after a cancellation');
  });

  test('invalid checkpoint names the error class', async () => {
    const files = modelFiles('gpt2').map((file) =>
      file.name === 'model.safetensors' ? { name: file.name, bytes: file.bytes.subarray(0, 100) } : file,
    );
    await assert.rejects(client.loadModel('broken', files).result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'SafetensorsError');
      assert.match(error.message, /model\.safetensors/);
      return true;
    });
  });
});

describe('worker thread entry', () => {
  let worker: Worker;
  let client: EngineClient;

  before(() => {
    // Node 20 does not apply --import loaders to a worker's .ts entry, so a
    // small CommonJS bootstrap registers tsx first and then loads the entry.
    const entry = JSON.stringify(join(ROOT, 'src', 'worker', 'node.ts'));
    worker = new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true });
    client = new EngineClient(nodePort(worker));
    worker.on('error', (error) => client.dispose(error));
    worker.on('exit', (code) => client.dispose(new WorkerStoppedError(`The engine worker exited with code ${code}.`)));
  });

  after(async () => {
    await worker.terminate();
  });

  test('src/worker/node.ts serves the engine', async () => {
    const info = await client.loadModel('qwen2', modelFiles('qwen2'));
    assert.equal(info.modelType, 'qwen2');
    const summary = await client.analyze(TEXT, 64);
    const block = await client.patterns(summary.analysisId, [{ layer: 0, head: 0 }]);
    const n = summary.tokens.count;
    for (let query = 0; query < n; query++) {
      const row = block.data.subarray(query * n, (query + 1) * n);
      const sum = row.reduce((total, value) => total + value, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${query} sums to ${sum}`);
    }
  });
});
