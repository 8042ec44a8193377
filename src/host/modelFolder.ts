import * as vscode from 'vscode';
import type { ModelFile } from '../protocol';

/**
 * A model folder that cannot be read: missing, or without the files a Hugging
 * Face folder needs. The message names the folder once; `detail` is the file
 * system's own error, for the log.
 */
export class ModelFolderError extends Error {
  constructor(
    readonly folder: vscode.Uri,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

const SINGLE_CHECKPOINT = 'model.safetensors';
const SHARDED_INDEX = 'model.safetensors.index.json';

/**
 * Reads the files of a Hugging Face model folder through vscode.workspace.fs, so
 * it works on any file system the workbench can open: config.json,
 * tokenizer.json, tokenizer_config.json when present, and model.safetensors or
 * model.safetensors.index.json with every shard its weight_map names.
 *
 * Files are read by name, never by listing the folder, because the extension's
 * own folder in VS Code for the Web is served over HTTP, which cannot list a
 * directory (a stat there reports every URL as a file).
 */
export async function readModelFolder(folder: vscode.Uri): Promise<ModelFile[]> {
  await checkFolderExists(folder);

  const files: ModelFile[] = [await readRequired(folder, 'config.json'), await readRequired(folder, 'tokenizer.json')];
  const tokenizerConfig = await readOptional(folder, 'tokenizer_config.json');
  if (tokenizerConfig.file) files.push(tokenizerConfig.file);

  const single = await readOptional(folder, SINGLE_CHECKPOINT);
  if (single.file) {
    files.push(single.file);
    return files;
  }
  const index = await readOptional(folder, SHARDED_INDEX);
  if (!index.file) {
    throw new ModelFolderError(
      folder,
      `The model folder ${describe(folder)} has neither ${SINGLE_CHECKPOINT} nor ${SHARDED_INDEX}; save the model with safetensors weights.`,
      `${SINGLE_CHECKPOINT}: ${single.reason}; ${SHARDED_INDEX}: ${index.reason}`,
    );
  }
  files.push(index.file);
  for (const shard of shardNames(folder, index.file.bytes)) files.push(await readRequired(folder, shard, SHARDED_INDEX));
  return files;
}

/** Total bytes of the files, for the log. */
export function totalBytes(files: readonly ModelFile[]): number {
  return files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
}

async function checkFolderExists(folder: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.stat(folder);
  } catch (error) {
    const message = isNotFound(error)
      ? `The model folder ${describe(folder)} was not found.`
      : `The model folder ${describe(folder)} cannot be read: ${reason(error)}.`;
    throw new ModelFolderError(folder, message, reason(error));
  }
}

/** Reads a file the folder must have; `namedBy` is the file that referred to it, for the message. */
async function readRequired(folder: vscode.Uri, name: string, namedBy?: string): Promise<ModelFile> {
  try {
    return { name, bytes: await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name)) };
  } catch (error) {
    const what = namedBy ? `${name}, which ${namedBy} names` : name;
    const message = isNotFound(error)
      ? `The model folder ${describe(folder)} has no ${what}.`
      : `Reading ${what} in ${describe(folder)} failed: ${reason(error)}.`;
    throw new ModelFolderError(folder, message, reason(error));
  }
}

/** Reads a file the folder may lack; `reason` is the read error when it could not be read. */
async function readOptional(folder: vscode.Uri, name: string): Promise<{ file?: ModelFile; reason?: string }> {
  try {
    return { file: { name, bytes: await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name)) } };
  } catch (error) {
    return { reason: reason(error) };
  }
}

/** Collects the distinct shard file names in an index's weight_map, each checked to be a plain name inside the folder. */
function shardNames(folder: vscode.Uri, indexBytes: Uint8Array): string[] {
  let index: unknown;
  try {
    index = JSON.parse(new TextDecoder().decode(indexBytes));
  } catch (error) {
    throw new ModelFolderError(folder, `${SHARDED_INDEX} in ${describe(folder)} is not valid JSON: ${reason(error)}.`);
  }
  const weightMap = typeof index === 'object' && index !== null ? (index as { weight_map?: unknown }).weight_map : undefined;
  if (typeof weightMap !== 'object' || weightMap === null) {
    throw new ModelFolderError(folder, `${SHARDED_INDEX} in ${describe(folder)} has no "weight_map" object.`);
  }

  const shards = new Set<string>();
  for (const [tensor, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\') || file === '..' || file === '.') {
      throw new ModelFolderError(folder, `${SHARDED_INDEX} in ${describe(folder)} maps tensor "${tensor}" to ${JSON.stringify(file)}, which is not a file name inside the folder.`);
    }
    shards.add(file);
  }
  return [...shards].sort();
}

function describe(folder: vscode.Uri): string {
  return folder.scheme === 'file' ? folder.fsPath : folder.toString(true);
}

function isNotFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
