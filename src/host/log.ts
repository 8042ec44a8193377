import * as vscode from 'vscode';

/** Creates the extension's one output channel; its level is set with "Developer: Set Log Level...". */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Attention Inspector', { log: true });
}

/** Formats a caught value for the log, keeping the error class name the worker sends. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
