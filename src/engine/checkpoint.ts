/**
 * A model's weights: one `model.safetensors`, or shards listed by
 * `model.safetensors.index.json` (Hugging Face's layout for large checkpoints).
 */
import type { ModelFile } from '../protocol';
import { MissingTensorError, SafetensorsError } from './errors';
import { isFloatDtype, SafetensorsFile, type FloatDtype, type TensorEntry } from './safetensors';
import { elementCount, shapeToString, type Tensor } from './tensor';

export const SINGLE_FILE_NAME = 'model.safetensors';
export const INDEX_FILE_NAME = 'model.safetensors.index.json';

/**
 * The files of a Hugging Face model folder, already in memory. The extension
 * host reads them through `vscode.workspace.fs`, the command-line interface
 * from disk; the engine uses only this interface.
 */
export interface ModelFolder {
  /** Display name, e.g. the folder's base name. */
  readonly name: string;
  /** Paths relative to the folder, e.g. "config.json". */
  fileNames(): string[];
  /** Returns the file's bytes, or undefined when the folder has no such file. */
  read(name: string): Uint8Array | undefined;
}

/** Builds a ModelFolder from the files of a `loadModel` request. */
export function folderFromFiles(name: string, files: readonly ModelFile[]): ModelFolder {
  const byName = new Map(files.map((file) => [file.name, file.bytes]));
  return {
    name,
    fileNames: () => [...byName.keys()],
    read: (fileName) => byName.get(fileName),
  };
}

export interface TensorInfo {
  readonly dtype: FloatDtype | string;
  readonly shape: number[];
  /** The file that contains the tensor's bytes. */
  readonly file: string;
}

/** Every tensor of a checkpoint, across its shards, validated when opened. */
export class Checkpoint {
  /** Sum of every tensor's element count. */
  readonly parameterCount: number;
  /** The float dtype of most of the parameters, counted by elements. */
  readonly dtype: FloatDtype;

  private constructor(
    /** model.safetensors, or the index file of a sharded checkpoint. */
    readonly source: string,
    private readonly tensors: ReadonlyMap<string, { entry: TensorEntry; file: SafetensorsFile }>,
  ) {
    let parameters = 0;
    const byDtype: Record<FloatDtype, number> = { F32: 0, F16: 0, BF16: 0 };
    for (const { entry } of tensors.values()) {
      parameters += entry.elementCount;
      if (isFloatDtype(entry.dtype)) byDtype[entry.dtype] += entry.elementCount;
    }
    this.parameterCount = parameters;
    this.dtype = (['F32', 'F16', 'BF16'] as const).reduce((best, dtype) => (byDtype[dtype] > byDtype[best] ? dtype : best));
  }

  /**
   * Opens the folder's checkpoint: the sharded index when there is one,
   * otherwise model.safetensors. Throws SafetensorsError naming the file.
   */
  static open(folder: ModelFolder): Checkpoint {
    const indexBytes = folder.read(INDEX_FILE_NAME);
    const tensors = indexBytes !== undefined ? openSharded(folder, indexBytes) : openSingle(folder);
    const source = indexBytes !== undefined ? INDEX_FILE_NAME : SINGLE_FILE_NAME;
    if (tensors.size === 0) {
      throw new SafetensorsError(source, `the checkpoint of "${folder.name}" contains no tensors.`);
    }
    return new Checkpoint(source, tensors);
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const found = this.lookup(name);
    return { dtype: found.entry.dtype, shape: [...found.entry.shape], file: found.file.fileName };
  }

  /**
   * Reads a tensor as float32, checking its shape when `expectedShape` is given.
   * The data may share memory with the file's bytes: treat it as read-only.
   */
  tensor(name: string, expectedShape?: readonly number[]): Tensor {
    const { entry, file } = this.lookup(name);
    if (expectedShape !== undefined && !sameShape(entry.shape, expectedShape)) {
      throw new SafetensorsError(
        file.fileName,
        `expected shape ${shapeToString(expectedShape)} (${elementCount(expectedShape)} elements) but the checkpoint has ${shapeToString(entry.shape)}. ` +
          'Check that config.json belongs to this checkpoint.',
        name,
      );
    }
    return { shape: [...entry.shape], data: file.readFloat32(name) };
  }

