import * as vscode from 'vscode';
import type {
  HeadsCommandMessage,
  HostToWebviewMessage,
  PanelViewName,
  StateMessage,
  WebviewReply,
  WebviewReplyError,
  WebviewRequest,
  WebviewToHostMessage,
} from '../protocol';
import type { BusyState } from './analysisController';
import type { AnalysisState } from './analysisState';
import { Disposable } from './dispose';
import type { EngineConnection } from './engineConnection';
import { showExportDialog, type ExportTargetPicker } from './export';
import { handleHeadsRequest, HEADS_REQUEST_KINDS } from './headsRequests';
import { describeError } from './log';
import { panelHtml, webviewRoots } from './panelHtml';
import type { PinnedAnalysis } from './pinnedAnalysis';
import { readSettings } from './settings';

export const PANEL_VIEW_TYPE = 'attentionInspector.panel';

/** A webview request the panel answered: its kind and id, and the error message when it failed. */
export interface AnsweredRequest {
  readonly kind: WebviewRequest['kind'];
  readonly requestId: number;
  readonly error: string | undefined;
}

/**
 * The one Attention Inspector panel, beside the editor. The webview requests
 * its state with `ready`, and the host sends it again whenever the panel
 * becomes visible. The webview's pattern, row, heatmap, thumbnail, prediction
 * and metrics requests go on to the engine worker; its saveFile requests write exports.
 */
