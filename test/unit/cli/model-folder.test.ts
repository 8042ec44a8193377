import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { ModelError, readModelFolder } from '../../../src/cli/model-folder';

describe('readModelFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'model-folder-'));
  const model = join(root, 'tiny-model');
  mkdirSync(join(model, 'nested'), { recursive: true });
  writeFileSync(join(model, 'config.json'), '{"model_type": "gpt2"}');
  writeFileSync(join(model, 'tokenizer.json'), '{}');
  writeFileSync(join(model, 'model.safetensors'), '');
  writeFileSync(join(root, 'secret.txt'), 'outside');

  after(() => rmSync(root, { recursive: true, force: true }));

  test('lists and reads files', () => {
    const folder = readModelFolder(model);
    assert.equal(folder.name, 'tiny-model');
    assert.deepEqual(folder.fileNames().sort(), ['config.json', 'model.safetensors', 'tokenizer.json']);
    assert.equal(new TextDecoder().decode(folder.read('config.json')), '{"model_type": "gpt2"}');
  });

  test('unknown and outside names read as missing', () => {
    const folder = readModelFolder(model);
    assert.equal(folder.read('tokenizer_config.json'), undefined);
    assert.equal(folder.read('../secret.txt'), undefined);
    assert.equal(folder.read('nested'), undefined);
  });

  test('missing folder', () => {
    assert.throws(() => readModelFolder(join(root, 'absent')), (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.equal(error.message.split('. ')[0], `The model folder ${join(root, 'absent')} was not found`);
      return true;
    });
  });

  test('file instead of folder', () => {
    assert.throws(() => readModelFolder(join(model, 'config.json')), /is a file, not a folder/);
  });

  test('folder without the model files', () => {
    const empty = join(root, 'empty-model');
    mkdirSync(empty);
    assert.throws(() => readModelFolder(empty), (error: unknown) => {
      assert.ok(error instanceof ModelError);
      assert.match(error.message, new RegExp(`^The model folder ${empty} is missing config\\.json, tokenizer\\.json and model\\.safetensors\\. `));
      return true;
    });
  });

  test('sharded index stands in for model.safetensors', () => {
    const sharded = join(root, 'sharded-model');
    mkdirSync(sharded);
    for (const name of ['config.json', 'tokenizer.json', 'model.safetensors.index.json']) writeFileSync(join(sharded, name), '{}');
    assert.equal(readModelFolder(sharded).name, 'sharded-model');
    rmSync(join(sharded, 'tokenizer.json'));
    assert.throws(() => readModelFolder(sharded), /is missing tokenizer\.json\. /);
  });
});
