import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headPattern } from '../../../src/engine/attention';
import { Checkpoint, type ModelFolder } from '../../../src/engine/checkpoint';
import { parseModelConfig } from '../../../src/engine/config';
import { Engine } from '../../../src/engine/engine';
import {
  CancelledError, ConfigError, InputError, MissingTensorError, SafetensorsError, TokenizerError,
} from '../../../src/engine/errors';
import { createModel } from '../../../src/engine/models/index';
import { TokenFlag } from '../../../src/protocol';
import { maxAbsDiff, readModelFolder } from './model-fixtures';

const TEXT = 'Hello world, 😀 the cat sat.';

/** The fixture folder with some files replaced (a Uint8Array or JSON value) or removed (null). */
function modifiedFolder(name: string, changes: Record<string, unknown>): ModelFolder {
  const base = readModelFolder(name);
  const encode = (value: unknown) => (value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value)));
  return {
    name,
    fileNames: () => base.fileNames().filter((file) => changes[file] !== null),
    read: (file) => {
      if (!(file in changes)) return base.read(file);
      return changes[file] === null ? undefined : encode(changes[file]);
    },
  };
}

function fixtureConfig(name: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(readModelFolder(name).read('config.json'))) as Record<string, unknown>;
}

/** An engine on the TypeScript kernels, so its patterns equal a direct forward pass bit for bit. */
async function loadedEngine(name: string): Promise<Engine> {
  const engine = new Engine({ kernels: 'typescript' });
  await engine.loadModel(readModelFolder(name));
  return engine;
}

describe('Engine.loadModel', () => {
  it('describes each fixture model', async () => {
    const expectations = [
      ['gpt2', 'gpt2', true, 'F32'], ['gpt2-f16', 'gpt2', true, 'F16'], ['llama', 'llama', true, 'F32'],
      ['llama-bf16', 'llama', true, 'BF16'], ['qwen2', 'qwen2', true, 'F32'], ['mistral', 'mistral', true, 'F32'],
      ['bert', 'bert', false, 'F32'],
    ] as const;
    for (const [name, modelType, causal, dtype] of expectations) {
      const info = await new Engine().loadModel(readModelFolder(name));
      assert.equal(info.name, name);
      assert.equal(info.modelType, modelType);
      assert.equal(info.causal, causal);
      assert.equal(info.dtype, dtype);
      assert.ok(info.parameterCount > 10_000, `${name} has ${info.parameterCount} parameters`);
    }
    const mistral = await new Engine().loadModel(readModelFolder('mistral'));
    assert.equal(mistral.slidingWindow, 8);
    assert.equal(mistral.kvHeads, 1);
  });

  it('reports progress from 0 to 1', async () => {
    const fractions: number[] = [];
    await new Engine().loadModel(readModelFolder('bert'), (_stage, fraction) => fractions.push(fraction));
    assert.equal(fractions[0], 0);
    assert.equal(fractions.at(-1), 1);
  });

  it('missing config.json is a ConfigError', async () => {
    await assert.rejects(new Engine().loadModel(modifiedFolder('gpt2', { 'config.json': null })), ConfigError);
  });

  it('invalid JSON in config.json is a ConfigError', async () => {
    const folder = modifiedFolder('gpt2', { 'config.json': new TextEncoder().encode('{"model_type": ') });
    await assert.rejects(new Engine().loadModel(folder), (error: unknown) => error instanceof ConfigError && /not valid JSON/.test(error.message));
  });

  it('unknown model_type is a ConfigError listing supported types', async () => {
    const folder = modifiedFolder('gpt2', { 'config.json': { ...fixtureConfig('gpt2'), model_type: 't5' } });
    await assert.rejects(new Engine().loadModel(folder), (error: unknown) => error instanceof ConfigError && /gpt2, llama/.test(error.message));
  });

  it('missing tokenizer.json is a TokenizerError', async () => {
    await assert.rejects(new Engine().loadModel(modifiedFolder('llama', { 'tokenizer.json': null })), TokenizerError);
  });

  it('a tokenizer larger than the vocabulary is a TokenizerError', async () => {
    const folder = modifiedFolder('mistral', { 'tokenizer.json': readModelFolder('mistral').read('tokenizer.json')!, 'config.json': { ...fixtureConfig('mistral'), vocab_size: 100 } });
    await assert.rejects(new Engine().loadModel(folder), TokenizerError);
  });

  it('a layer missing from the checkpoint is a MissingTensorError naming it', async () => {
    const folder = modifiedFolder('gpt2', { 'config.json': { ...fixtureConfig('gpt2'), n_layer: 3 } });
    await assert.rejects(new Engine().loadModel(folder), (error: unknown) => error instanceof MissingTensorError && error.tensor === 'h.2.ln_1.weight');
  });

  it('a qwen2 checkpoint without q_proj biases is a MissingTensorError', async () => {
    const folder = modifiedFolder('llama', { 'config.json': { ...fixtureConfig('llama'), model_type: 'qwen2', rope_scaling: null } });
    await assert.rejects(new Engine().loadModel(folder), (error: unknown) => error instanceof MissingTensorError && /q_proj\.bias/.test(error.tensor));
  });

  it('dimensions that do not match the weights are a SafetensorsError naming the tensor', async () => {
    const folder = modifiedFolder('bert', { 'config.json': { ...fixtureConfig('bert'), intermediate_size: 65 } });
    await assert.rejects(new Engine().loadModel(folder), (error: unknown) => error instanceof SafetensorsError && /intermediate\.dense\.weight/.test(error.tensor ?? ''));
  });

  it('a failed load keeps the previous model', async () => {
    const engine = await loadedEngine('gpt2');
    await assert.rejects(engine.loadModel(modifiedFolder('bert', { 'model.safetensors': null })), SafetensorsError);
    assert.equal(engine.modelInfo?.name, 'gpt2');
  });
});