export class AttentionPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private busy: BusyState = { busy: false, label: '' };
  /** Message of the last failed analysis, until the next one starts; the panel shows it. */
  private failure: string | undefined;
  /** False from opening the panel until its script posts `ready`; messages to the views wait in `queued` meanwhile. */
  private scriptReady = false;
  private queued: HostToWebviewMessage[] = [];
  private exportTarget: ExportTargetPicker = showExportDialog;
  private readonly readyEmitter = this.register(new vscode.EventEmitter<void>());
  private readonly answeredEmitter = this.register(new vscode.EventEmitter<AnsweredRequest>());

  /** Fires each time the webview script reports `ready`. */
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Fires after each reply to a request the webview itself sent. */
  readonly onDidAnswerRequest = this.answeredEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: AnalysisState,
    private readonly engine: EngineConnection,
    private readonly pinned: PinnedAnalysis,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this));
    this.register(state.onDidChange((change) => this.onStateChange(change)));
    this.register({ dispose: () => this.panel?.dispose() });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the panel beside the active editor, or reveals it. */
  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Attention Inspector',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) },
    );
    this.attach(panel);
  }

  /** Closes the panel if it is open. */
  close(): void {
    this.panel?.dispose();
  }

  /** Sends a palette command to the heads views, after the script has loaded when the panel just opened. */
  postHeadsCommand(message: HeadsCommandMessage): void {
    this.postToViews(message);
  }

  /** Opens the panel, or reveals it, with the tab of `view` selected. */
  showView(view: PanelViewName, preserveFocus = false): void {
    this.show(preserveFocus);
    this.postToViews({ kind: 'showView', view });
  }

  /** Replaces the save dialog of exports, e.g. in tests; undefined restores the dialog. */
  setExportTargetPicker(picker: ExportTargetPicker | undefined): void {
    this.exportTarget = picker ?? showExportDialog;
  }

  /**
   * Restores the panel after a window reload (WebviewPanelSerializer).
   * NOTE: the worker's analyses do not survive a reload, so the restored panel
   * shows no analysis until the next Analyze Selection. No automated test reloads the window.
   */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.log.info('Restoring the Attention Inspector panel after a reload.');
    if (this.panel) {
      // Only one panel is kept; a second restored one is closed.
      panel.dispose();
      return;
    }
    this.attach(panel);
  }

  setBusy(busy: BusyState): void {
    this.busy = busy;
    // A new analysis replaces the failure; the webview hides its error line on busy true.
    if (busy.busy) this.failure = undefined;
    this.post({ kind: 'busy', busy: busy.busy, label: busy.label });
  }

  /** Shows why the last analysis failed; the panel keeps it until the next analysis starts. */
  showFailure(message: string): void {
    this.failure = message;
    this.post({ kind: 'error', message });
  }

  /** Message of the last failed analysis, as the panel shows it; undefined after a new analysis starts. */
  get lastFailure(): string | undefined {
    return this.failure;
  }

  /** Builds the StateMessage the panel receives after `ready`. */
  stateMessage(): StateMessage {
    const settings = readSettings();
    return {
      kind: 'state',
      analysis: this.state.toView(),
      settings: { defaultView: settings.defaultView, highlightFollowsMouse: settings.highlightFollowsMouse },
      selection: this.state.selection,
    };
  }

  /** Runs a webview request against the engine and returns the reply the webview would receive. */
  async handleRequest(request: WebviewRequest): Promise<WebviewReply | WebviewReplyError> {
    try {
      switch (request.kind) {
        case 'patterns': {
          const result = await this.engine.request<'patterns'>({ kind: 'patterns', analysisId: request.analysisId, selections: request.selections });
          return { kind: 'reply', requestId: request.requestId, request: 'patterns', result };
        }
        case 'rows': {
          const { analysisId, selection, indices, axis } = request;
          const result = await this.engine.request<'rows'>({ kind: 'rows', analysisId, selection, indices, axis });
          return { kind: 'reply', requestId: request.requestId, request: 'rows', result };
        }
        case 'heatmap': {
          const { analysisId, selection, size } = request;
          const result = await this.engine.request<'heatmap'>({ kind: 'heatmap', analysisId, selection, size });
          return { kind: 'reply', requestId: request.requestId, request: 'heatmap', result };
        }
        case 'thumbnails': {
          const result = await this.engine.request<'thumbnails'>({ kind: 'thumbnails', analysisId: request.analysisId, size: request.size });
          return { kind: 'reply', requestId: request.requestId, request: 'thumbnails', result };
        }
        case 'predictions': {
          const result = await this.engine.request<'predictions'>({
            kind: 'predictions',
            analysisId: request.analysisId,
            position: request.position,
            count: request.count,
          });
          return { kind: 'reply', requestId: request.requestId, request: 'predictions', result };
        }
        case 'metrics':
        case 'saveFile':
          return await handleHeadsRequest(request, this.engine, this.log, this.exportTarget);
        default: {
          const unknown: never = request;
          return { kind: 'replyError', requestId: (unknown as WebviewRequest).requestId, message: 'Unknown request kind.' };
        }
      }
    } catch (error) {
      this.log.warn(`The panel's ${request.kind} request ${request.requestId} failed: ${describeError(error)}`);
      return { kind: 'replyError', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) };
    }
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.scriptReady = false;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) this.post(this.stateMessage());
        // A hidden webview's page is discarded (no retainContextWhenHidden), and the new page posts `ready` again.
        else this.scriptReady = false;
      }),
      panel.onDidDispose(() => this.detach(panel)),
    ];
  }

  private detach(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.scriptReady = false;
    this.queued = [];
    for (const disposable of this.panelDisposables) disposable.dispose();
    this.panelDisposables = [];
    this.log.debug('The panel was closed.');
  }

  private receive(raw: unknown): void {
    if (!isWebviewMessage(raw)) {
      this.log.warn(`Ignored a malformed message from the panel: ${JSON.stringify(raw)}`);
      return;
    }
    const message = raw;
    switch (message.kind) {
      case 'ready':
        this.scriptReady = true;
        this.post(this.stateMessage());
        if (this.busy.busy) this.post({ kind: 'busy', busy: true, label: this.busy.label });
        if (this.failure !== undefined) this.post({ kind: 'error', message: this.failure });
        for (const queued of this.queued.splice(0)) this.post(queued);
        this.readyEmitter.fire();
        break;
      case 'focusToken':
        if (message.analysisId !== this.state.analysis?.summary.analysisId) return;
        this.state.setFocus(message.tokenIndex === null ? null : { tokenIndex: message.tokenIndex, direction: message.direction }, 'webview');
        break;
      case 'selectHead':
        this.state.setSelection(message.selection);
        break;
      case 'pinAnalysis':
        this.pinned.onMessage(message);
        break;
      case 'patterns':
      case 'rows':
      case 'heatmap':
      case 'thumbnails':
      case 'predictions':
      case 'metrics':
      case 'saveFile':
        void this.handleRequest(message).then((reply) => {
          this.post(reply);
          this.answeredEmitter.fire({ kind: message.kind, requestId: message.requestId, error: reply.kind === 'replyError' ? reply.message : undefined });
        });
        break;
      default: {
        const unknown: never = message;
        this.log.warn(`Ignored an unknown message from the panel: ${JSON.stringify(unknown)}`);
      }
    }
  }

  private onStateChange(change: 'analysis' | 'stale' | 'selection' | 'focus'): void {
    const analysis = this.state.analysis;
    switch (change) {
      case 'analysis':
        this.post(this.stateMessage());
        break;
      case 'stale':
        if (analysis) this.post({ kind: 'stale', analysisId: analysis.summary.analysisId });
        break;
      case 'selection':
        // The panel picked the head itself; a state message would reset its view.
        break;
      case 'focus':
        if (analysis && this.state.focusOrigin === 'editor') {
          this.post({ kind: 'focus', analysisId: analysis.summary.analysisId, tokenIndex: this.state.focus?.tokenIndex ?? null });
        }
        break;
    }
  }

  /** Posts now when the script is listening, or after its `ready`, since a message to a loading webview is lost. */
  private postToViews(message: HostToWebviewMessage): void {
    // A closed panel has no views; the next one starts from the host's state.
    if (!this.panel) return;
    if (this.scriptReady) this.post(message);
    else this.queued.push(message);
  }

  private post(message: HostToWebviewMessage): void {
    const panel = this.panel;
    if (!panel) return;
    panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) this.log.trace(`The panel did not receive a "${message.kind}" message (it is hidden or loading).`);
      },
      (error: unknown) => this.log.warn(`Posting "${message.kind}" to the panel failed: ${describeError(error)}`),
    );
  }
}

const WEBVIEW_KINDS: ReadonlySet<string> = new Set([
  'ready',
  'focusToken',
  'selectHead',
  'pinAnalysis',
  'patterns',
  'rows',
  'heatmap',
  'thumbnails',
  'predictions',
  ...HEADS_REQUEST_KINDS,
]);

/** Checks the discriminant only: the webview is this extension's own code, loaded under a nonce. */
function isWebviewMessage(value: unknown): value is WebviewToHostMessage {
  return typeof value === 'object' && value !== null && WEBVIEW_KINDS.has((value as { kind?: unknown }).kind as string);
}
