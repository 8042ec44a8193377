import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SafetensorsError } from '../../../src/engine/errors';
import { MAX_HEADER_BYTES, SafetensorsFile } from '../../../src/engine/safetensors';
import { assemble, concat, encodeValues, writeSafetensors } from '../helpers/safetensors-writer';

const FILE = 'model.safetensors';

function assertSafetensorsError(run: () => unknown, pattern: RegExp, tensor?: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SafetensorsError, `expected SafetensorsError, got ${String(error)}`);
    assert.equal(error.name, 'SafetensorsError');
    assert.equal(error.file, FILE);
    assert.equal(error.tensor, tensor);
    assert.match(error.message, new RegExp(FILE.replace('.', '\\.')));
    assert.match(error.message, pattern);
    return true;
  });
}

describe('safetensors round trips', () => {
  test('F32 values read back exactly', () => {
    const values = [0, -0, 1.5, -2.25, 3.4028234663852886e38, 2 ** -149, Infinity, -Infinity];
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 4], values }]), FILE);
    assert.deepEqual([...file.readFloat32('w')], values);
    assert.deepEqual(file.entry('w')?.shape, [2, 4]);
  });

  test('F32 NaN reads back as NaN', () => {
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], values: [NaN] }]), FILE);
    assert.ok(Number.isNaN(file.readFloat32('w')[0]));
  });

  test('F16 normals, subnormals, infinities and NaN', () => {
    const values = [0, -0, 1, -1, 0.5, 65504, -65504, 2 ** -14, 2 ** -24, -(2 ** -24), 3 * 2 ** -24, 1023 * 2 ** -24, 1.0009765625, Infinity, -Infinity];
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'h', dtype: 'F16', shape: [values.length], values }]), FILE);
    const read = file.readFloat32('h');
    assert.deepEqual([...read], values);
    assert.ok(Object.is(read[1], -0), 'negative zero keeps its sign');
  });

  test('F16 NaN patterns read as NaN', () => {
    const raw = new Uint8Array(new Uint16Array([0x7e00, 0x7c01, 0xfe00]).buffer);
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'h', dtype: 'F16', shape: [3], raw }]), FILE);
    for (const value of file.readFloat32('h')) assert.ok(Number.isNaN(value));
  });

  test('BF16 normals, subnormals, infinities and NaN', () => {
    const values = [0, -0, 1, -3.5, 2 ** -126, 2 ** -133, -(2 ** -130), 3.3895313892515355e38, 1.0078125, Infinity, -Infinity];
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'b', dtype: 'BF16', shape: [values.length], values }]), FILE);
    const read = file.readFloat32('b');
    assert.deepEqual([...read], values);
    assert.ok(Object.is(read[1], -0), 'negative zero keeps its sign');
    const nan = SafetensorsFile.parse(writeSafetensors([{ name: 'n', dtype: 'BF16', shape: [1], values: [NaN] }]), FILE);
    assert.ok(Number.isNaN(nan.readFloat32('n')[0]));
  });

  test('unaligned F32 and F16 offsets are copied', () => {
    // A 1-byte U8 tensor first pushes the next tensors to odd offsets.
    const f32 = encodeValues('F32', [1.25, -7, 42]);
    const f16 = encodeValues('F16', [0.5, -2]);
    const data = concat([new Uint8Array([9]), f32, f16]);
    const header = {
      pad: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
      a: { dtype: 'F32', shape: [3], data_offsets: [1, 13] },
      b: { dtype: 'F16', shape: [2], data_offsets: [13, 17] },
    };
    const file = SafetensorsFile.parse(assemble(header, data), FILE);
    assert.deepEqual([...file.readFloat32('a')], [1.25, -7, 42]);
    assert.deepEqual([...file.readFloat32('b')], [0.5, -2]);
  });

  test('bytes inside a larger buffer', () => {
    const inner = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], values: [3, 4] }]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 3);
    const file = SafetensorsFile.parse(outer.subarray(3, 3 + inner.length), FILE);
    assert.deepEqual([...file.readFloat32('w')], [3, 4]);
  });

  test('metadata, scalars and empty tensors', () => {
    const bytes = writeSafetensors(
      [
        { name: 'scalar', dtype: 'F32', shape: [], values: [7] },
        { name: 'empty', dtype: 'F32', shape: [0, 5], values: [] },
      ],
      { format: 'pt' },
    );
    const file = SafetensorsFile.parse(bytes, FILE);
    assert.deepEqual(file.metadata, { format: 'pt' });
    assert.deepEqual(file.names().sort(), ['empty', 'scalar']);
    assert.deepEqual([...file.readFloat32('scalar')], [7]);
    assert.equal(file.readFloat32('empty').length, 0);
  });
});