describe('Engine.analyze', () => {
  for (const name of ['gpt2', 'llama', 'qwen2', 'mistral', 'bert', 'llama-bf16']) {
    it(`${name}: patterns equal a direct forward pass on the tokenizer's ids`, async () => {
      const engine = await loadedEngine(name);
      const summary = await engine.analyze(TEXT, 512);
      assert.equal(summary.droppedTokens, 0);
      assert.equal(summary.analysedLength, TEXT.length);
      assert.ok(summary.timings.forwardMs >= 0);
      assert.ok(summary.timings.tokenizeMs >= 0);

      const folder = readModelFolder(name);
      const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
      const direct = await createModel(config, Checkpoint.open(folder)).forward(summary.tokens.ids);
      const n = summary.tokens.count;
      const selections = [{ layer: config.layers - 1, head: config.heads - 1 }, { layer: 0, head: 0 }];
      const block = engine.patterns(summary.analysisId, selections);
      assert.equal(block.tokenCount, n);
      for (const [index, selection] of selections.entries()) {
        const expected = new Float32Array(n * n);
        headPattern(direct.attention, selection.layer, selection.head as number, expected);
        assert.deepEqual(block.data.subarray(index * n * n, (index + 1) * n * n), expected);
      }
    });
  }

  it('empty text is an InputError that says so', async () => {
    const engine = await loadedEngine('gpt2');
    await assert.rejects(engine.analyze('', 100), (error: unknown) => error instanceof InputError && /empty/.test(error.message));
  });

  it('analysing before loading a model is an InputError', async () => {
    await assert.rejects(new Engine().analyze('text', 100), (error: unknown) => error instanceof InputError && /No model is loaded/.test(error.message));
  });

  it('maxTokens that is not a positive integer is an InputError', async () => {
    const engine = await loadedEngine('gpt2');
    await assert.rejects(engine.analyze('text', 0), InputError);
    await assert.rejects(engine.analyze('text', 1.5), InputError);
  });

  it('long text is cut to maxTokens and the dropped count reported', async () => {
    const engine = await loadedEngine('gpt2');
    const full = await engine.analyze(TEXT, 512);
    const cut = await engine.analyze(TEXT, 5);
    assert.equal(cut.tokens.count, 5);
    assert.equal(cut.droppedTokens, full.tokens.count - 5);
    assert.equal(cut.analysedLength, cut.tokens.ends[4]);
    assert.deepEqual(Array.from(cut.tokens.ids), Array.from(full.tokens.ids.subarray(0, 5)));
  });

  it('a cut never splits a character into byte tokens', async () => {
    const engine = await loadedEngine('gpt2');
    const full = await engine.analyze(TEXT, 512);
    const firstByte = Array.from(full.tokens.flags).findIndex((flags) => (flags & TokenFlag.PartialCharacter) !== 0);
    assert.ok(firstByte > 0, 'the emoji is split into byte tokens');
    const cut = await engine.analyze(TEXT, firstByte + 2); // room for part of the emoji only
    assert.ok(cut.tokens.count <= firstByte + 2);
    assert.equal(cut.analysedLength, TEXT.indexOf('😀'));
    assert.ok(Array.from(cut.tokens.flags).every((flags) => (flags & TokenFlag.PartialCharacter) === 0));
    assert.equal(cut.droppedTokens, full.tokens.count - cut.tokens.count);
  });

  it('bert keeps [SEP] at the end of cut text', async () => {
    const engine = await loadedEngine('bert');
    const full = await engine.analyze(TEXT, 512);
    const cut = await engine.analyze(TEXT, 6);
    assert.equal(cut.tokens.count, 6);
    assert.equal(cut.tokens.labels.at(-1), '[SEP]');
    assert.equal(cut.tokens.labels[0], '[CLS]');
    assert.equal(cut.droppedTokens, full.tokens.count - 6);
  });

  it('bert with room for its special tokens only is an InputError', async () => {
    const engine = await loadedEngine('bert');
    await assert.rejects(engine.analyze(TEXT, 2), (error: unknown) => error instanceof InputError && /too small/.test(error.message));
  });

  it('text longer than the maximum positions is cut to them', async () => {
    const engine = await loadedEngine('gpt2'); // n_positions 64
    const text = 'the cat sat on the mat. '.repeat(20);
    const summary = await engine.analyze(text, 10_000);
    assert.ok(summary.tokens.count <= 64, `${summary.tokens.count} tokens`);
    assert.ok(summary.tokens.count >= 60, `${summary.tokens.count} tokens`);
    assert.ok(summary.droppedTokens > 0);
    assert.ok(summary.analysedLength < text.length);
  });

  it('cancellation throws CancelledError and stores nothing', async () => {
    const engine = await loadedEngine('mistral');
    await assert.rejects(engine.analyze(TEXT, 512, { isCancelled: () => true }), CancelledError);
    const next = await engine.analyze(TEXT, 512);
    assert.equal(next.analysisId, 1, 'the cancelled analysis took no id');
  });

  it('progress comes once per layer', async () => {
    const engine = await loadedEngine('mistral');
    const stages: string[] = [];
    await engine.analyze(TEXT, 512, { onProgress: (stage) => stages.push(stage) });
    assert.deepEqual(stages, ['Layer 1 of 3', 'Layer 2 of 3', 'Layer 3 of 3', 'Done']);
  });

  it('overlapping analyses both finish with their own results', async () => {
    const engine = await loadedEngine('llama');
    const [first, second] = await Promise.all([engine.analyze(TEXT, 512), engine.analyze('the cat', 512)]);
    assert.notEqual(first.tokens.count, second.tokens.count);
    const fresh = await loadedEngine('llama');
    const selection = [{ layer: 1, head: 2 }];
    for (const [summary, text] of [[first, TEXT], [second, 'the cat']] as const) {
      const alone = await fresh.analyze(text, 512);
      assert.deepEqual(engine.patterns(summary.analysisId, selection).data, fresh.patterns(alone.analysisId, selection).data);
    }
  });
});

