/**
 * Every message that crosses a boundary: extension host <-> engine worker, and
 * extension host <-> webview. One interface per message, one discriminated union
 * per direction. Numeric payloads travel as typed arrays with their shape and
 * are transferred where the channel allows; they are never JSON number arrays.
 *
 * This module has no imports from Node, the DOM or `vscode`: the host, the
 * worker, the webview and the command-line interface all import it.
 */

// ---------------------------------------------------------------------------
// Shared value types
// ---------------------------------------------------------------------------

/** Architecture families the engine implements (`model_type` in config.json). */
export type ModelType = 'gpt2' | 'llama' | 'qwen2' | 'mistral' | 'bert';

/** Description of a loaded model, as the webview and the cost model need it. */
export interface ModelInfo {
  /** Display name: the folder name, or "Bundled model" for the shipped one. */
  readonly name: string;
  readonly modelType: ModelType;
  /** True for decoder models (gpt2, llama, qwen2, mistral); false for bert. */
  readonly causal: boolean;
  readonly layers: number;
  readonly heads: number;
  /** Key/value heads; fewer than `heads` under grouped-query attention. */
  readonly kvHeads: number;
  readonly headDim: number;
  readonly dModel: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  /** Sliding-window width in tokens, or null for full attention. */
  readonly slidingWindow: number | null;
  /** Parameter count exactly as the checkpoint stores it. */
  readonly parameterCount: number;
  /** Storage dtype of the checkpoint's weights. */
  readonly dtype: 'F32' | 'F16' | 'BF16';
}

/** Bit flags in `TokenTable.flags`. */
export const TokenFlag = {
  /** Added by the post-processor or typed as a special token (BOS, CLS, SEP). */
  Special: 1,
  /** Holds only part of a character's UTF-8 bytes (an emoji split in two). */
  PartialCharacter: 2,
} as const;

/**
 * The tokens of one analysis, column-wise. Index i describes token i.
 * Offsets are UTF-16 code units into the analysed text; a token with no range
 * (an added special token) has start === end === -1.
 */
export interface TokenTable {
  readonly count: number;
  /** [count] token ids. */
  readonly ids: Int32Array;
  /** [count] start offsets, inclusive. */
  readonly starts: Int32Array;
  /** [count] end offsets, exclusive. */
  readonly ends: Int32Array;
  /** [count] bit set of TokenFlag values. */
  readonly flags: Uint8Array;
  /** [count] readable labels: a space marker for Ġ/▁, a newline marker for Ċ. */
  readonly labels: string[];
}

/**
 * Which attention to materialize. `head` is a head index, or a combination over
 * all of the layer's heads.
 */
export interface PatternSelection {
  readonly layer: number;
  readonly head: number | 'mean' | 'max';
}

/** Stacked attention patterns: data is [selections.length, n, n], row = query. */
export interface PatternBlock {
  readonly selections: PatternSelection[];
  readonly tokenCount: number;
  readonly data: Float32Array;
}

/** Which way `indices` pick from a pattern: query rows or key columns. */
export type PatternAxis = 'row' | 'column';

/**
 * Some rows or columns of one pattern: data is [indices.length, n]. Row i is
 * what query i pays to each key; column j is what each query pays to key j.
 */
export interface PatternRows {
  readonly selection: PatternSelection;
  readonly axis: PatternAxis;
  readonly indices: number[];
  readonly tokenCount: number;
  readonly data: Float32Array;
}

/**
 * One pattern pooled to size x size cells, size = min(requested, n). Cell
 * (r, c) covers queries floor(r n / size) up to floor((r + 1) n / size) and
 * keys split the same way. When size === n it is the pattern itself.
 */
export interface PooledPattern {
  readonly selection: PatternSelection;
  readonly tokenCount: number;
  readonly size: number;
  /** [size, size] the largest weight in each cell's block. */
  readonly data: Float32Array;
  /** [size, size] 1 where the mask hides every entry of the block, else 0. */
  readonly masked: Uint8Array;
}

/** Every head's pattern averaged down to size x size: data is [layers, heads, size, size]. */
export interface ThumbnailBlock {
  readonly layers: number;
  readonly heads: number;
  readonly size: number;
  readonly data: Float32Array;
}

/** Per-head figures, in the order of HeadMetricsTable.metrics; src/engine/metrics.ts defines each. */
export const HEAD_METRIC_NAMES = [
  'entropy',
  'previousToken',
  'induction',
  'inductionProbe',
  'duplicateToken',
  'sink',
  'self',
  'distance',
  'relativeDistance',
] as const;
export type HeadMetricName = (typeof HEAD_METRIC_NAMES)[number];

