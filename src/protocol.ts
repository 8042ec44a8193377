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

/** What the webview and the cost model need to know about a loaded model. */
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

/** Every head's pattern averaged down to size x size: data is [layers, heads, size, size]. */
export interface ThumbnailBlock {
  readonly layers: number;
  readonly heads: number;
  readonly size: number;
  readonly data: Float32Array;
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
  | ThumbnailsRequest
  | PredictionsRequest
  | ReleaseAnalysisRequest;

export type HostToWorkerMessage = WorkerRequest | CancelMessage;

// ---------------------------------------------------------------------------
// Engine worker -> extension host
// ---------------------------------------------------------------------------

/** The result type of each request kind. */
export interface WorkerResults {
  loadModel: ModelInfo;
  analyze: AnalysisSummary;
  patterns: PatternBlock;
  thumbnails: ThumbnailBlock;
  predictions: Prediction[];
  releaseAnalysis: null;
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

/** Buffers in a message that a postMessage call may transfer instead of copy. */
export function transferablesOf(message: HostToWorkerMessage | WorkerToHostMessage): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (view: ArrayBufferView) => {
    if (view.buffer instanceof ArrayBuffer && !buffers.includes(view.buffer)) buffers.push(view.buffer);
  };
  switch (message.kind) {
    case 'loadModel':
      for (const file of message.files) add(file.bytes);
      break;
    case 'response': {
      const result = message.result as WorkerResults[keyof WorkerResults];
      if (result && typeof result === 'object' && 'data' in result) add(result.data);
      break;
    }
    default:
      break;
  }
  return buffers;
}
