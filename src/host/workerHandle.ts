import type { HostToWorkerMessage, WorkerToHostMessage } from '../protocol';
import type { Port } from '../worker/port';

/** A started engine worker, whichever host created it. */
export interface EngineWorkerHandle {
  readonly port: Port<WorkerToHostMessage, HostToWorkerMessage>;
  /** Registers a listener for a worker that failed to start or crashed. */
  onError(listener: (error: Error) => void): void;
  terminate(): void;
}

/** Starts the engine worker; extension.node.ts and extension.web.ts each pass their own. */
export type EngineWorkerFactory = () => EngineWorkerHandle;
