import * as vscode from 'vscode';
import type { ModelInfo } from '../protocol';
import { Disposable } from './dispose';
import type { EngineConnection } from './engineConnection';
import { formatCount } from './format';
import { describeError } from './log';
import { ModelFolderError, readModelFolder, totalBytes } from './modelFolder';
import { SETTINGS_SECTION, readSettings } from './settings';

/** Display name of the model in media/model, as ModelInfo.name carries it. */
export const SHIPPED_MODEL_NAME = 'Bundled model';

/** Location of the model: the setting's folder, or the shipped one when the setting is empty. */
export interface ModelSource {
  readonly folder: vscode.Uri;
  readonly name: string;
  readonly shipped: boolean;
}

/** Advice for a model of `attentionInspector.modelPath` that cannot be loaded. */
export const MODEL_PATH_ADVICE =
  'Set attentionInspector.modelPath to a folder with config.json, tokenizer.json and model.safetensors, or clear it to use the bundled model.';

/** The extension host the extension runs in: Node (desktop VS Code, code-server) or the browser (VS Code for the Web). */
export type ExtensionHostKind = 'node' | 'browser';

/** A model that failed to load, with the folder, the reason and what to do, in one message. */
export class ModelLoadError extends Error {
  constructor(
    readonly source: ModelSource,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

/**
 * Loads the configured model into the engine worker once, and again when the
 * setting changes or the worker restarts. Concurrent callers share one load.
 */
export class ModelService extends Disposable {
  private loaded: { key: string; info: ModelInfo } | undefined;
  private loading: { key: string; promise: Promise<ModelInfo> } | undefined;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());

  /** Fires when the configured model changed, so analyses of the old one are obsolete. */
  readonly onDidChangeModel = this.changeEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly engine: EngineConnection,
    private readonly log: vscode.LogOutputChannel,
    private readonly host: ExtensionHostKind,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.modelPath`)) {
          this.loaded = undefined;
          this.changeEmitter.fire();
        }
      }),
    );
    this.register(engine.onDidCrash(() => (this.loaded = undefined)));
  }

  /** The model in use once loaded, or undefined. */
  get current(): ModelInfo | undefined {
    return this.loaded?.info;
  }

  /** Resolves the model folder from `attentionInspector.modelPath`. */
  resolveSource(): ModelSource {
    const path = readSettings().modelPath;
    if (path === '') {
      return { folder: vscode.Uri.joinPath(this.extensionUri, 'media', 'model'), name: SHIPPED_MODEL_NAME, shipped: true };
    }
    const folder = resolveFolder(path);
    const segments = folder.path.split('/').filter((segment) => segment !== '');
    return { folder, name: segments[segments.length - 1] ?? path, shipped: false };
  }

  /** Returns the loaded model, loading it first if needed; throws ModelLoadError with the reason. */
  async ensureLoaded(token?: vscode.CancellationToken, onStage?: (stage: string) => void): Promise<ModelInfo> {
    const source = this.resolveSource();
    const key = source.folder.toString();
    if (this.loaded?.key === key) return this.loaded.info;
    if (this.loading?.key !== key) {
      const promise = this.load(source, key, onStage);
      this.loading = { key, promise };
      const clear = () => {
        if (this.loading?.promise === promise) this.loading = undefined;
      };
      promise.then(clear, clear);
    }
    return waitUnlessCancelled(this.loading!.promise, token);
  }

  private async load(source: ModelSource, key: string, onStage?: (stage: string) => void): Promise<ModelInfo> {
    const started = Date.now();
    this.log.info(`Loading model from ${describeFolder(source.folder)}.`);
    try {
      onStage?.('Reading model files');
      const files = await readModelFolder(source.folder);
      const readMs = Date.now() - started;
      onStage?.('Loading weights');
      const info = await this.engine.request<'loadModel'>({ kind: 'loadModel', name: source.name, files });
      this.log.info(
        `Loaded ${info.modelType} model "${info.name}": ${info.layers} layers, ${info.heads} heads, ` +
          `${formatCount(info.parameterCount, 'parameter')} (${info.dtype}), ${(totalBytes(files) / 1e6).toFixed(1)} MB read in ${readMs} ms, ` +
          `ready in ${Date.now() - started} ms.`,
      );
      if (this.resolveSource().folder.toString() === key) this.loaded = { key, info };
      return info;
    } catch (error) {
      const detail = error instanceof ModelFolderError && error.detail ? ` (${error.detail})` : '';
      this.log.error(`Loading the model from ${describeFolder(source.folder)} failed: ${describeError(error)}${detail}`);
      const reason = error instanceof Error ? error.message : String(error);
      throw new ModelLoadError(source, reason, describeLoadFailure(source, error, this.host));
    }
  }
}

/**
 * Turns the setting into a URI. A URI with a scheme is used as is, and an
 * absolute path is a local file path. A relative path starts at the first
 * workspace folder, so it also works in VS Code for the Web.
 */
export function resolveFolder(path: string): vscode.Uri {
  // Two or more letters before the colon: "C:\\models" is a Windows path, not a URI.
  if (/^[a-z][a-z0-9+.-]+:/i.test(path)) return vscode.Uri.parse(path);
  if (path.startsWith('/') || /^[a-z]:[\\/]/i.test(path)) return vscode.Uri.file(path);
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0];
  return workspaceFolder ? vscode.Uri.joinPath(workspaceFolder.uri, path) : vscode.Uri.file(path);
}

/**
 * Builds the message of a failed load, which names the folder once and gives
 * the next step. The browser extension host reads no local disk: an absolute path there
 * fails with "No file system handle registered", which the message replaces.
 */
export function describeLoadFailure(source: ModelSource, error: unknown, host: ExtensionHostKind): string {
  const reason = withFullStop(error instanceof Error ? error.message : String(error));
  if (source.shipped) {
    return `The bundled model could not be loaded: ${reason} Reinstall the extension, or set attentionInspector.modelPath to another model folder.`;
  }
  const folder = describeFolder(source.folder);
  if (host === 'browser' && source.folder.scheme === 'file' && error instanceof ModelFolderError) {
    return (
      `VS Code for the Web cannot read local folders such as ${folder}. Put the model folder in the workspace and set ` +
      'attentionInspector.modelPath to its path relative to the workspace folder, or clear the setting to use the bundled model.'
    );
  }
  // A ModelFolderError already names the folder; an engine error names only the file inside it.
  if (error instanceof ModelFolderError) return `${reason} ${MODEL_PATH_ADVICE}`;
  return `The model in ${folder} could not be loaded: ${reason} ${MODEL_PATH_ADVICE}`;
}

function withFullStop(sentence: string): string {
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

export function describeFolder(folder: vscode.Uri): string {
  return folder.scheme === 'file' ? folder.fsPath : folder.toString(true);
}

/** Lets a caller stop waiting for a shared load without stopping the load for others. */
function waitUnlessCancelled<T>(promise: Promise<T>, token?: vscode.CancellationToken): Promise<T> {
  if (!token) return promise;
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => {
      listener.dispose();
      reject(new vscode.CancellationError());
    });
    promise.then(
      (value) => {
        listener.dispose();
        resolve(value);
      },
      (error: unknown) => {
        listener.dispose();
        reject(error);
      },
    );
  });
}