describe('Engine results', () => {
  it('predictions are the top softmax probabilities, best first', async () => {
    const engine = await loadedEngine('gpt2');
    const summary = await engine.analyze(TEXT, 512);
    for (const position of [0, summary.tokens.count - 1]) {
      const predictions = engine.predictions(summary.analysisId, position, 5);
      assert.equal(predictions.length, 5);
      for (let i = 1; i < 5; i++) assert.ok(predictions[i - 1].probability >= predictions[i].probability);
      assert.ok(predictions[0].probability > 0);
      assert.ok(predictions[0].probability < 1);
      assert.equal(typeof predictions[0].label, 'string');
    }
  });

  it('prediction probabilities over the whole vocabulary sum to 1', async () => {
    const engine = await loadedEngine('qwen2');
    const summary = await engine.analyze(TEXT, 512);
    const all = engine.predictions(summary.analysisId, 3, 1_000_000);
    assert.equal(all.length, 400);
    assert.ok(Math.abs(all.reduce((sum, p) => sum + p.probability, 0) - 1) < 1e-9);
  });

  it('predictions reject bad positions and encoders', async () => {
    const gpt2 = await loadedEngine('gpt2');
    const summary = await gpt2.analyze(TEXT, 512);
    assert.throws(() => gpt2.predictions(summary.analysisId, summary.tokens.count, 5), InputError);
    assert.throws(() => gpt2.predictions(summary.analysisId, 0, 0), InputError);
    const bert = await loadedEngine('bert');
    const bertSummary = await bert.analyze(TEXT, 512);
    assert.throws(() => bert.predictions(bertSummary.analysisId, 0, 5), (error: unknown) => error instanceof InputError && /no next-token predictions/.test(error.message));
  });

  it('thumbnails cover every layer and head', async () => {
    const engine = await loadedEngine('mistral');
    const summary = await engine.analyze(TEXT, 512);
    const block = engine.thumbnails(summary.analysisId, 8);
    assert.equal(block.layers, 3);
    assert.equal(block.heads, 4);
    assert.equal(block.size, 8);
    assert.equal(block.data.length, 3 * 4 * 8 * 8);
  });

  it('mean pattern rows sum to 1', async () => {
    const engine = await loadedEngine('llama');
    const summary = await engine.analyze(TEXT, 512);
    const n = summary.tokens.count;
    const block = engine.patterns(summary.analysisId, [{ layer: 1, head: 'mean' }]);
    for (let row = 0; row < n; row++) {
      const sum = block.data.subarray(row * n, (row + 1) * n).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6);
    }
  });

  it('a released analysis is gone', async () => {
    const engine = await loadedEngine('gpt2');
    const summary = await engine.analyze(TEXT, 512);
    engine.releaseAnalysis(summary.analysisId);
    assert.throws(() => engine.patterns(summary.analysisId, [{ layer: 0, head: 0 }]), (error: unknown) => error instanceof InputError && /not found/.test(error.message));
    assert.doesNotThrow(() => engine.releaseAnalysis(summary.analysisId));
  });

  it('loading another model releases the old analyses', async () => {
    const engine = await loadedEngine('gpt2');
    const summary = await engine.analyze(TEXT, 512);
    await engine.loadModel(readModelFolder('bert'));
    assert.throws(() => engine.thumbnails(summary.analysisId, 4), InputError);
  });
});
