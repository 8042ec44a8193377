/**
 * The engine worker's message loop: runs each request from the host on the
 * engine and replies with a response or an error carrying the same requestId.
 * Progress events are forwarded, and a `cancel` message marks its target so
 * the engine's isCancelled() returns true at its next check (the forward pass
 * checks between layers).
 */
import type { ModelFolder } from '../engine/checkpoint';
import { folderFromFiles } from '../engine/checkpoint';
import { EngineError } from '../engine/errors';
import type {
  AnalysisSummary,
  HeadLabelThresholds,
  HeadMetricsTable,
  HostToWorkerMessage,
  ModelInfo,
  PatternAxis,
  PatternBlock,
  PatternRows,
  PatternSelection,
  PooledPattern,
  Prediction,
  ThumbnailBlock,
  WorkerRequest,
  WorkerResponse,
  WorkerResults,
  WorkerToHostMessage,
} from '../protocol';
import type { Port } from './port';
import { prepareWorkerMessage } from './transfer';

type ProgressListener = (stage: string, fraction: number) => void;

/** The engine operations the worker serves; the Engine class implements them. */
export interface ServedEngine {
  loadModel(folder: ModelFolder, onProgress?: ProgressListener): Promise<ModelInfo>;
  analyze(
    text: string,
    maxTokens: number,
    options: { onProgress?: ProgressListener; isCancelled?: () => boolean },
  ): Promise<AnalysisSummary>;
  patterns(analysisId: number, selections: PatternSelection[]): PatternBlock | Promise<PatternBlock>;
  rows(analysisId: number, selection: PatternSelection, indices: number[], axis: PatternAxis): PatternRows | Promise<PatternRows>;
  heatmap(analysisId: number, selection: PatternSelection, size: number): PooledPattern | Promise<PooledPattern>;
  thumbnails(analysisId: number, size: number): ThumbnailBlock | Promise<ThumbnailBlock>;
  predictions(analysisId: number, position: number, count: number): Prediction[] | Promise<Prediction[]>;
  releaseAnalysis(analysisId: number): void;
  metrics(
    analysisId: number,
    thresholds: HeadLabelThresholds,
    options: { onProgress?: ProgressListener; isCancelled?: () => boolean },
  ): Promise<HeadMetricsTable>;
}

export type WorkerPort = Port<HostToWorkerMessage, WorkerToHostMessage>;

interface RequestState {
  cancelled: boolean;
}

/** Serves `engine` on `port` until the returned function is called. */
export function serveEngine(engine: ServedEngine, port: WorkerPort): () => void {
  const running = new Map<number, RequestState>();

  const send = (message: WorkerToHostMessage) => {
    const prepared = prepareWorkerMessage(message);
    port.postMessage(prepared.message, prepared.transfer);
  };

  const handle = async (request: WorkerRequest) => {
    const state: RequestState = { cancelled: false };
    running.set(request.requestId, state);
    const onProgress: ProgressListener = (stage, fraction) => send({ kind: 'progress', requestId: request.requestId, stage, fraction });
    try {
      const result = await dispatch(engine, request, state, onProgress);
      const response: WorkerResponse = { kind: 'response', requestId: request.requestId, request: request.kind, result };
      try {
        send(response);
      } catch (error) {
        // postMessage rejects values it cannot clone; the host must still get a reply.
        send(serializeError(request.requestId, error));
      }
    } catch (error) {
      send(serializeError(request.requestId, error));
    } finally {
      running.delete(request.requestId);
    }
  };

  return port.onMessage((message) => {
    if (message.kind === 'cancel') {
      // A cancel for a finished request finds nothing to mark.
      const state = running.get(message.targetId);
      if (state !== undefined) state.cancelled = true;
      return;
    }
    void handle(message);
  });
}

async function dispatch(
  engine: ServedEngine,
  request: WorkerRequest,
  state: RequestState,
  onProgress: ProgressListener,
): Promise<WorkerResults[WorkerRequest['kind']]> {
  switch (request.kind) {
    case 'loadModel':
      // NOTE: only analyze polls isCancelled; a cancelled loadModel runs to the end and replies normally.
      return engine.loadModel(folderFromFiles(request.name, request.files), onProgress);
    case 'analyze':
      return engine.analyze(request.text, request.maxTokens, { onProgress, isCancelled: () => state.cancelled });
    case 'patterns':
      return engine.patterns(request.analysisId, request.selections);
    case 'rows':
      return engine.rows(request.analysisId, request.selection, request.indices, request.axis);
    case 'heatmap':
      return engine.heatmap(request.analysisId, request.selection, request.size);
    case 'thumbnails':
      return engine.thumbnails(request.analysisId, request.size);
    case 'predictions':
      return engine.predictions(request.analysisId, request.position, request.count);
    case 'releaseAnalysis':
      engine.releaseAnalysis(request.analysisId);
      return null;
    case 'metrics':
      return engine.metrics(request.analysisId, request.thresholds, { onProgress, isCancelled: () => state.cancelled });
    default:
      return unknownRequest(request);
  }
}

function unknownRequest(request: never): never {
  throw new EngineError(`Unknown request kind ${JSON.stringify((request as { kind?: unknown }).kind)}; the host and the worker are from different builds.`);
}

/**
 * Turns a thrown value into an error message. Engine errors keep their class
 * name and message; anything else is a bug, so its stack goes along for the host's log.
 */
export function serializeError(requestId: number, error: unknown): WorkerToHostMessage {
  if (error instanceof EngineError) {
    return { kind: 'error', requestId, name: error.name, message: error.message };
  }
  if (error instanceof Error) {
    const message = error.stack !== undefined && error.stack.includes(error.message) ? error.stack : `${error.message}\n${error.stack ?? ''}`;
    return { kind: 'error', requestId, name: error.name, message };
  }
  return { kind: 'error', requestId, name: 'Error', message: String(error) };
}
