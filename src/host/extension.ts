import * as vscode from 'vscode';
import { AnalysisController } from './analysisController';
import { AnalysisState } from './analysisState';
import type { AttentionInspectorApi } from './api';
import { registerCommands } from './commands';
import { Disposable } from './dispose';
import { EngineConnection } from './engineConnection';
import { refreshLabelsOnSettingChange, registerHeadsCommands } from './headsCommands';
import { HighlightController } from './highlights';
import { AttentionHoverProvider } from './hover';
import { createLog } from './log';
import { ModelService, type ExtensionHostKind } from './modelService';
import { AttentionPanel } from './panel';
import { PatternCache } from './patternCache';
import { SelectionReanalyzer } from './reanalyze';
import { AnalysisStatusBar } from './statusBar';
import type { EngineWorkerFactory } from './workerHandle';

/**
 * Everything the extension creates, owned in one place: disposing it disposes
 * every listener, provider, panel and the worker, so `deactivate` has nothing
 * left to do.
 */
class AttentionInspector extends Disposable {
  readonly log = this.register(createLog());
  readonly engine: EngineConnection;
  readonly state = this.register(new AnalysisState());
  readonly models: ModelService;
  readonly patterns: PatternCache;
  readonly analysis: AnalysisController;
  readonly highlights: HighlightController;
  readonly panel: AttentionPanel;
  readonly statusBar: AnalysisStatusBar;

  constructor(context: vscode.ExtensionContext, createWorker: EngineWorkerFactory, host: ExtensionHostKind) {
    super();
    this.engine = this.register(new EngineConnection(createWorker, this.log));
    this.models = this.register(new ModelService(context.extensionUri, this.engine, this.log, host));
    this.patterns = new PatternCache(this.engine);
    this.analysis = this.register(new AnalysisController(this.state, this.engine, this.models, this.patterns, this.log));
    this.highlights = this.register(new HighlightController(this.state, this.patterns, this.log));
    this.panel = this.register(new AttentionPanel(context.extensionUri, this.state, this.engine, this.analysis.pinned, this.log));
    this.register(new AttentionHoverProvider(this.state, this.patterns, this.log));
    this.statusBar = this.register(new AnalysisStatusBar(this.state, this.log));
    this.register(new SelectionReanalyzer(this.analysis));
    this.register(this.analysis.onDidChangeBusy((busy) => this.panel.setBusy(busy)));
    this.register(this.analysis.onDidFail((message) => this.panel.showFailure(message)));
    for (const command of registerCommands(this.analysis, this.panel, this.highlights)) this.register(command);
    for (const command of registerHeadsCommands(this.panel)) this.register(command);
    this.register(refreshLabelsOnSettingChange(this.panel));
  }
}

/** Builds the object `activate` returns; each member delegates to the part that owns it. */
function createApi(inspector: AttentionInspector): AttentionInspectorApi {
  return {
    analyze: (editor, options) => {
      const target = editor ?? vscode.window.activeTextEditor;
      if (!target) return Promise.resolve({ status: 'rejected', message: 'No editor is open.' });
      return inspector.analysis.analyze(target, options);
    },
    cancelAnalysis: () => inspector.analysis.cancel(),
    get isAnalysing() {
      return inspector.analysis.isRunning;
    },
    onDidReportProgress: inspector.analysis.onDidReportProgress,
    get analysis() {
      return inspector.state.analysis;
    },
    get selection() {
      return inspector.state.selection;
    },
    selectHead: (selection) => inspector.state.setSelection(selection),
    focusToken: (tokenIndex, direction = 'pays') => {
      inspector.state.setFocus(tokenIndex === null ? null : { tokenIndex, direction }, 'webview');
      return inspector.highlights.settled();
    },
    get highlights() {
      return inspector.highlights.decorations.snapshot;
    },
    modelSource: () => inspector.models.resolveSource(),
    get loadedModel() {
      return inspector.models.current;
    },
    panel: {
      get isOpen() {
        return inspector.panel.isOpen;
      },
      onDidBecomeReady: inspector.panel.onDidBecomeReady,
      show: () => inspector.panel.show(true),
      close: () => inspector.panel.close(),
      stateMessage: () => inspector.panel.stateMessage(),
      get lastFailure() {
        return inspector.panel.lastFailure;
      },
      request: (request) => inspector.panel.handleRequest(request),
      onDidAnswerRequest: inspector.panel.onDidAnswerRequest,
      setExportTargetPicker: (picker) => inspector.panel.setExportTargetPicker(picker),
    },
    statusBar: {
      get text() {
        return inspector.statusBar.item.text;
      },
      get tooltip() {
        const tooltip = inspector.statusBar.item.tooltip;
        return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
      },
      get visible() {
        return inspector.statusBar.visible;
      },
      get command() {
        const command = inspector.statusBar.item.command;
        return typeof command === 'string' ? command : command?.command;
      },
    },
  };
}

/** Activates the extension for both entries, which differ in how they start the worker and in what files they can read. */
export function activateWith(context: vscode.ExtensionContext, createWorker: EngineWorkerFactory, host: ExtensionHostKind): AttentionInspectorApi {
  const inspector = new AttentionInspector(context, createWorker, host);
  context.subscriptions.push(inspector);
  inspector.log.info(
    `Attention Inspector activated in the ${host} extension host and the ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, VS Code ${vscode.version}.`,
  );
  return createApi(inspector);
}
