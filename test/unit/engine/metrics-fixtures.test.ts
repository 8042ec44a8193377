import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { Engine } from '../../../src/engine/engine';
import { DEFAULT_LABEL_THRESHOLDS, labelBits } from '../../../src/engine/headLabels';
import { METRIC_COUNT } from '../../../src/engine/metrics';
import { HEAD_LABELS, HEAD_METRIC_NAMES, type HeadMetricsTable } from '../../../src/protocol';
import { EngineClient } from '../../../src/worker/client';
import { nodePort } from '../../../src/worker/port';
import { serveEngine } from '../../../src/worker/serve';
import { Checkpoint } from '../../../src/engine/checkpoint';
import { parseModelConfig } from '../../../src/engine/config';
import { computeHeadMetrics } from '../../../src/engine/headMetrics';
import { patternMetrics } from '../../../src/engine/metrics';
import { createModel } from '../../../src/engine/models/index';
import { fixtureModelNames, readExpected, readModelFolder } from './model-fixtures';

const TEXT = 'the cat sat on the mat. the cat sat on the mat again, and the dog sat too.';

/** Metrics that are fractions of a row's weight, or normalised to 0..1. */
const UNIT_METRICS = ['entropy', 'previousToken', 'induction', 'inductionProbe', 'duplicateToken', 'sink', 'self'] as const;

function valueAt(table: HeadMetricsTable, layer: number, head: number, name: string): number {
  return table.data[(layer * table.heads + head) * table.metrics.length + table.metrics.indexOf(name as never)];
}

describe('head metrics against PyTorch attention', () => {
  for (const name of ['gpt2', 'mistral', 'bert']) {
    it(`${name}: metrics of the engine equal metrics of PyTorch's patterns`, async () => {
      const folder = readModelFolder(name);
      const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
      const model = createModel(config, Checkpoint.open(folder));
      const [expected] = readExpected(name);
      const result = await model.forward(expected.ids);
      const kept = result.attention;
      const n = kept.tokenCount;
      const data = await computeHeadMetrics(kept, expected.ids);
      const { firstVisibleKey, lastVisibleKey } = await import('../../../src/engine/attention');
      for (let layer = 0; layer < config.layers; layer++) {
        // Visible keys per layer, as the mask rule defines them (mistral has a sliding window).
        const visible = (query: number) => ({ first: firstVisibleKey(kept.mask, layer, query, n), last: lastVisibleKey(kept.mask, query, n) });
        for (let head = 0; head < config.heads; head++) {
          const offset = (layer * config.heads + head) * n * n;
          const reference = patternMetrics(expected.attentions.data.subarray(offset, offset + n * n), expected.ids, visible);
          for (let metric = 0; metric < METRIC_COUNT; metric++) {
            const a = data[(layer * config.heads + head) * METRIC_COUNT + metric];
            const b = reference[metric];
            // Distances are in tokens; the rest are fractions. Patterns agree to 1e-5 per weight.
            const tolerance = HEAD_METRIC_NAMES[metric] === 'distance' ? 1e-3 : 1e-4;
            assert.ok(Object.is(a, b) || Math.abs(a - b) < tolerance, `${name} L${layer}H${head} ${HEAD_METRIC_NAMES[metric]}: ${a} vs ${b}`);
          }
        }
      }
    });
  }
});

describe('Engine.metrics on the fixture models', () => {
  for (const name of fixtureModelNames()) {
    it(`${name}: shapes and ranges`, async () => {
      const engine = new Engine();
      const info = await engine.loadModel(readModelFolder(name));
      const summary = await engine.analyze(TEXT, 64);
      const table = await engine.metrics(summary.analysisId, DEFAULT_LABEL_THRESHOLDS);

      assert.equal(table.layers, info.layers);
      assert.equal(table.heads, info.heads);
      assert.equal(table.tokenCount, summary.tokens.count);
      assert.deepEqual(table.metrics, [...HEAD_METRIC_NAMES]);
      assert.equal(table.data.length, info.layers * info.heads * METRIC_COUNT);
      assert.equal(table.labels.length, info.layers * info.heads);
      assert.ok(table.probe, 'the fixtures have room for a probe');
      assert.ok(table.probe.length >= 2);

      for (let layer = 0; layer < table.layers; layer++) {
        for (let head = 0; head < table.heads; head++) {
          for (const metric of UNIT_METRICS) {
            const value = valueAt(table, layer, head, metric);
            assert.ok(value >= -1e-6, `${name} L${layer}H${head} ${metric} = ${value}`);
            assert.ok(value <= 1 + 1e-5, `${name} L${layer}H${head} ${metric} = ${value}`);
          }
          const distance = valueAt(table, layer, head, 'distance');
          assert.ok(distance >= 0, `distance ${distance}`);
          assert.ok(distance < table.tokenCount, `distance ${distance}`);
          const relative = valueAt(table, layer, head, 'relativeDistance');
          assert.ok(relative >= 0, `relative distance ${relative}`);
          assert.ok(Number.isFinite(relative), `relative distance ${relative}`);
          const index = layer * table.heads + head;
          assert.equal(table.labels[index], labelBits(table.data, index * METRIC_COUNT, table.thresholds));
          assert.ok(table.labels[index] < 1 << HEAD_LABELS.length);
        }
      }
    });
  }

  it('gives the same figures on a second request', async () => {
    const engine = new Engine();
    await engine.loadModel(readModelFolder('gpt2'));
    const summary = await engine.analyze(TEXT, 64);
    const first = await engine.metrics(summary.analysisId, DEFAULT_LABEL_THRESHOLDS);
    const second = await engine.metrics(summary.analysisId, { ...DEFAULT_LABEL_THRESHOLDS, sink: 0 });
    assert.deepEqual(second.data, first.data);
    assert.ok(second.labels.every((bits) => (bits & (1 << HEAD_LABELS.indexOf('sink'))) !== 0), 'a sink threshold of 0 labels every head');
  });

  it('rejects an unknown analysis', async () => {
    const engine = new Engine();
    await engine.loadModel(readModelFolder('gpt2'));
    await assert.rejects(engine.metrics(99, DEFAULT_LABEL_THRESHOLDS), { name: 'InputError' });
  });

  it('serves a metrics request through the worker protocol', async () => {
    const channel = new MessageChannel();
    const engine = new Engine();
    const stop = serveEngine(engine, nodePort(channel.port1));
    const client = new EngineClient(nodePort(channel.port2));
    try {
      const folder = readModelFolder('llama');
      await client.loadModel('llama', folder.fileNames().map((file) => ({ name: file, bytes: folder.read(file)! })));
      const summary = await client.analyze(TEXT, 32);
      const stages: string[] = [];
      const table = await client.request<'metrics'>(
        { kind: 'metrics', analysisId: summary.analysisId, thresholds: DEFAULT_LABEL_THRESHOLDS },
        (stage) => stages.push(stage),
      );
      assert.ok(table.data instanceof Float32Array);
      assert.ok(table.labels instanceof Uint8Array);
      assert.equal(table.data.length, table.layers * table.heads * table.metrics.length);
      assert.ok(stages.some((stage) => stage.startsWith('Head metrics')), stages.join(', '));
    } finally {
      client.dispose();
      stop();
      channel.port1.close();
      channel.port2.close();
    }
  });
});