/** Head types a head is labelled with; bit i of HeadMetricsTable.labels is HEAD_LABELS[i]. */
export const HEAD_LABELS = ['previous-token', 'induction', 'duplicate-token', 'sink', 'local', 'broad'] as const;
export type HeadLabel = (typeof HEAD_LABELS)[number];

/** Thresholds, each 0 to 1, that the labels in src/engine/headLabels.ts compare with (settings `attentionInspector.heads.*`). */
export interface HeadLabelThresholds {
  /** Minimum previous-token score for "previous-token". */
  readonly previousToken: number;
  /** Minimum induction score on the repeated random sequence (on the text when there is no probe) for "induction". */
  readonly induction: number;
  /** Minimum duplicate-token score for "duplicate-token". */
  readonly duplicateToken: number;
  /** Minimum first-token score for "sink". */
  readonly sink: number;
  /** Maximum relative attention distance for "local". */
  readonly local: number;
  /** Minimum normalised entropy for "broad". */
  readonly broad: number;
}

/** The repeated random token sequence the induction probe ran on. */
export interface InductionProbeInfo {
  /** Length L of the random sequence, which appears twice. */
  readonly length: number;
  readonly seed: number;
  /** Tokens in the probe, including the special tokens the tokenizer adds. */
  readonly tokenCount: number;
}

/**
 * Every head's metrics for one analysis. data is [layers, heads, metrics.length]
 * row-major; NaN marks a metric with no defined value (no repeated token in the
 * text, or no probe).
 */
export interface HeadMetricsTable {
  readonly analysisId: number;
  readonly layers: number;
  readonly heads: number;
  readonly tokenCount: number;
  readonly metrics: HeadMetricName[];
  readonly data: Float32Array;
  /** [layers, heads] bit set: bit i set when the head has label HEAD_LABELS[i]. */
  readonly labels: Uint8Array;
  readonly thresholds: HeadLabelThresholds;
  /** Null when the model's context is too short for a probe of two tokens repeated. */
  readonly probe: InductionProbeInfo | null;
}

export interface Prediction {
  readonly id: number;
  readonly label: string;
  readonly probability: number;
}

export interface AnalysisTimings {
  readonly tokenizeMs: number;
  readonly forwardMs: number;
}

export interface AnalysisSummary {
  readonly analysisId: number;
  readonly model: ModelInfo;
  readonly tokens: TokenTable;
  /** Tokens beyond the limit that were dropped from the end; 0 when nothing was cut. */
  readonly droppedTokens: number;
  /** UTF-16 length of the text that was tokenized after truncation. */
  readonly analysedLength: number;
  readonly timings: AnalysisTimings;
}

// ---------------------------------------------------------------------------
// Extension host -> engine worker
// ---------------------------------------------------------------------------

