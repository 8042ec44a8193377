import type * as vscode from 'vscode';
import type {
  AttentionDirection,
  ModelInfo,
  PatternSelection,
  StateMessage,
  WebviewReply,
  WebviewReplyError,
  WebviewRequest,
} from '../protocol';
import type { AnalysisOutcome, AnalysisProgress, AnalyzeOptions } from './analysisController';
import type { Analysis } from './analysisState';
import type { HighlightSnapshot } from './decorations';
import type { ExportTargetPicker } from './export';
import type { ModelSource } from './modelService';
import type { AnsweredRequest } from './panel';

/**
 * The extension's state and actions as `activate` returns them, typed, for the
 * extension test suite and for other extensions. Every method goes through the
 * same code as the commands, the hover and the panel.
 */
export interface AttentionInspectorApi {
  /** Runs Analyze Selection on `editor`, the active editor by default. */
  analyze(editor?: vscode.TextEditor, options?: AnalyzeOptions): Promise<AnalysisOutcome>;
  /** Cancels the running analysis as its progress notification's Cancel button does; false when none runs. */
  cancelAnalysis(): boolean;
  readonly isAnalysing: boolean;
  /** Fires with each progress report of the engine worker during a forward pass. */
  readonly onDidReportProgress: vscode.Event<AnalysisProgress>;
  /** The current analysis, or undefined. */
  readonly analysis: Readonly<Analysis> | undefined;
  /** The head or combination the hover and highlights use. */
  readonly selection: PatternSelection;
  /** Picks the head as the panel's picker does. */
  selectHead(selection: PatternSelection): void;
  /** Focuses a token as the panel does (null clears) and resolves once the editor highlights are drawn. */
  focusToken(tokenIndex: number | null, direction?: AttentionDirection): Promise<void>;
  /** The highlights last drawn in the editor, or undefined when there are none. */
  readonly highlights: HighlightSnapshot | undefined;
  /** The folder the next analysis loads its model from. */
  modelSource(): ModelSource;
  readonly loadedModel: ModelInfo | undefined;
  readonly panel: {
    readonly isOpen: boolean;
    /** Fires each time the webview script has loaded and posted `ready`. */
    readonly onDidBecomeReady: vscode.Event<void>;
    show(): void;
    close(): void;
    /** The StateMessage the webview receives after `ready`. */
    stateMessage(): StateMessage;
    /** The failure the panel shows (an ErrorMessage), or undefined when the last analysis did not fail or a new one started. */
    readonly lastFailure: string | undefined;
    /** Runs a webview request as if the webview had sent it, returning the reply it would receive. */
    request(request: WebviewRequest): Promise<WebviewReply | WebviewReplyError>;
    /** Fires after each reply to a request the webview script sent (thumbnails, metrics, saveFile, ...). */
    readonly onDidAnswerRequest: vscode.Event<AnsweredRequest>;
    /** Replaces the save dialog of the panel's exports; undefined restores the dialog. */
    setExportTargetPicker(picker: ExportTargetPicker | undefined): void;
  };
  /** The status bar item after an analysis: its text and tooltip, and whether it is shown. */
  readonly statusBar: {
    readonly text: string;
    readonly tooltip: string;
    readonly visible: boolean;
    /** The command a click runs. */
    readonly command: string | undefined;
  };
}
