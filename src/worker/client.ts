/**
 * The host side of the engine protocol: sends requests over any Port, matches
 * replies by request id, forwards progress and sends cancellations. It has no
 * `vscode` import, so the extension host, the command-line interface and the
 * tests can all use it.
 */
import type {
  HostToWorkerMessage,
  ModelFile,
  PatternAxis,
  PatternSelection,
  WorkerError,
  WorkerRequest,
  WorkerResults,
  WorkerToHostMessage,
} from '../protocol';
import type { Port } from './port';
import { prepareHostMessage } from './transfer';

export type RequestKind = WorkerRequest['kind'];

/** Called with each progress event of a request: what is being done, and the fraction done (0 to 1). */
export type ProgressListener = (stage: string, fraction: number) => void;

/**
 * An engine error sent back by the worker. `name` is the engine's error class
 * ("CancelledError", "SafetensorsError", ...), so callers can tell kinds apart.
 */
export class WorkerRequestError extends Error {
  constructor(
    readonly remoteName: string,
    message: string,
    readonly requestId: number,
    readonly request: RequestKind,
  ) {
    super(message);
    this.name = remoteName;
  }
}

/** The client was disposed or the worker stopped before the request finished. */
export class WorkerStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerStoppedError';
  }
}

/** A request in flight: await it for the result, or cancel it. */
export class PendingRequest<T> implements PromiseLike<T> {
  constructor(
    readonly id: number,
    readonly result: Promise<T>,
    private readonly sendCancel: () => void,
  ) {}

  /** Asks the worker to stop; the result then rejects with a WorkerRequestError named "CancelledError". */
  cancel(): void {
    this.sendCancel();
  }

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.result.then(onFulfilled, onRejected);
  }
}

interface Waiting {
  readonly kind: RequestKind;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: ProgressListener;
}

type RequestBody<K extends RequestKind> = Omit<Extract<WorkerRequest, { kind: K }>, 'requestId'>;

export class EngineClient {
  private nextRequestId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly removeListener: () => void;
  private stopped: Error | undefined;

  constructor(private readonly port: Port<WorkerToHostMessage, HostToWorkerMessage>) {
    this.removeListener = port.onMessage((message) => this.receive(message));
  }

  /** Loads a model folder. The file bytes are transferred to the worker: do not use them afterwards. */
  loadModel(name: string, files: ModelFile[], onProgress?: ProgressListener): PendingRequest<WorkerResults['loadModel']> {
    return this.request<'loadModel'>({ kind: 'loadModel', name, files }, onProgress);
  }

  analyze(text: string, maxTokens: number, onProgress?: ProgressListener): PendingRequest<WorkerResults['analyze']> {
    return this.request<'analyze'>({ kind: 'analyze', text, maxTokens }, onProgress);
  }

  patterns(analysisId: number, selections: PatternSelection[]): PendingRequest<WorkerResults['patterns']> {
    return this.request<'patterns'>({ kind: 'patterns', analysisId, selections });
  }

  /** Rows (what each listed query pays) or columns (what each listed key receives) of one pattern: [indices.length, n]. */
  rows(analysisId: number, selection: PatternSelection, indices: number[], axis: PatternAxis): PendingRequest<WorkerResults['rows']> {
    return this.request<'rows'>({ kind: 'rows', analysisId, selection, indices, axis });
  }

  /** Requests one pattern max-pooled to at most size x size cells. */
  heatmap(analysisId: number, selection: PatternSelection, size: number): PendingRequest<WorkerResults['heatmap']> {
    return this.request<'heatmap'>({ kind: 'heatmap', analysisId, selection, size });
  }

  thumbnails(analysisId: number, size: number): PendingRequest<WorkerResults['thumbnails']> {
    return this.request<'thumbnails'>({ kind: 'thumbnails', analysisId, size });
  }

  predictions(analysisId: number, position: number, count: number): PendingRequest<WorkerResults['predictions']> {
    return this.request<'predictions'>({ kind: 'predictions', analysisId, position, count });
  }

  releaseAnalysis(analysisId: number): PendingRequest<WorkerResults['releaseAnalysis']> {
    return this.request<'releaseAnalysis'>({ kind: 'releaseAnalysis', analysisId });
  }

  /** Sends any request; the typed methods above are shorthands for it. */
  request<K extends RequestKind>(body: RequestBody<K>, onProgress?: ProgressListener): PendingRequest<WorkerResults[K]> {
    const requestId = this.nextRequestId++;
    const kind = body.kind as K;
    const result = new Promise<WorkerResults[K]>((resolve, reject) => {
      if (this.stopped !== undefined) {
        reject(this.stopped);
        return;
      }
      this.waiting.set(requestId, { kind, resolve: resolve as (result: unknown) => void, reject, onProgress });
      try {
        const { message, transfer } = prepareHostMessage({ ...body, requestId } as unknown as WorkerRequest);
        this.port.postMessage(message, transfer);
      } catch (error) {
        // postMessage throws a DataCloneError for values it cannot clone.
        this.waiting.delete(requestId);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return new PendingRequest(requestId, result, () => this.cancel(requestId));
  }

  /** Asks the worker to stop request `requestId`. Does nothing once the request has finished. */
  cancel(requestId: number): void {
    if (this.stopped !== undefined || !this.waiting.has(requestId)) return;
    this.port.postMessage({ kind: 'cancel', targetId: requestId }, []);
  }

  /** Number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.waiting.size;
  }

  /**
   * Rejects every waiting request with `reason` and stops listening. Call it
   * when the worker exits or fails; later requests reject at once.
   */
  dispose(reason: Error = new WorkerStoppedError('The engine client was disposed.')): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    this.removeListener();
    for (const waiting of this.waiting.values()) waiting.reject(reason);
    this.waiting.clear();
  }

  private receive(message: WorkerToHostMessage): void {
    const waiting = this.waiting.get(message.requestId);
    // Only ids this client sent and has not settled have a waiting caller;
    // anything else cannot be delivered.
    if (waiting === undefined) return;
    switch (message.kind) {
      case 'progress':
        waiting.onProgress?.(message.stage, message.fraction);
        break;
      case 'response':
        this.waiting.delete(message.requestId);
        waiting.resolve(message.result);
        break;
      case 'error':
        this.waiting.delete(message.requestId);
        waiting.reject(toError(message, waiting.kind));
        break;
      default:
        assertNever(message);
    }
  }
}

function toError(message: WorkerError, kind: RequestKind): WorkerRequestError {
  return new WorkerRequestError(message.name, message.message, message.requestId, kind);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected worker message ${JSON.stringify(value)}`);
}
