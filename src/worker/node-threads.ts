/** Starts the WebAssembly kernels' helper thread under Node, with node:worker_threads. */
import { Worker } from 'node:worker_threads';
import type { KernelThread, ThreadStarter } from '../engine/wasm/threads';

export const startNodeThread: ThreadStarter = (source: string): KernelThread => {
  const worker = new Worker(source, { eval: true });
  // The helper must not keep a process alive that has nothing else left to do. Adding a listener
  // refs the worker again, so each one is followed by unref.
  worker.unref();
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => {
      worker.on('message', listener);
      worker.unref();
    },
    onError: (listener) => {
      worker.on('error', listener);
      worker.unref();
    },
    terminate: () => void worker.terminate(),
  };
};
