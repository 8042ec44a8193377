/**
 * A ModelFolder over a directory on disk, for the command-line interface and tests.
 * Files are read when the engine requests them. Only names from the
 * directory listing are readable, so a shard name like "../x" in an index
 * cannot reach outside the folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import type { ModelFolder } from '../engine/checkpoint';

/** Files every model folder needs besides its weights. */
const REQUIRED_FILES = ['config.json', 'tokenizer.json'] as const;
const SINGLE_CHECKPOINT = 'model.safetensors';
const SHARDED_INDEX = 'model.safetensors.index.json';
const ADVICE = `Pass a Hugging Face model folder with config.json, tokenizer.json and ${SINGLE_CHECKPOINT} (or ${SHARDED_INDEX} and its shards).`;

/** A model folder that is missing or incomplete, or a model that failed to load; the CLI exits with code 1. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/**
 * Opens a model folder, checking that it exists and has the files a model
 * needs. Errors name the folder's absolute path.
 */
export function readModelFolder(directory: string): ModelFolder {
  const path = resolve(directory);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new ModelError(`The model folder ${path} was not found. ${ADVICE}`);
    throw new ModelError(`The model folder ${path} cannot be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!isDirectory) {
    throw new ModelError(`${path} is a file, not a folder. ${ADVICE}`);
  }

  const names = new Set(readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));
  const missing: string[] = REQUIRED_FILES.filter((name) => !names.has(name));
  if (!names.has(SINGLE_CHECKPOINT) && !names.has(SHARDED_INDEX)) missing.push(SINGLE_CHECKPOINT);
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw new ModelError(`The model folder ${path} is missing ${list}. ${ADVICE}`);
  }
  return {
    name: basename(path),
    fileNames: () => [...names],
    read: (name) => (names.has(name) ? readFileSync(join(path, name)) : undefined),
  };
}

/** The Node.js error code of a failed file system call, such as "ENOENT". */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