/** One file of a Hugging Face model folder, read by the host. */
export interface ModelFile {
  /** Path relative to the model folder, e.g. "config.json" or "model-00001-of-00002.safetensors". */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface LoadModelRequest {
  readonly kind: 'loadModel';
  readonly requestId: number;
  readonly name: string;
  readonly files: ModelFile[];
}

export interface AnalyzeRequest {
  readonly kind: 'analyze';
  readonly requestId: number;
  readonly text: string;
  /** Maximum tokens, counting special tokens; further tokens are dropped and counted. */
  readonly maxTokens: number;
}

export interface PatternsRequest {
  readonly kind: 'patterns';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selections: PatternSelection[];
}

/** Rows or columns of one pattern, so a view that shows one token's attention need not fetch n x n. */
export interface RowsRequest {
  readonly kind: 'rows';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selection: PatternSelection;
  readonly indices: number[];
  readonly axis: PatternAxis;
}

/** One pattern max-pooled to at most size x size cells, for a heatmap of a long text. */
export interface HeatmapRequest {
  readonly kind: 'heatmap';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selection: PatternSelection;
  readonly size: number;
}

export interface ThumbnailsRequest {
  readonly kind: 'thumbnails';
  readonly requestId: number;
  readonly analysisId: number;
  readonly size: number;
}

export interface PredictionsRequest {
  readonly kind: 'predictions';
  readonly requestId: number;
  readonly analysisId: number;
  /** Query position whose next-token distribution is read. */
  readonly position: number;
  readonly count: number;
}

/** Computes every head's metrics (src/engine/metrics.ts) and labels them with `thresholds`. */
export interface MetricsRequest {
  readonly kind: 'metrics';
  readonly requestId: number;
  readonly analysisId: number;
  readonly thresholds: HeadLabelThresholds;
}

export interface ReleaseAnalysisRequest {
  readonly kind: 'releaseAnalysis';
  readonly requestId: number;
  readonly analysisId: number;
}

/** Asks the worker to stop request `targetId`; it then fails with a CancelledError. */
export interface CancelMessage {
  readonly kind: 'cancel';
  readonly targetId: number;
}

export type WorkerRequest =
  | LoadModelRequest
  | AnalyzeRequest
  | PatternsRequest
  | RowsRequest
  | HeatmapRequest
  | ThumbnailsRequest
  | PredictionsRequest
  | ReleaseAnalysisRequest
  | MetricsRequest;

export type HostToWorkerMessage = WorkerRequest | CancelMessage;

// ---------------------------------------------------------------------------
// Engine worker -> extension host
// ---------------------------------------------------------------------------

/** The result type of each request kind. */
export interface WorkerResults {
  loadModel: ModelInfo;
  analyze: AnalysisSummary;
  patterns: PatternBlock;
  rows: PatternRows;
  heatmap: PooledPattern;
  thumbnails: ThumbnailBlock;
  predictions: Prediction[];
  releaseAnalysis: null;
  metrics: HeadMetricsTable;
}

export interface WorkerResponse<K extends WorkerRequest['kind'] = WorkerRequest['kind']> {
  readonly kind: 'response';
  readonly requestId: number;
  readonly request: K;
  readonly result: WorkerResults[K];
}

/** A serialised engine error. `name` is the error class, e.g. "SafetensorsError". */
export interface WorkerError {
  readonly kind: 'error';
  readonly requestId: number;
  readonly name: string;
  readonly message: string;
}

export interface WorkerProgress {
  readonly kind: 'progress';
  readonly requestId: number;
  /** What is being done, e.g. "Reading weights" or "Layer 3 of 12". */
  readonly stage: string;
  /** Fraction done, 0 to 1. */
  readonly fraction: number;
}

export type WorkerToHostMessage = WorkerResponse | WorkerError | WorkerProgress;

// ---------------------------------------------------------------------------
// Extension host <-> webview
// ---------------------------------------------------------------------------

/** How the panel and the editor combine heads by default (setting `attentionInspector.defaultView`). */
export type ViewMode = 'head' | 'mean' | 'max';

/** Which way attention is read for the focused token. */
export type AttentionDirection = 'pays' | 'receives';

/** What the webview shows: an analysis of one text. */
export interface AnalysisView {
  readonly summary: AnalysisSummary;
  /** The analysed text itself, so tokens render in the document's layout. */
  readonly text: string;
  /** Document the text came from, for the title; a URI string. */
  readonly documentUri: string;
  /** Zero-based line of the first analysed character, for line numbers. */
  readonly firstLine: number;
  /** True once the document was edited after the analysis: ranges may be wrong. */
  readonly stale: boolean;
  /**
   * Characters of the selection (or document) after `text` that the host cut
   * before tokenizing, so no token and no count in `summary` covers them; 0 when nothing was cut.
   */
  readonly untokenizedCharacters: number;
}

export interface WebviewSettings {
  readonly defaultView: ViewMode;
  readonly highlightFollowsMouse: boolean;
}

/** Host -> webview: the whole state; sent after `ready`, on a new analysis, and when the panel becomes visible. */
export interface StateMessage {
  readonly kind: 'state';
  readonly analysis: AnalysisView | null;
  readonly settings: WebviewSettings;
  /** The head the editor hover uses, so both views agree. */
  readonly selection: PatternSelection;
}

/** Host -> webview: an analysis is running (or finished, with busy false). */
export interface BusyMessage {
  readonly kind: 'busy';
  readonly busy: boolean;
  readonly label: string;
}

/**
 * Host -> webview: the last Analyze Selection failed, e.g. its model could not
 * be loaded. The message is the one the notification shows. It stays valid
 * until the next BusyMessage with busy true; the host sends it again after `ready`.
 */
export interface ErrorMessage {
  readonly kind: 'error';
  readonly message: string;
}

/** Host -> webview: the document changed since the analysis. */
export interface StaleMessage {
  readonly kind: 'stale';
  readonly analysisId: number;
}

/** Host -> webview: the editor's cursor or hover moved to a token (null clears). */
export interface FocusMessage {
  readonly kind: 'focus';
  readonly analysisId: number;
  readonly tokenIndex: number | null;
}

/** Host -> webview: the reply to a WebviewRequest with the same requestId. */
export interface WebviewReply<K extends WebviewRequest['kind'] = WebviewRequest['kind']> {
  readonly kind: 'reply';
  readonly requestId: number;
  readonly request: K;
  readonly result: WebviewResults[K];
}

/** Host -> webview: a WebviewRequest failed. */
export interface WebviewReplyError {
  readonly kind: 'replyError';
  readonly requestId: number;
  readonly message: string;
}

export type HostToWebviewMessage =
  | StateMessage
  | BusyMessage
  | ErrorMessage
  | StaleMessage
  | FocusMessage
  | WebviewReply
  | WebviewReplyError
  | HeadsCommandMessage
  | ShowViewMessage;

/** Webview -> host: the script has loaded, so the host replies with a StateMessage. */
export interface ReadyMessage {
  readonly kind: 'ready';
}

/** Webview -> host: the token under the mouse or pinned (null clears), so the editor can shade the same tokens. */
export interface FocusTokenMessage {
  readonly kind: 'focusToken';
  readonly analysisId: number;
  readonly tokenIndex: number | null;
  readonly direction: AttentionDirection;
}

/** Webview -> host: the layer/head/combination the person picked. */
export interface SelectHeadMessage {
  readonly kind: 'selectHead';
  readonly selection: PatternSelection;
}

export interface WebviewPatternsRequest {
  readonly kind: 'patterns';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selections: PatternSelection[];
}

export interface WebviewRowsRequest {
  readonly kind: 'rows';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selection: PatternSelection;
  readonly indices: number[];
  readonly axis: PatternAxis;
}

export interface WebviewHeatmapRequest {
  readonly kind: 'heatmap';
  readonly requestId: number;
  readonly analysisId: number;
  readonly selection: PatternSelection;
  readonly size: number;
}

export interface WebviewThumbnailsRequest {
  readonly kind: 'thumbnails';
  readonly requestId: number;
  readonly analysisId: number;
  readonly size: number;
}

export interface WebviewPredictionsRequest {
  readonly kind: 'predictions';
  readonly requestId: number;
  readonly analysisId: number;
  readonly position: number;
  readonly count: number;
}

export type WebviewRequest =
  | WebviewPatternsRequest
  | WebviewRowsRequest
  | WebviewHeatmapRequest
  | WebviewThumbnailsRequest
  | WebviewPredictionsRequest
  | HeadsWebviewRequest;

/** Webview -> host: every head's metrics; the host adds the label thresholds from the settings. */
export interface WebviewMetricsRequest {
  readonly kind: 'metrics';
  readonly requestId: number;
  readonly analysisId: number;
}

/** Webview -> host: save `bytes` to a file the person picks in a save dialog; `name` is the suggested file name. */
export interface WebviewSaveFileRequest {
  readonly kind: 'saveFile';
  readonly requestId: number;
  readonly name: string;
  /** e.g. "image/png", "text/csv"; picks the save dialog's file filter. */
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

export interface SaveFileResult {
  /** False when the person cancelled the dialog. */
  readonly saved: boolean;
  /** The saved file's URI as a string, or null when nothing was saved. */
  readonly uri: string | null;
}

/** Requests of the heads grid, comparison and export views. */
export type HeadsWebviewRequest = WebviewMetricsRequest | WebviewSaveFileRequest;

export interface HeadsWebviewResults {
  metrics: HeadMetricsTable;
  saveFile: SaveFileResult;
}

/**
 * Webview -> host: keep analysis `analysisId` in the worker for the two-text
 * comparison even after newer analyses replace it; null drops the pin (the
 * host then releases it unless it is the current analysis).
 */
export interface PinAnalysisMessage {
  readonly kind: 'pinAnalysis';
  readonly analysisId: number | null;
}

/** What a palette command asks the heads views to do. */
export type HeadsCommand =
  | 'showGrid'
  | 'showCompare'
  | 'showTwoTexts'
  | 'exportGridPng'
  | 'exportMetricsCsv'
  | 'exportMetricsMarkdown'
  | 'exportComparisonPng'
  /** The label thresholds changed: request the metrics again. */
  | 'refreshMetrics';

/** Host -> webview: a palette command for the heads views. */
export interface HeadsCommandMessage {
  readonly kind: 'headsCommand';
  readonly command: HeadsCommand;
}

/** Views of the panel that the host can bring to the front. */
export type PanelViewName = 'attention' | 'cost';

/** Host -> webview: select the tab of `view`, e.g. after a click on the status bar item. */
export interface ShowViewMessage {
  readonly kind: 'showView';
  readonly view: PanelViewName;
}

export interface WebviewResults extends HeadsWebviewResults {
  patterns: PatternBlock;
  rows: PatternRows;
  heatmap: PooledPattern;
  thumbnails: ThumbnailBlock;
  predictions: Prediction[];
}

export type WebviewToHostMessage = ReadyMessage | FocusTokenMessage | SelectHeadMessage | PinAnalysisMessage | WebviewRequest;
