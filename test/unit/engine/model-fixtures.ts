/**
 * Loads the PyTorch reference fixtures written by tools/make_fixtures.py:
 * a model folder from test/fixtures/models/<name>/ and its expected outputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFolder } from '../../../src/engine/checkpoint';

export const MODELS_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'models');

/** Every fixture model folder name, e.g. "gpt2", "llama-bf16". */
export function fixtureModelNames(): string[] {
  return readdirSync(MODELS_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** Reads the folder's files from disk, except the expected outputs. */
export function readModelFolder(name: string): ModelFolder {
  const directory = join(MODELS_DIR, name);
  const files = new Map<string, Uint8Array>();
  for (const fileName of readdirSync(directory)) {
    if (fileName.startsWith('expected.')) continue;
    files.set(fileName, new Uint8Array(readFileSync(join(directory, fileName))));
  }
  return { name, fileNames: () => [...files.keys()], read: (fileName) => files.get(fileName) };
}

export interface ExpectedCase {
  readonly ids: Int32Array;
  /** [layers, heads, n, n] */
  readonly attentions: { shape: number[]; data: Float32Array };
  /** [n, dModel] */
  readonly hidden: { shape: number[]; data: Float32Array };
  /** [n, vocab], absent for bert. */
  readonly logits?: { shape: number[]; data: Float32Array };
}

/**
 * Reads expected.safetensors. A deliberately small reader (F32 and I32 only)
 * so that the fixture check does not depend on the engine's own parser.
 */
export function readExpected(name: string): ExpectedCase[] {
  const bytes = readFileSync(join(MODELS_DIR, name, 'expected.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf-8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerLength;
  const tensor = (key: string) => {
    const entry = header[key];
    if (entry === undefined) return undefined;
    const [begin, end] = entry.data_offsets;
    const copy = bytes.buffer.slice(bytes.byteOffset + dataStart + begin, bytes.byteOffset + dataStart + end);
    if (entry.dtype === 'I32') return { shape: entry.shape, data: new Int32Array(copy) };
    if (entry.dtype !== 'F32') throw new Error(`${name}/expected.safetensors: ${key} has dtype ${entry.dtype}, expected F32.`);
    return { shape: entry.shape, data: new Float32Array(copy) };
  };
  const cases: ExpectedCase[] = [];
  for (let index = 0; header[`case${index}.ids`] !== undefined; index++) {
    const ids = tensor(`case${index}.ids`)!.data as Int32Array;
    const float = (key: string) => tensor(`case${index}.${key}`) as { shape: number[]; data: Float32Array } | undefined;
    cases.push({ ids, attentions: float('attentions')!, hidden: float('hidden')!, logits: float('logits') });
  }
  return cases;
}

/** Returns the largest |a[i] - b[i]|, Infinity for a NaN, and throws on a length mismatch. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} differs from ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}
