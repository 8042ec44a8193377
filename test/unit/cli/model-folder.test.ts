import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { readModelFolder } from '../../../src/cli/model-folder';
import { InputError } from '../../../src/engine/errors';

describe('readModelFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'model-folder-'));
  const model = join(root, 'tiny-model');
  mkdirSync(join(model, 'nested'), { recursive: true });
  writeFileSync(join(model, 'config.json'), '{"model_type": "gpt2"}');
  writeFileSync(join(root, 'secret.txt'), 'outside');

  after(() => rmSync(root, { recursive: true, force: true }));

  test('lists and reads files', () => {
    const folder = readModelFolder(model);
    assert.equal(folder.name, 'tiny-model');
    assert.deepEqual(folder.fileNames(), ['config.json']);
    assert.equal(new TextDecoder().decode(folder.read('config.json')), '{"model_type": "gpt2"}');
  });

  test('unknown and outside names read as missing', () => {
    const folder = readModelFolder(model);
    assert.equal(folder.read('tokenizer.json'), undefined);
    assert.equal(folder.read('../secret.txt'), undefined);
    assert.equal(folder.read('nested'), undefined);
  });

  test('missing folder', () => {
    assert.throws(() => readModelFolder(join(root, 'absent')), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /absent cannot be read/);
      return true;
    });
  });

  test('file instead of folder', () => {
    assert.throws(() => readModelFolder(join(model, 'config.json')), /is a file, not a folder/);
  });
});
