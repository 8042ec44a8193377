/**
 * A ModelFolder over a directory on disk, for the command-line interface and tests.
 * Files are read when the engine requests them. Only names from the
 * directory listing are readable, so a shard name like "../x" in an index
 * cannot reach outside the folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import type { ModelFolder } from '../engine/checkpoint';
import { InputError } from '../engine/errors';

export function readModelFolder(directory: string): ModelFolder {
  const path = resolve(directory);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new InputError(`Model folder ${path} cannot be read (${error instanceof Error ? error.message : String(error)}). Pass an existing Hugging Face model folder.`);
  }
  if (!isDirectory) {
    throw new InputError(`${path} is a file, not a folder. Pass the folder that contains config.json.`);
  }

  const names = new Set(readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));
  return {
    name: basename(path),
    fileNames: () => [...names],
    read: (name) => (names.has(name) ? readFileSync(join(path, name)) : undefined),
  };
}
