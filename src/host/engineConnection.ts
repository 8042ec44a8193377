import * as vscode from 'vscode';
import type { WorkerRequest, WorkerResults } from '../protocol';
import { EngineClient, WorkerRequestError, WorkerStoppedError } from '../worker/client';
import type { EngineWorkerFactory, EngineWorkerHandle } from './workerHandle';

/** A request body without the id the client assigns. */
export type EngineRequestBody<K extends WorkerRequest['kind']> = Omit<Extract<WorkerRequest, { kind: K }>, 'requestId'>;

export interface RequestOptions {
  onProgress?: (stage: string, fraction: number) => void;
  /** Cancelling sends `cancel` to the worker; the request then fails with a CancelledError. */
  token?: vscode.CancellationToken;
}

/** True for the error a request fails with after it was cancelled. */
export function isCancellation(error: unknown): boolean {
  return (error instanceof WorkerRequestError && error.remoteName === 'CancelledError') || error instanceof vscode.CancellationError;
}

/**
 * The extension's connection to the engine worker. The worker starts on the
 * first request, and again after a crash. A crash fails every pending request
 * with the reason, and the loaded model is lost with it.
 */
export class EngineConnection implements vscode.Disposable {
  private worker: { handle: EngineWorkerHandle; client: EngineClient } | undefined;
  private readonly crashEmitter = new vscode.EventEmitter<Error>();

  /** Fires when the worker crashed or failed to start; whatever it had loaded is gone. */
  readonly onDidCrash = this.crashEmitter.event;

  constructor(
    private readonly createWorker: EngineWorkerFactory,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  request<K extends WorkerRequest['kind']>(body: EngineRequestBody<K>, options: RequestOptions = {}): Promise<WorkerResults[K]> {
    if (options.token?.isCancellationRequested) {
      return Promise.reject(new vscode.CancellationError());
    }
    const pending = this.ensureWorker().request<K>(body, options.onProgress);
    const listener = options.token?.onCancellationRequested(() => pending.cancel());
    const settle = () => listener?.dispose();
    pending.result.then(settle, settle);
    return pending.result;
  }

  dispose(): void {
    this.stopWorker(new WorkerStoppedError('The extension was deactivated.'));
    this.crashEmitter.dispose();
  }

  private ensureWorker(): EngineClient {
    if (this.worker) return this.worker.client;

    const handle = this.createWorker();
    const client = new EngineClient(handle.port);
    this.worker = { handle, client };
    handle.onError((error) => {
      // An error from a handle that was already replaced is old news.
      if (this.worker?.handle !== handle) return;
      this.log.error(`The engine worker failed: ${error.message}`);
      this.stopWorker(new WorkerStoppedError(`The engine worker failed: ${error.message}`));
      this.crashEmitter.fire(error);
    });
    this.log.debug('Engine worker started.');
    return client;
  }

  private stopWorker(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    worker.client.dispose(reason);
    worker.handle.terminate();
  }
}
