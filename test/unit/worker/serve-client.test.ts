import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';

import type { ModelFolder } from '../../../src/engine/checkpoint';
import { CancelledError, InputError } from '../../../src/engine/errors';
import type {
  AnalysisSummary, HeadMetricsTable, ModelInfo, PatternAxis, PatternBlock, PatternRows, PatternSelection, PooledPattern, Prediction,
  ThumbnailBlock,
} from '../../../src/protocol';
import { EngineClient, WorkerRequestError, WorkerStoppedError } from '../../../src/worker/client';
import { nodePort } from '../../../src/worker/port';
import { serveEngine, type ServedEngine } from '../../../src/worker/serve';

const MODEL: ModelInfo = {
  name: 'fake',
  modelType: 'gpt2',
  causal: true,
  layers: 3,
  heads: 2,
  kvHeads: 2,
  headDim: 4,
  dModel: 8,
  intermediateSize: 32,
  vocabSize: 10,
  maxPositions: 16,
  slidingWindow: null,
  parameterCount: 100,
  dtype: 'F32',
};

/**
 * A test double with the Engine's message-facing behaviour: analyze yields a
 * macrotask per layer and checks isCancelled between layers, as the real
 * forward pass does.
 */
class ScriptedEngine implements ServedEngine {
  loadedFiles: Record<string, number[]> = {};
  released: number[] = [];
  /** Float32 data handed out by patterns(); a view into a larger buffer. */
  readonly patternStore = new Float32Array(8);

  async loadModel(folder: ModelFolder, onProgress?: (stage: string, fraction: number) => void): Promise<ModelInfo> {
    for (const name of folder.fileNames()) this.loadedFiles[name] = [...(folder.read(name) ?? [])];
    onProgress?.('Reading weights', 1);
    return { ...MODEL, name: folder.name };
  }

  async analyze(
    text: string,
    maxTokens: number,
    options: { onProgress?: (stage: string, fraction: number) => void; isCancelled?: () => boolean },
  ): Promise<AnalysisSummary> {
    if (text.length === 0) throw new InputError('The text is empty; select some text to analyze.');
    for (let layer = 0; layer < MODEL.layers; layer++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (options.isCancelled?.()) throw new CancelledError();
      options.onProgress?.(`Layer ${layer + 1} of ${MODEL.layers}`, (layer + 1) / MODEL.layers);
    }
    const count = Math.min(text.length, maxTokens);
    return {
      analysisId: 7,
      model: MODEL,
      tokens: {
        count,
        ids: Int32Array.from({ length: count }, (_, i) => text.charCodeAt(i)),
        starts: Int32Array.from({ length: count }, (_, i) => i),
        ends: Int32Array.from({ length: count }, (_, i) => i + 1),
        flags: new Uint8Array(count),
        labels: [...text.slice(0, count)],
      },
      droppedTokens: text.length - count,
      analysedLength: count,
      timings: { tokenizeMs: 0, forwardMs: 1 },
    };
  }

  patterns(analysisId: number, selections: PatternSelection[]): PatternBlock {
    this.patternStore.set([0.25, 0.75, 1, 0], 2);
    return { selections, tokenCount: 2, data: this.patternStore.subarray(2, 6) };
  }

  rows(analysisId: number, selection: PatternSelection, indices: number[], axis: PatternAxis): PatternRows {
    return { selection, axis, indices, tokenCount: 2, data: new Float32Array(indices.length * 2).fill(analysisId) };
  }

  heatmap(analysisId: number, selection: PatternSelection, size: number): PooledPattern {
    return { selection, tokenCount: 2, size, data: new Float32Array(size * size), masked: new Uint8Array(size * size) };
  }

  thumbnails(analysisId: number, size: number): ThumbnailBlock {
    return { layers: 1, heads: 1, size, data: new Float32Array(size * size).fill(analysisId) };
  }

  predictions(): Prediction[] {
    throw new TypeError('boom');
  }

  releaseAnalysis(analysisId: number): void {
    this.released.push(analysisId);
  }

  async metrics(): Promise<HeadMetricsTable> {
    throw new InputError('ScriptedEngine computes no head metrics; test/unit/worker/metrics-request.test.ts covers them.');
  }
}

