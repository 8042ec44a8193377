import * as vscode from 'vscode';
import type { AnalysisSummary } from '../protocol';
import { prepareInput, type AnalysisInput } from './analysisInput';
import { tokenRanges, type AnalysisState } from './analysisState';
import { Disposable } from './dispose';
import { isCancellation, type EngineConnection } from './engineConnection';
import { formatCount, formatNumber } from './format';
import { describeError } from './log';
import { ModelLoadError, type ModelService } from './modelService';
import type { PatternCache } from './patternCache';
import { PinnedAnalysis } from './pinnedAnalysis';
import { readSettings } from './settings';

/** Result of an Analyze Selection run; the command returns it, so tests and callers can check it. */
export type AnalysisOutcome =
  | {
      readonly status: 'done';
      readonly analysisId: number;
      readonly tokenCount: number;
      /** Tokens the engine dropped at the token limit. */
      readonly droppedTokens: number;
      /** Characters cut before tokenizing, at maxTokens x CHARACTERS_PER_TOKEN_BOUND; no token covers them. */
      readonly cutCharacters: number;
      /** Message about text that was cut or widened, as shown to the person; undefined when nothing was. */
      readonly notice: string | undefined;
      /** Milliseconds from the command to the last token's attention row in the host, model load excluded. */
      readonly elapsedMs: number;
    }
  | { readonly status: 'rejected' | 'cancelled' | 'failed'; readonly message: string };

export interface AnalyzeOptions {
  /** Progress in the status bar instead of a notification, and no pop-ups: for re-analysis on selection change. */
  readonly quiet?: boolean;
}

/** One progress report of the worker: what it is doing, and the fraction done (0 to 1). */
export interface AnalysisProgress {
  readonly stage: string;
  readonly fraction: number;
}

/** Busy state for the panel: whether an analysis runs, and what it is doing. */
export interface BusyState {
  readonly busy: boolean;
  readonly label: string;
}

/**
 * Runs Analyze Selection: checks the input, loads the model, sends the text to
 * the worker with progress and cancellation, and publishes the result. A newer
 * run cancels the older one.
 */
export class AnalysisController extends Disposable {
  private running: { readonly run: number; readonly source: vscode.CancellationTokenSource } | undefined;
  private runCount = 0;
  private readonly busyEmitter = this.register(new vscode.EventEmitter<BusyState>());
  private readonly progressEmitter = this.register(new vscode.EventEmitter<AnalysisProgress>());
  private readonly failureEmitter = this.register(new vscode.EventEmitter<string>());

  readonly onDidChangeBusy = this.busyEmitter.event;
  /** Fires with the message of an analysis that failed, its model included, so the panel can show it. */
  readonly onDidFail = this.failureEmitter.event;
  /** Fires with each progress report of the engine worker during a forward pass. */
  readonly onDidReportProgress = this.progressEmitter.event;
  /** The analysis the panel keeps for comparing a head on two texts; `release` skips it. */
  readonly pinned: PinnedAnalysis;

  constructor(
    private readonly state: AnalysisState,
    private readonly engine: EngineConnection,
    private readonly models: ModelService,
    private readonly patterns: PatternCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.pinned = new PinnedAnalysis(
      (analysisId) => this.release(analysisId),
      () => this.state.analysis?.summary.analysisId ?? null,
    );
    // A different model makes the current and the pinned analysis meaningless, and the worker has released them.
    this.register(
      models.onDidChangeModel(() => {
        this.cancel();
        this.pinned.clear();
        this.state.clear();
      }),
    );
    this.register(
      engine.onDidCrash(() => {
        this.pinned.clear();
        this.state.clear();
      }),
    );
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Cancels the running analysis; returns false when none runs. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.source.cancel();
    return true;
  }

  async analyze(editor: vscode.TextEditor, options: AnalyzeOptions = {}): Promise<AnalysisOutcome> {
    const document = editor.document;
    const settings = readSettings(document);
    const input = prepareInput(document, editor.selection, settings.maxTokens);
    if (input.kind === 'rejected') {
      this.log.info(`Analyze Selection rejected for ${document.uri.toString(true)}: ${input.message}`);
      if (!options.quiet) void vscode.window.showWarningMessage(input.message);
      return { status: 'rejected', message: input.message };
    }

    if (this.running) this.log.info('A newer analysis started, so the running one is cancelled.');
    this.running?.source.cancel();
    const run = ++this.runCount;
    const source = new vscode.CancellationTokenSource();
    this.running = { run, source };
    this.busyEmitter.fire({ busy: true, label: `Analyzing ${document.fileName.split(/[\\/]/).pop()}` });

    try {
      return await vscode.window.withProgress(
        {
          location: options.quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
          title: 'Attention Inspector',
          cancellable: true,
        },
        async (progress, token) => {
          const link = token.onCancellationRequested(() => source.cancel());
          try {
            return await this.run(document, input, settings.maxTokens, run, source.token, progress, options);
          } finally {
            link.dispose();
          }
        },
      );
    } finally {
      source.dispose();
      if (this.running?.run === run) {
        this.running = undefined;
        this.busyEmitter.fire({ busy: false, label: '' });
      }
    }
  }

