import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { nodePort } from '../worker/port';
import type { AttentionInspectorApi } from './api';
import { activateWith } from './extension';
import type { EngineWorkerHandle } from './workerHandle';

/** Node entry (desktop VS Code, code-server): the engine runs in a worker_threads Worker. */
export function activate(context: vscode.ExtensionContext): AttentionInspectorApi {
  return activateWith(context, () => startNodeWorker(context.asAbsolutePath('dist/node/worker.js')), 'node');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function startNodeWorker(script: string): EngineWorkerHandle {
  const worker = new Worker(script, { name: 'Attention Inspector engine' });
  let terminated = false;
  return {
    port: nodePort(worker),
    onError: (listener) => {
      worker.on('error', listener);
      worker.on('exit', (code) => {
        if (!terminated) listener(new Error(`the worker exited with code ${code}`));
      });
    },
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}
