/**
 * Starts the WebAssembly kernels' helper thread in a browser, as a Web Worker on a Blob URL.
 * NOTE: no browser test starts a helper yet; only the Node starter is exercised by the unit tests.
 */
import type { KernelThread, ThreadStarter } from '../engine/wasm/threads';

/**
 * Null where this global scope cannot start a helper that shares memory: no Worker or Blob URLs,
 * or a page that is not cross-origin isolated, where a shared memory cannot be posted.
 */
export function webThreadStarter(): ThreadStarter | null {
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') return null;
  if (globalThis.crossOriginIsolated !== true) return null;
  return (source: string): KernelThread => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url);
    // The worker has fetched its script once it posts its first message; the URL can go then.
    let revoked = false;
    const revoke = (): void => {
      if (!revoked) URL.revokeObjectURL(url);
      revoked = true;
    };
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        revoke();
        listener(event.data);
      }),
      onError: (listener) => worker.addEventListener('error', (event: ErrorEvent) => {
        revoke();
        listener(new Error(event.message || 'the helper worker failed to load'));
      }),
      terminate: () => {
        revoke();
        worker.terminate();
      },
    };
  };
}
