import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Checkpoint, folderFromFiles } from '../../../src/engine/checkpoint';
import { MissingTensorError, SafetensorsError } from '../../../src/engine/errors';
import { writeSafetensors } from '../helpers/safetensors-writer';

const encoder = new TextEncoder();

function singleFileFolder(): ReturnType<typeof folderFromFiles> {
  const bytes = writeSafetensors([
    { name: 'transformer.wte.weight', dtype: 'F32', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
    { name: 'transformer.h.0.ln_1.weight', dtype: 'F16', shape: [2], values: [0.5, 1] },
    { name: 'transformer.h.0.ln_1.bias', dtype: 'F16', shape: [2], values: [0, -1] },
    { name: 'transformer.h.1.ln_1.weight', dtype: 'F16', shape: [2], values: [2, 4] },
  ]);
  return folderFromFiles('tiny', [{ name: 'model.safetensors', bytes }]);
}

function shardedFolder(options: { dropShard?: string; extraMapEntry?: boolean } = {}): ReturnType<typeof folderFromFiles> {
  const first = writeSafetensors([{ name: 'embed.weight', dtype: 'BF16', shape: [2, 2], values: [1, 2, 3, 4] }]);
  const second = writeSafetensors([
    { name: 'layers.0.weight', dtype: 'BF16', shape: [2], values: [5, 6] },
    { name: 'norm.weight', dtype: 'F32', shape: [2], values: [7, 8] },
  ]);
  const weightMap: Record<string, string> = {
    'embed.weight': 'model-00001-of-00002.safetensors',
    'layers.0.weight': 'model-00002-of-00002.safetensors',
    'norm.weight': 'model-00002-of-00002.safetensors',
  };
  if (options.extraMapEntry) weightMap['lm_head.weight'] = 'model-00001-of-00002.safetensors';
  const files = [
    { name: 'model.safetensors.index.json', bytes: encoder.encode(JSON.stringify({ metadata: { total_size: 32 }, weight_map: weightMap })) },
    { name: 'model-00001-of-00002.safetensors', bytes: first },
    { name: 'model-00002-of-00002.safetensors', bytes: second },
  ].filter((file) => file.name !== options.dropShard);
  return folderFromFiles('sharded', files);
}

describe('Checkpoint single file', () => {
  test('lists tensors, counts parameters and picks the main dtype', () => {
    const checkpoint = Checkpoint.open(singleFileFolder());
    assert.equal(checkpoint.names().length, 4);
    assert.equal(checkpoint.parameterCount, 12);
    // F32 and F16 have 6 elements each, and a tie goes to the first in F32, F16, BF16 order.
    assert.equal(checkpoint.dtype, 'F32');
    assert.ok(checkpoint.has('transformer.wte.weight'));
    assert.deepEqual(checkpoint.info('transformer.h.0.ln_1.weight'), { dtype: 'F16', shape: [2], file: 'model.safetensors' });
  });

  test('reads a tensor with the expected shape', () => {
    const tensor = Checkpoint.open(singleFileFolder()).tensor('transformer.wte.weight', [3, 2]);
    assert.deepEqual(tensor.shape, [3, 2]);
    assert.deepEqual([...tensor.data], [1, 2, 3, 4, 5, 6]);
  });

  test('converts F16 tensors to float32', () => {
    const tensor = Checkpoint.open(singleFileFolder()).tensor('transformer.h.1.ln_1.weight');
    assert.deepEqual([...tensor.data], [2, 4]);
  });

  test('missing tensor is named with similar names', () => {
    const checkpoint = Checkpoint.open(singleFileFolder());
    assert.throws(
      () => checkpoint.tensor('transformer.h.2.ln_1.weight'),
      (error: unknown) => {
        assert.ok(error instanceof MissingTensorError);
        assert.equal(error.name, 'MissingTensorError');
        assert.equal(error.tensor, 'transformer.h.2.ln_1.weight');
        assert.equal(error.file, 'model.safetensors');
        assert.match(error.message, /Tensor "transformer\.h\.2\.ln_1\.weight" was not found in model\.safetensors/);
        assert.match(error.message, /Similar names: "transformer\.h\.0\.ln_1\.weight", "transformer\.h\.1\.ln_1\.weight"/);
        return true;
      },
    );
  });

  test('missing tensor with nothing similar has no hint', () => {
    const checkpoint = Checkpoint.open(singleFileFolder());
    assert.throws(() => checkpoint.info('lm_head.weight'), (error: unknown) => {
      assert.ok(error instanceof MissingTensorError);
      assert.doesNotMatch(error.message, /Similar names/);
      return true;
    });
  });

  test('shape mismatch names both shapes', () => {
    const checkpoint = Checkpoint.open(singleFileFolder());
    assert.throws(
      () => checkpoint.tensor('transformer.wte.weight', [2, 3]),
      (error: unknown) => {
        assert.ok(error instanceof SafetensorsError);
        assert.equal(error.tensor, 'transformer.wte.weight');
        assert.match(error.message, /expected shape \[2, 3\] .* has \[3, 2\]/);
        return true;
      },
    );
  });

  test('folder without weights', () => {
    const folder = folderFromFiles('empty', [{ name: 'pytorch_model.bin', bytes: new Uint8Array(4) }]);
    assert.throws(() => Checkpoint.open(folder), (error: unknown) => {
      assert.ok(error instanceof SafetensorsError);
      assert.match(error.message, /"empty" has neither model\.safetensors nor model\.safetensors\.index\.json/);
      assert.match(error.message, /convert them to safetensors/);
      return true;
    });
  });

  test('checkpoint without tensors', () => {
    const folder = folderFromFiles('none', [{ name: 'model.safetensors', bytes: writeSafetensors([], { format: 'pt' }) }]);
    assert.throws(() => Checkpoint.open(folder), /contains no tensors/);
  });
});

describe('Checkpoint sharded', () => {
  test('reads tensors across shards', () => {
    const checkpoint = Checkpoint.open(shardedFolder());
    assert.deepEqual(checkpoint.names().sort(), ['embed.weight', 'layers.0.weight', 'norm.weight']);
    assert.equal(checkpoint.parameterCount, 8);
    assert.equal(checkpoint.dtype, 'BF16');
    assert.equal(checkpoint.info('norm.weight').file, 'model-00002-of-00002.safetensors');
    assert.deepEqual([...checkpoint.tensor('embed.weight', [2, 2]).data], [1, 2, 3, 4]);
    assert.deepEqual([...checkpoint.tensor('norm.weight').data], [7, 8]);
  });

  test('missing shard is named', () => {
    assert.throws(
      () => Checkpoint.open(shardedFolder({ dropShard: 'model-00002-of-00002.safetensors' })),
      (error: unknown) => {
        assert.ok(error instanceof SafetensorsError);
        assert.equal(error.file, 'model-00002-of-00002.safetensors');
        assert.match(error.message, /listed in model\.safetensors\.index\.json but is missing from "sharded"/);
        return true;
      },
    );
  });

  test('tensor in the map but not in its shard', () => {
    assert.throws(
      () => Checkpoint.open(shardedFolder({ extraMapEntry: true })),
      (error: unknown) => {
        assert.ok(error instanceof SafetensorsError);
        assert.equal(error.tensor, 'lm_head.weight');
        assert.equal(error.file, 'model-00001-of-00002.safetensors');
        assert.match(error.message, /the shard does not contain it/);
        return true;
      },
    );
  });

  test('index without weight_map', () => {
    const folder = folderFromFiles('bad', [{ name: 'model.safetensors.index.json', bytes: encoder.encode('{"metadata": {}}') }]);
    assert.throws(() => Checkpoint.open(folder), /no "weight_map" object/);
  });

  test('index that is not JSON', () => {
    const folder = folderFromFiles('bad', [{ name: 'model.safetensors.index.json', bytes: encoder.encode('{weight_map') }]);
    assert.throws(() => Checkpoint.open(folder), (error: unknown) => error instanceof SafetensorsError && /not valid UTF-8 JSON/.test(error.message));
  });

  test('missing tensor names the index', () => {
    assert.throws(() => Checkpoint.open(shardedFolder()).tensor('lm_head.weight'), (error: unknown) => {
      assert.ok(error instanceof MissingTensorError);
      assert.equal(error.file, 'model.safetensors.index.json');
      return true;
    });
  });
});
