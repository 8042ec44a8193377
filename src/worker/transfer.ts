/**
 * Chooses which buffers a message transfers instead of copying.
 *
 * A typed array may be a view into a larger buffer: a Node Buffer from a
 * small file read shares an 8 KiB pool with unrelated data, and a subarray
 * shares its parent's memory. Transferring such a buffer would detach memory
 * the sender still uses, so those views are first copied into a buffer of
 * their own. Token tables are copied, never transferred, because the engine
 * keeps them for later requests on the same analysis.
 */
import type { HostToWorkerMessage, WorkerResponse, WorkerToHostMessage } from '../protocol';

export interface PreparedMessage<T> {
  readonly message: T;
  readonly transfer: ArrayBuffer[];
}

/** Returns the view itself when it spans a whole ArrayBuffer, otherwise a copy that does. */
function ownedUint8(view: Uint8Array): Uint8Array {
  if (spansWholeBuffer(view)) return view;
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy;
}

function ownedFloat32(view: Float32Array): Float32Array {
  return spansWholeBuffer(view) ? view : new Float32Array(view);
}

function spansWholeBuffer(view: ArrayBufferView): boolean {
  return view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}

/**
 * Prepares a host-to-worker message. The file bytes of a loadModel request are
 * transferred, so the caller's arrays are detached afterwards unless they were
 * views that had to be copied.
 */
export function prepareHostMessage(message: HostToWorkerMessage): PreparedMessage<HostToWorkerMessage> {
  if (message.kind !== 'loadModel') return { message, transfer: [] };
  const files = message.files.map((file) => ({ name: file.name, bytes: ownedUint8(file.bytes) }));
  return { message: { ...message, files }, transfer: uniqueBuffers(files.map((file) => file.bytes)) };
}

/** Prepares a worker-to-host message, transferring pattern, row, heatmap and thumbnail data. */
export function prepareWorkerMessage(message: WorkerToHostMessage): PreparedMessage<WorkerToHostMessage> {
  if (message.kind !== 'response') return { message, transfer: [] };
  const response = message as WorkerResponse;
  switch (response.request) {
    case 'patterns':
    case 'rows':
    case 'thumbnails': {
      const result = (response as WorkerResponse<'patterns' | 'rows' | 'thumbnails'>).result;
      const data = ownedFloat32(result.data);
      return { message: { ...response, result: { ...result, data } }, transfer: [data.buffer as ArrayBuffer] };
    }
    case 'heatmap': {
      const result = (response as WorkerResponse<'heatmap'>).result;
      const data = ownedFloat32(result.data);
      const masked = ownedUint8(result.masked);
      return { message: { ...response, result: { ...result, data, masked } }, transfer: uniqueBuffers([data, masked]) };
    }
    default:
      return { message, transfer: [] };
  }
}

function uniqueBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) buffers.add(view.buffer as ArrayBuffer);
  return [...buffers];
}
