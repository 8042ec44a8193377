import * as vscode from 'vscode';
import { webPort } from '../worker/port';
import type { AttentionInspectorApi } from './api';
import { activateWith } from './extension';
import type { EngineWorkerHandle } from './workerHandle';

/** Browser entry (VS Code for the Web): the engine runs in a Web Worker loaded from the extension's URI. */
export function activate(context: vscode.ExtensionContext): AttentionInspectorApi {
  const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js');
  return activateWith(context, () => startWebWorker(script.toString(true)), 'browser');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function startWebWorker(scriptUrl: string): EngineWorkerHandle {
  const worker = new Worker(scriptUrl, { name: 'Attention Inspector engine' });
  return {
    port: webPort(worker),
    onError: (listener) => {
      worker.addEventListener('error', (event: ErrorEvent) => {
        listener(new Error(event.message || `the worker script ${scriptUrl} could not be loaded`));
      });
      worker.addEventListener('messageerror', () => listener(new Error('a worker message could not be deserialized')));
    },
    terminate: () => worker.terminate(),
  };
}