  private lookup(name: string): { entry: TensorEntry; file: SafetensorsFile } {
    const found = this.tensors.get(name);
    if (found !== undefined) return found;
    const similar = similarNames(name, this.names(), 3);
    const hint = similar.length > 0 ? `Similar names: ${similar.map((s) => `"${s}"`).join(', ')}.` : undefined;
    throw new MissingTensorError(name, this.source, hint);
  }
}

type TensorMap = Map<string, { entry: TensorEntry; file: SafetensorsFile }>;

function openSingle(folder: ModelFolder): TensorMap {
  const bytes = folder.read(SINGLE_FILE_NAME);
  if (bytes === undefined) {
    const hasPickle = folder.fileNames().some((name) => name.endsWith('.bin') || name.endsWith('.pt'));
    const advice = hasPickle
      ? 'The folder has PyTorch pickle weights, which are not read for safety; convert them to safetensors.'
      : 'Choose a Hugging Face model folder with safetensors weights.';
    throw new SafetensorsError(SINGLE_FILE_NAME, `"${folder.name}" has neither ${SINGLE_FILE_NAME} nor ${INDEX_FILE_NAME}. ${advice}`);
  }
  const file = SafetensorsFile.parse(bytes, SINGLE_FILE_NAME);
  const tensors: TensorMap = new Map();
  for (const name of file.names()) {
    const entry = file.entry(name);
    if (entry !== undefined) tensors.set(name, { entry, file });
  }
  return tensors;
}

/** Opens every shard named in the index's `weight_map` (tensor name -> shard file name). */
function openSharded(folder: ModelFolder, indexBytes: Uint8Array): TensorMap {
  const weightMap = parseWeightMap(indexBytes);
  const shards = new Map<string, SafetensorsFile>();
  const tensors: TensorMap = new Map();

  for (const [tensorName, shardName] of weightMap) {
    let shard = shards.get(shardName);
    if (shard === undefined) {
      const bytes = folder.read(shardName);
      if (bytes === undefined) {
        throw new SafetensorsError(
          shardName,
          `the shard is listed in ${INDEX_FILE_NAME} but is missing from "${folder.name}". Download or copy every shard into the folder.`,
        );
      }
      shard = SafetensorsFile.parse(bytes, shardName);
      shards.set(shardName, shard);
    }
    const entry = shard.entry(tensorName);
    if (entry === undefined) {
      throw new SafetensorsError(
        shardName,
        `${INDEX_FILE_NAME} places this tensor in ${shardName}, but the shard does not contain it. The index and the shards do not match.`,
        tensorName,
      );
    }
    tensors.set(tensorName, { entry, file: shard });
  }
  return tensors;
}

function parseWeightMap(indexBytes: Uint8Array): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(indexBytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SafetensorsError(INDEX_FILE_NAME, `the index is not valid UTF-8 JSON (${reason}).`);
  }
  const weightMap = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>).weight_map : undefined;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new SafetensorsError(INDEX_FILE_NAME, 'the index has no "weight_map" object (tensor name -> shard file name).');
  }
  const result = new Map<string, string>();
  for (const [tensorName, shardName] of Object.entries(weightMap)) {
    if (typeof shardName !== 'string' || shardName.length === 0) {
      throw new SafetensorsError(INDEX_FILE_NAME, `"weight_map" gives ${JSON.stringify(shardName)} as the shard; expected a file name.`, tensorName);
    }
    result.set(tensorName, shardName);
  }
  return result;
}

function sameShape(actual: readonly number[], expected: readonly number[]): boolean {
  return actual.length === expected.length && actual.every((dim, i) => dim === expected[i]);
}

/** Returns up to `count` names nearest to `name` by edit distance, nearest first, within half its length. */
function similarNames(name: string, candidates: readonly string[], count: number): string[] {
  const limit = Math.max(3, Math.floor(name.length / 2));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance with one reused row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