describe('safetensors invalid files', () => {
  const valid = writeSafetensors([
    { name: 'a', dtype: 'F32', shape: [2, 2], values: [1, 2, 3, 4] },
    { name: 'b', dtype: 'F32', shape: [3], values: [5, 6, 7] },
  ]);

  test('file shorter than the length field', () => {
    assertSafetensorsError(() => SafetensorsFile.parse(valid.subarray(0, 5), FILE), /truncated/);
  });

  test('truncated data section', () => {
    assertSafetensorsError(() => SafetensorsFile.parse(valid.subarray(0, valid.length - 1), FILE), /reach past the \d+-byte data section/, 'b');
  });

  test('header length larger than the file', () => {
    const bytes = valid.slice();
    new DataView(bytes.buffer).setBigUint64(0, BigInt(valid.length), true);
    assertSafetensorsError(() => SafetensorsFile.parse(bytes, FILE), /header length \d+ is larger than/);
  });

  test('header length above the limit', () => {
    const bytes = valid.slice();
    new DataView(bytes.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
    assertSafetensorsError(() => SafetensorsFile.parse(bytes, FILE), /exceeds the limit/);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    assertSafetensorsError(() => SafetensorsFile.parse(bytes, FILE), /exceeds the limit/);
  });

  test('header that is not JSON', () => {
    const bytes = assemble({}, new Uint8Array());
    bytes.set(new TextEncoder().encode('{x'), 8);
    assertSafetensorsError(() => SafetensorsFile.parse(bytes, FILE), /not valid JSON/);
  });

  test('header that is not UTF-8', () => {
    const bytes = assemble({ a: 'xx' }, new Uint8Array());
    bytes[14] = 0xff;
    assertSafetensorsError(() => SafetensorsFile.parse(bytes, FILE), /not valid UTF-8/);
  });

  test('header that is a JSON array', () => {
    assertSafetensorsError(() => SafetensorsFile.parse(assemble([1, 2], new Uint8Array()), FILE), /not a JSON object/);
  });

  test('overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(12)), FILE), /overlap those of tensor "a"/, 'b');
  });

  test('shape not matching the bytes', () => {
    const header = { a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } };
    assertSafetensorsError(
      () => SafetensorsFile.parse(assemble(header, new Uint8Array(16)), FILE),
      /shape \[2, 3\] of F32 needs 24 bytes, but "data_offsets" \[0, 16\] span 16/,
      'a',
    );
  });

  test('huge shape product', () => {
    const header = { a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 2 ** 40], data_offsets: [0, 16] } };
    assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(16)), FILE), /needs/, 'a');
  });

  test('negative or fractional shape', () => {
    for (const shape of [[-1], [1.5], ['2'], 3]) {
      const header = { a: { dtype: 'F32', shape, data_offsets: [0, 4] } };
      assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(4)), FILE), /"shape" must be/, 'a');
    }
  });

  test('begin after end', () => {
    const header = { a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } };
    assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(8)), FILE), /begin 8 is after end 4/, 'a');
  });

  test('malformed data_offsets', () => {
    for (const offsets of [[0], [0, 4, 8], [-4, 0], null]) {
      const header = { a: { dtype: 'F32', shape: [1], data_offsets: offsets } };
      assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(4)), FILE), /"data_offsets" must be/, 'a');
    }
  });

  test('unknown dtype names tensor and dtype', () => {
    const header = { 'layer.0.w': { dtype: 'F12', shape: [1], data_offsets: [0, 2] } };
    assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(2)), FILE), /unknown dtype "F12"/, 'layer.0.w');
  });

  test('missing dtype', () => {
    const header = { a: { shape: [1], data_offsets: [0, 4] } };
    assertSafetensorsError(() => SafetensorsFile.parse(assemble(header, new Uint8Array(4)), FILE), /"dtype" is missing/, 'a');
  });

  test('integer dtype read as weights', () => {
    const file = SafetensorsFile.parse(writeSafetensors([{ name: 'ids', dtype: 'I64', shape: [2], values: [1, 2] }]), FILE);
    assert.equal(file.entry('ids')?.dtype, 'I64');
    assertSafetensorsError(() => file.readFloat32('ids'), /dtype I64 cannot be read as weights/, 'ids');
  });

  test('metadata that is not a string map', () => {
    assertSafetensorsError(() => SafetensorsFile.parse(assemble({ __metadata__: { a: 1 } }, new Uint8Array()), FILE), /"__metadata__.a" is not a string/);
  });

  test('entry that is not an object', () => {
    assertSafetensorsError(() => SafetensorsFile.parse(assemble({ a: 5 }, new Uint8Array()), FILE), /not a JSON object/, 'a');
  });
});
