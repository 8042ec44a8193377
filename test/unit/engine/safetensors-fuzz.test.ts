import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SafetensorsError } from '../../../src/engine/errors';
import { SafetensorsFile } from '../../../src/engine/safetensors';
import { Random } from '../helpers/random';
import { assemble, writeSafetensors } from '../helpers/safetensors-writer';

const ITERATIONS = 4000;
const SEED = 20261204;

const valid = writeSafetensors(
  [
    { name: 'wte.weight', dtype: 'F32', shape: [4, 3], values: Array.from({ length: 12 }, (_, i) => i / 4) },
    { name: 'h.0.attn.c_attn.weight', dtype: 'F16', shape: [3, 2], values: [1, -1, 0.5, 2, -0.25, 0] },
    { name: 'h.0.ln_1.bias', dtype: 'BF16', shape: [3], values: [1, 2, 3] },
    { name: 'position_ids', dtype: 'I64', shape: [2], values: [0, 1] },
  ],
  { format: 'pt' },
);
const headerLength = Number(new DataView(valid.buffer).getBigUint64(0, true));
const headerJson = JSON.parse(new TextDecoder().decode(valid.subarray(8, 8 + headerLength))) as Record<string, Record<string, unknown>>;
const dataSection = valid.subarray(8 + headerLength);

const oddValues: unknown[] = [
  -1, 0, 1, 3, 1.5, -0.5, 2 ** 31, 2 ** 53, 2 ** 64, 1e308, NaN, null, true, '4', [], [1], [0, 2 ** 60], {}, 'F32', 'F17', '__proto__',
];

function flipBytes(random: Random): Uint8Array {
  const bytes = valid.slice();
  const flips = 1 + random.integer(4);
  for (let i = 0; i < flips; i++) {
    // Aim most flips at the length field and the header, where the parsing happens.
    const limit = random.next() < 0.8 ? 8 + headerLength : bytes.length;
    bytes[random.integer(limit)] ^= 1 << random.integer(8);
  }
  return bytes;
}

function truncate(random: Random): Uint8Array {
  return valid.slice(0, random.integer(valid.length));
}

function changeLength(random: Random): Uint8Array {
  const bytes = valid.slice();
  const view = new DataView(bytes.buffer);
  const choice = random.integer(3);
  if (choice === 0) view.setBigUint64(0, BigInt(headerLength + random.integer(41) - 20), true);
  else if (choice === 1) view.setBigUint64(0, BigInt(random.integer(2 ** 31)) * BigInt(1 + random.integer(2 ** 20)), true);
  else view.setUint32(4 * random.integer(2), random.integer(2 ** 32), true);
  return bytes;
}

function editJson(random: Random): Uint8Array {
  const header = structuredClone(headerJson) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((key) => key !== '__metadata__');
  const name = random.next() < 0.1 ? '__metadata__' : random.pick(names);
  if (name === '__metadata__') {
    header.__metadata__ = { format: random.pick(oddValues) };
    return assemble(header, dataSection);
  }
  const edit = random.integer(6);
  if (edit === 0) header[name].dtype = random.pick(['F32', 'F16', 'BF16', 'I64', 'U8', 'F64', 'X', 7, null]);
  else if (edit === 1) header[name].shape = Array.from({ length: random.integer(4) }, () => random.pick(oddValues));
  else if (edit === 2) header[name].data_offsets = [random.pick(oddValues), random.pick(oddValues)];
  else if (edit === 3) (header[name].data_offsets as unknown[])[random.integer(2)] = random.integer(200);
  else if (edit === 4) delete header[name][random.pick(['dtype', 'shape', 'data_offsets'])];
  else (header as Record<string, unknown>)[name] = random.pick(oddValues);
  return assemble(header, dataSection, 1 + random.integer(8));
}

test('header mutations end in SafetensorsError or success', { timeout: 20_000 }, () => {
  const random = new Random(SEED);
  const mutations = [flipBytes, truncate, changeLength, editJson];
  const outcomes = { parsed: 0, rejected: 0 };
  const started = performance.now();

  for (let i = 0; i < ITERATIONS; i++) {
    const mutation = mutations[i % mutations.length];
    const bytes = mutation(random);
    try {
      const file = SafetensorsFile.parse(bytes, 'fuzz.safetensors');
      for (const name of file.names()) {
        const entry = file.entry(name);
        assert.ok(entry !== undefined, `iteration ${i}: entry ${name} is listed but missing`);
        assert.ok(entry.end <= bytes.length, `iteration ${i}: entry ${name} is outside the file`);
        try {
          assert.equal(file.readFloat32(name).length, entry.elementCount);
        } catch (error) {
          if (!(error instanceof SafetensorsError)) throw error;
        }
      }
      outcomes.parsed++;
    } catch (error) {
      if (!(error instanceof SafetensorsError)) {
        assert.fail(`iteration ${i} (${mutation.name}, seed ${SEED}) threw ${String(error)}`);
      }
      assert.equal(error.file, 'fuzz.safetensors');
      outcomes.rejected++;
    }
  }

  const elapsed = performance.now() - started;
  assert.ok(outcomes.rejected > ITERATIONS / 4, `only ${outcomes.rejected} mutations were rejected`);
  assert.ok(outcomes.parsed > 0, 'no mutation parsed; the mutations are too coarse to test success paths');
  assert.ok(elapsed < 10_000, `fuzzing took ${elapsed.toFixed(0)} ms`);
});
