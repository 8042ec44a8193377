import type * as vscode from 'vscode';
import type { HeadsWebviewRequest, HeadsWebviewResults, WebviewReplyError } from '../protocol';
import type { EngineConnection } from './engineConnection';
import { saveExport, showExportDialog, type ExportTargetPicker } from './export';
import { readLabelThresholds } from './headSettings';
import { describeError } from './log';

/** The reply to a heads-view request; the same shape as WebviewReply. */
export interface HeadsWebviewReply<K extends HeadsWebviewRequest['kind'] = HeadsWebviewRequest['kind']> {
  readonly kind: 'reply';
  readonly requestId: number;
  readonly request: K;
  readonly result: HeadsWebviewResults[K];
}

/** Message kinds of the heads grid, comparison and export views, for the panel's message check. */
export const HEADS_REQUEST_KINDS: ReadonlySet<string> = new Set<HeadsWebviewRequest['kind']>(['metrics', 'saveFile']);

/**
 * Runs a request of the heads views: `metrics` goes to the engine worker with
 * the label thresholds from the settings; `saveFile` writes to the file
 * `chooseTarget` picks, the save dialog by default.
 * Failures become a replyError for the webview and a warning in the log.
 */
export async function handleHeadsRequest(
  request: HeadsWebviewRequest,
  engine: EngineConnection,
  log: vscode.LogOutputChannel,
  chooseTarget: ExportTargetPicker = showExportDialog,
): Promise<HeadsWebviewReply | WebviewReplyError> {
  try {
    switch (request.kind) {
      case 'metrics': {
        const started = Date.now();
        const result = await engine.request<'metrics'>({ kind: 'metrics', analysisId: request.analysisId, thresholds: readLabelThresholds() });
        log.info(`Head metrics of analysis ${request.analysisId}: ${result.layers} x ${result.heads} heads in ${Date.now() - started} ms.`);
        return { kind: 'reply', requestId: request.requestId, request: 'metrics', result };
      }
      case 'saveFile': {
        const result = await saveExport(request, log, chooseTarget);
        return { kind: 'reply', requestId: request.requestId, request: 'saveFile', result };
      }
      default: {
        const unknown: never = request;
        return { kind: 'replyError', requestId: (unknown as HeadsWebviewRequest).requestId, message: 'Unknown request kind.' };
      }
    }
  } catch (error) {
    log.warn(`The panel's ${request.kind} request ${request.requestId} failed: ${describeError(error)}`);
    return { kind: 'replyError', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) };
  }
}