describe('serveEngine with EngineClient', () => {
  let channel: MessageChannel;
  let engine: ScriptedEngine;
  let client: EngineClient;
  let stopServing: () => void;

  beforeEach(() => {
    channel = new MessageChannel();
    engine = new ScriptedEngine();
    stopServing = serveEngine(engine, nodePort(channel.port1));
    client = new EngineClient(nodePort(channel.port2));
  });

  afterEach(() => {
    client.dispose();
    stopServing();
    channel.port1.close();
    channel.port2.close();
  });

  test('loadModel sends file bytes and reports progress', async () => {
    const pooled = Buffer.from([1, 2, 3]);
    assert.notEqual(pooled.byteLength, pooled.buffer.byteLength, 'a small Buffer is a view into the pool');
    const stages: string[] = [];
    const info = await client.loadModel('tiny', [{ name: 'config.json', bytes: pooled }], (stage) => stages.push(stage));
    assert.equal(info.name, 'tiny');
    assert.deepEqual(engine.loadedFiles, { 'config.json': [1, 2, 3] });
    assert.deepEqual(stages, ['Reading weights']);
    assert.deepEqual([...pooled], [1, 2, 3], 'the pooled buffer was copied, not detached');
  });

  test('loadModel transfers whole buffers', async () => {
    const bytes = new Uint8Array([4, 5]);
    await client.loadModel('tiny', [{ name: 'model.safetensors', bytes }]);
    assert.equal(bytes.byteLength, 0, 'the transferred array is detached');
    assert.deepEqual(engine.loadedFiles['model.safetensors'], [4, 5]);
  });

  test('analyze forwards progress per layer', async () => {
    const progress: Array<[string, number]> = [];
    const summary = await client.analyze('abc', 2, (stage, fraction) => progress.push([stage, fraction]));
    assert.equal(summary.tokens.count, 2);
    assert.ok(summary.tokens.ids instanceof Int32Array);
    assert.deepEqual([...summary.tokens.ids], [97, 98]);
    assert.equal(summary.droppedTokens, 1);
    assert.deepEqual(progress.map(([stage]) => stage), ['Layer 1 of 3', 'Layer 2 of 3', 'Layer 3 of 3']);
    assert.equal(progress.at(-1)?.[1], 1);
  });

  test('cancel stops analyze with CancelledError', async () => {
    const pending = client.analyze('abc', 8);
    setTimeout(() => pending.cancel(), 2);
    await assert.rejects(pending.result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'CancelledError');
      assert.equal(error.request, 'analyze');
      assert.equal(error.requestId, pending.id);
      return true;
    });
    assert.equal(client.pendingCount, 0);
  });

  test('engine errors keep their class name', async () => {
    await assert.rejects(client.analyze('', 8).result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'InputError');
      assert.match(error.message, /The text is empty/);
      return true;
    });
  });

  test('unexpected errors carry their stack', async () => {
    await assert.rejects(client.predictions(7, 0, 3).result, (error: unknown) => {
      assert.ok(error instanceof WorkerRequestError);
      assert.equal(error.name, 'TypeError');
      assert.match(error.message, /boom/);
      assert.match(error.message, /predictions/);
      return true;
    });
  });

  test('pattern data that is a view arrives intact', async () => {
    const block = await client.patterns(7, [{ layer: 0, head: 1 }]);
    assert.deepEqual([...block.data], [0.25, 0.75, 1, 0]);
    assert.deepEqual(block.selections, [{ layer: 0, head: 1 }]);
    assert.equal(engine.patternStore.length, 8, "the engine's buffer was copied, not detached");
  });

  test('concurrent requests resolve by id', async () => {
    const [thumbs, patterns, released] = await Promise.all([
      client.thumbnails(3, 2),
      client.patterns(7, [{ layer: 1, head: 'mean' }]),
      client.releaseAnalysis(9),
    ]);
    assert.deepEqual([...thumbs.data], [3, 3, 3, 3]);
    assert.equal(patterns.selections[0].head, 'mean');
    assert.equal(released, null);
    assert.deepEqual(engine.released, [9]);
  });

  test('unknown request kind gets an error reply', async () => {
    const pending = client.request({ kind: 'explode' } as never);
    await assert.rejects(pending.result, /Unknown request kind "explode"/);
  });

  test('uncloneable request rejects at once', async () => {
    const pending = client.request({ kind: 'analyze', text: 'abc', maxTokens: 2, extra: () => 0 } as never);
    await assert.rejects(pending.result, (error: unknown) => error instanceof Error && error.name === 'DataCloneError');
    assert.equal(client.pendingCount, 0);
  });

  test('dispose rejects waiting and later requests', async () => {
    const pending = client.analyze('abc', 8);
    client.dispose(new WorkerStoppedError('The engine worker exited with code 1.'));
    await assert.rejects(pending.result, /exited with code 1/);
    await assert.rejects(client.thumbnails(1, 1).result, WorkerStoppedError);
  });
});