  private async run(
    document: vscode.TextDocument,
    input: AnalysisInput,
    maxTokens: number,
    run: number,
    token: vscode.CancellationToken,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    options: AnalyzeOptions,
  ): Promise<AnalysisOutcome> {
    const version = document.version;
    try {
      progress.report({ message: 'Loading the model' });
      await this.models.ensureLoaded(token, (stage) => progress.report({ message: stage }));

      const started = Date.now();
      let reported = 0;
      const summary = await this.engine.request<'analyze'>(
        { kind: 'analyze', text: input.text, maxTokens },
        {
          token,
          onProgress: (stage, fraction) => {
            progress.report({ message: stage, increment: Math.max(0, fraction - reported) * 100 });
            reported = Math.max(reported, fraction);
            this.progressEmitter.fire({ stage, fraction });
          },
        },
      );
      const roundTripMs = Date.now() - started;

      if (token.isCancellationRequested || this.running?.run !== run) {
        this.release(summary.analysisId);
        return this.cancelled(run);
      }
      this.publish(document, input, summary, version);
      const patternStarted = Date.now();
      const tokenCount = summary.tokens.count;
      await this.patterns.weights(this.state.selection, tokenCount - 1, tokenCount, 'pays');
      const elapsedMs = Date.now() - started;

      const notice = describeCut(document, input, summary, maxTokens);
      this.log.info(
        `Analyzed ${formatCount(summary.tokens.count, 'token')} of ${document.uri.toString(true)} with "${summary.model.name}" in ${elapsedMs} ms: ` +
          `tokenize ${summary.timings.tokenizeMs.toFixed(1)} ms, forward ${summary.timings.forwardMs.toFixed(1)} ms, ` +
          `worker round trip ${roundTripMs} ms, first attention row ${Date.now() - patternStarted} ms.`,
      );
      if (notice) {
        this.log.info(notice);
        if (!options.quiet) void vscode.window.showInformationMessage(notice);
      }
      return {
        status: 'done',
        analysisId: summary.analysisId,
        tokenCount: summary.tokens.count,
        droppedTokens: summary.droppedTokens,
        cutCharacters: input.originalLength - input.text.length,
        notice,
        elapsedMs,
      };
    } catch (error) {
      if (isCancellation(error)) return this.cancelled(run);
      if (error instanceof ModelLoadError) return this.modelFailed(error, options);

      const message = `Analysis failed: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(`${message} (${describeError(error)})`);
      this.failureEmitter.fire(message);
      if (!options.quiet) void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && this.log.show());
      return { status: 'failed', message };
    }
  }

  private publish(document: vscode.TextDocument, input: AnalysisInput, summary: AnalysisSummary, version: number): void {
    const previous = this.state.analysis;
    this.patterns.reset(summary.analysisId);
    this.state.setAnalysis(
      {
        summary,
        text: input.text,
        documentUri: document.uri,
        startOffset: input.startOffset,
        ranges: tokenRanges(document, input.startOffset, summary.tokens.starts, summary.tokens.ends),
        firstLine: document.positionAt(input.startOffset).line,
        untokenizedCharacters: input.originalLength - input.text.length,
        // An edit while the worker ran means the ranges may already be wrong.
        stale: document.version !== version,
      },
      readSettings(document).defaultView,
    );
    if (previous) this.release(previous.summary.analysisId);
  }

  private release(analysisId: number): void {
    if (this.pinned.keeps(analysisId)) {
      this.log.debug(`Analysis ${analysisId} stays in the worker because the panel pinned it.`);
      return;
    }
    this.engine.request<'releaseAnalysis'>({ kind: 'releaseAnalysis', analysisId }).catch((error: unknown) => {
      this.log.warn(`Releasing analysis ${analysisId} in the worker failed: ${describeError(error)}`);
    });
  }

  private cancelled(run: number): AnalysisOutcome {
    const superseded = this.running?.run !== run;
    const message = superseded ? 'The analysis was replaced by a newer one.' : 'The analysis was cancelled.';
    this.log.info(message);
    return { status: 'cancelled', message };
  }

  private modelFailed(error: ModelLoadError, options: AnalyzeOptions): AnalysisOutcome {
    this.failureEmitter.fire(error.message);
    if (!options.quiet) {
      void vscode.window.showErrorMessage(error.message, 'Choose Model...', 'Show Log').then((choice) => {
        if (choice === 'Choose Model...') void vscode.commands.executeCommand('attentionInspector.selectModel');
        if (choice === 'Show Log') this.log.show();
      });
    }
    return { status: 'failed', message: error.message };
  }
}

/** Describes what was widened or cut, or returns undefined when the analysis covers exactly the selection. */
function describeCut(document: vscode.TextDocument, input: AnalysisInput, summary: AnalysisSummary, maxTokens: number): string | undefined {
  const cutCharacters = input.originalLength - input.text.length;
  const cut = cutCharacters > 0 || summary.droppedTokens > 0;
  const scope = input.wholeDocument ? 'the document' : 'the selection';
  const parts: string[] = [];

  if (input.wholeDocument) parts.push('Nothing was selected, so the whole document was analyzed.');
  if (cut) {
    const lastLine = document.positionAt(input.startOffset + summary.analysedLength).line + 1;
    const dropped = summary.droppedTokens > 0 ? formatCount(summary.droppedTokens, 'more token') : 'the rest';
    const more = cutCharacters > 0 ? ` and ${formatCount(cutCharacters, 'character')} beyond them were not tokenized` : '';
    const limit =
      summary.model.maxPositions < maxTokens
        ? `the model's context length of ${formatCount(summary.model.maxPositions, 'token')}`
        : `the limit of ${formatCount(maxTokens, 'token')} (attentionInspector.maxTokens)`;
    const analyzed = summary.tokens.count === 1 ? 'the first token' : `the first ${formatCount(summary.tokens.count, 'token')}`;
    const verb = summary.tokens.count === 1 ? 'was' : 'were';
    parts.push(`Only ${analyzed} of ${scope} (to line ${formatNumber(lastLine)}) ${verb} analyzed: ${dropped} went past ${limit}${more}.`);
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}
