/**
 * The engine: loads a Hugging Face model folder, analyses text with it and
 * serves attention patterns, thumbnails and predictions from the kept queries
 * and keys. Pure TypeScript; the worker and the tests call it directly.
 */
import type {
  AnalysisSummary, HeadLabelThresholds, HeadMetricsTable, ModelInfo, PatternAxis, PatternBlock, PatternRows, PatternSelection,
  PooledPattern, Prediction, ThumbnailBlock, TokenTable,
} from '../protocol';
import { HEAD_METRIC_NAMES } from '../protocol';
import { Tokenizer } from '../tokenizer/index';
import { patternBlock, thumbnailBlock } from './attention';
import { Checkpoint, type ModelFolder } from './checkpoint';
import { parseModelConfig, type ModelConfig } from './config';
import { patternRows, pooledPattern } from './patternViews';
import { ConfigError, InputError, TokenizerError } from './errors';
import { labelTable, normalizeThresholds } from './headLabels';
import { computeHeadMetrics, writeProbeScores, type HeadMetricsOptions } from './headMetrics';
import { buildProbe, probeScores, type ProbeSequence } from './metricsProbe';
import { createModel } from './models/index';
import {
  releaseForwardResult, yieldToEventLoop, type ForwardOptions, type ForwardResult, type LanguageModel,
} from './models/model';
import { createKernelBackend, type KernelOptions } from './wasm/select';

export type ProgressCallback = (stage: string, fraction: number) => void;

export interface AnalyzeOptions {
  readonly onProgress?: ProgressCallback;
  /** Polled between layers; returning true ends the analysis with a CancelledError. */
  readonly isCancelled?: () => boolean;
}

interface LoadedModel {
  readonly info: ModelInfo;
  readonly config: ModelConfig;
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
}

interface Analysis {
  readonly tokens: TokenTable;
  readonly result: ForwardResult;
}

/** The induction probe's scores, computed once per loaded model. */
interface ProbeRun {
  readonly model: LoadedModel;
  readonly sequence: ProbeSequence;
  /** [layers, heads] */
  readonly scores: Float32Array;
}

export type EngineOptions = KernelOptions;

export class Engine {
  private loaded: LoadedModel | null = null;
  private readonly analyses = new Map<number, Analysis>();
  private nextAnalysisId = 1;
  /** Forward passes share the model's run state, so they run one at a time in request order. */
  private forwardQueue: Promise<unknown> = Promise.resolve();

  /** `options` picks the kernels each loaded model runs on (see KernelOptions). */
  constructor(private readonly options: EngineOptions = {}) {}

  /** How the loaded model's kernels run ("typescript", "wasm-simd, 2 threads"), or null before loadModel. */
  get kernelsDescription(): string | null {
    return this.loaded?.model.kernels.description ?? null;
  }
  /** Undefined until the first metrics request for the loaded model; null when the model is too small for a probe. */
  private probeRun: ProbeRun | null | undefined;

  /** The loaded model's description, or null before loadModel succeeds. */
  get modelInfo(): ModelInfo | null {
    return this.loaded?.info ?? null;
  }

  /**
   * Loads config.json, tokenizer.json (with tokenizer_config.json when present)
   * and the safetensors checkpoint. Replaces the current model and releases
   * every analysis of it; on failure the previous model stays loaded.
   */
  async loadModel(folder: ModelFolder, onProgress?: ProgressCallback): Promise<ModelInfo> {
    onProgress?.('Reading config.json', 0);
    const config = parseModelConfig(readJson(folder, 'config.json'), 'config.json');

    onProgress?.('Reading the tokenizer', 0.05);
    const tokenizerJson = readText(folder, 'tokenizer.json', TokenizerError,
      `"${folder.name}" has no tokenizer.json. Choose a model folder saved with its fast tokenizer.`);
    const tokenizerConfigBytes = folder.read('tokenizer_config.json');
    const tokenizerConfig = tokenizerConfigBytes === undefined ? undefined : decodeUtf8(tokenizerConfigBytes, 'tokenizer_config.json', TokenizerError);
    const tokenizer = Tokenizer.fromJson(tokenizerJson, tokenizerConfig);
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new TokenizerError(
        `tokenizer.json has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${config.vocabSize}; ` +
          'the tokenizer does not belong to this model.',
      );
    }
    await yieldToEventLoop();

    onProgress?.('Reading weights', 0.1);
    const checkpoint = Checkpoint.open(folder);
    // Each model gets its own kernel memory, so replacing a model frees all of the old one's.
    const kernels = await createKernelBackend(this.options);
    let model: LanguageModel;
    try {
      model = createModel(config, checkpoint, kernels);
    } catch (error) {
      kernels.dispose();
      throw error;
    }
    onProgress?.('Model loaded', 1);

    const info: ModelInfo = {
      name: folder.name,
      modelType: config.modelType,
      causal: model.causal,
      layers: config.layers,
      heads: config.heads,
      kvHeads: config.kvHeads,
      headDim: config.headDim,
      dModel: config.dModel,
      intermediateSize: config.intermediateSize,
      vocabSize: config.vocabSize,
      maxPositions: config.maxPositions,
      slidingWindow: config.slidingWindow,
      parameterCount: checkpoint.parameterCount,
      dtype: checkpoint.dtype,
    };
    this.analyses.clear();
    this.probeRun = undefined;
    this.loaded?.model.kernels.dispose();
    this.loaded = { info, config, model, tokenizer };
    return info;
  }

  /**
   * Tokenizes `text`, keeps at most min(maxTokens, the model's maximum
   * positions) tokens, runs the forward pass and stores the analysis.
   *
   * Longer text is cut at a token boundary and tokenized again, so special
   * tokens that the post-processor adds at the end (BERT's [SEP]) stay.
   * `droppedTokens` counts the tokens lost, and `analysedLength` is the UTF-16
   * length of the text analysed.
   */
  async analyze(text: string, maxTokens: number, options: AnalyzeOptions = {}): Promise<AnalysisSummary> {
    const loaded = this.requireModel();
    if (!Number.isSafeInteger(maxTokens) || maxTokens < 1) {
      throw new InputError(`maxTokens ${maxTokens} is invalid; use a positive integer.`);
    }
    if (text.length === 0) {
      throw new InputError('The text is empty. Select some text to analyse.');
    }

    const tokenizeStart = performance.now();
    const limit = Math.min(maxTokens, loaded.config.maxPositions);
    const full = loaded.tokenizer.encode(text, { addSpecialTokens: true });
    if (!hasTextToken(full)) {
      throw new InputError('The text produced no tokens besides special tokens. Select some text to analyse.');
    }
    const { tokens, analysedLength } = truncate(loaded.tokenizer, text, full, limit);
    const tokenizeMs = performance.now() - tokenizeStart;

    const forwardStart = performance.now();
    const forwardOptions: ForwardOptions = { onProgress: options.onProgress, isCancelled: options.isCancelled };
    const run = this.forwardQueue.then(() => loaded.model.forward(tokens.ids, forwardOptions));
    this.forwardQueue = run.catch(() => undefined); // a failed pass must not block the next one
    const result = await run;
    const forwardMs = performance.now() - forwardStart;

    if (this.loaded !== loaded) {
      throw new InputError('The model was replaced while the text was being analysed. Analyse the text again.');
    }
    const analysisId = this.nextAnalysisId++;
    this.analyses.set(analysisId, { tokens, result });
    return {
      analysisId,
      model: loaded.info,
      tokens,
      droppedTokens: full.count - tokens.count,
      analysedLength,
      timings: { tokenizeMs, forwardMs },
    };
  }

  /** Materializes the selected patterns: data is [selections.length, n, n]. */
  patterns(analysisId: number, selections: readonly PatternSelection[]): PatternBlock {
    return patternBlock(this.requireAnalysis(analysisId).result.attention, selections);
  }

  /** Returns rows (axis 'row') or columns ('column') of one pattern: data is [indices.length, n] (see patternRows). */
  rows(analysisId: number, selection: PatternSelection, indices: readonly number[], axis: PatternAxis): PatternRows {
    return patternRows(this.requireAnalysis(analysisId).result.attention, selection, indices, axis);
  }

  /** Max-pools one pattern to at most size x size cells, with all-masked cells flagged (see pooledPattern). */
  heatmap(analysisId: number, selection: PatternSelection, size: number): PooledPattern {
    return pooledPattern(this.requireAnalysis(analysisId).result.attention, selection, size);
  }

  /** Averages every head's pattern down to at most size x size (see thumbnailBlock). */
  thumbnails(analysisId: number, size: number): ThumbnailBlock {
    return thumbnailBlock(this.requireAnalysis(analysisId).result.attention, size);
  }

  /**
   * Returns the `count` most probable next tokens after `position`, most
   * probable first, from the softmax of that position's logits.
   */
  predictions(analysisId: number, position: number, count: number): Prediction[] {
    const analysis = this.requireAnalysis(analysisId);
    const loaded = this.requireModel();
    const n = analysis.tokens.count;
    if (!loaded.model.causal) {
      throw new InputError(`${loaded.info.name} is a ${loaded.info.modelType} encoder without a language-model head, so it makes no next-token predictions.`);
    }
    if (!Number.isInteger(position) || position < 0 || position >= n) {
      throw new InputError(`Position ${position} is out of range; the analysis has tokens 0 to ${n - 1}.`);
    }
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new InputError(`Prediction count ${count} is invalid; use a positive integer.`);
    }
    const logits = position === n - 1 && analysis.result.lastLogits !== null
      ? analysis.result.lastLogits
      : loaded.model.logitsAt(analysis.result.hidden, position);
    if (logits === null) throw new InputError(`${loaded.info.name} has no language-model head.`);
    return topPredictions(logits, Math.min(count, logits.length), (id) => loaded.tokenizer.decodeLabel(id));
  }

  /**
   * Computes every head's metrics on the analysis (src/engine/metrics.ts) and
   * the induction probe's score, and labels the heads with `thresholds`
   * (clamped to 0..1). The probe's forward pass runs on the first call for a
   * model and is kept for later calls.
   */
  async metrics(analysisId: number, thresholds: HeadLabelThresholds, options: HeadMetricsOptions = {}): Promise<HeadMetricsTable> {
    const analysis = this.requireAnalysis(analysisId);
    const loaded = this.requireModel();
    const kept = analysis.result.attention;
    // The computation yields between layers. It waits in the forward queue, so no forward pass
    // runs meanwhile and reuses the kernels' memory, and it stops if the analysis is released.
    const job = this.forwardQueue.then(() => computeHeadMetrics(kept, analysis.tokens.ids, {
      onProgress: options.onProgress,
      isCancelled: () => options.isCancelled?.() === true || !this.analyses.has(analysisId),
    }));
    this.forwardQueue = job.catch(() => undefined);
    const data = await job;
    const probe = await this.inductionProbe(loaded);
    if (probe !== null) writeProbeScores(data, probe.scores);
    const checked = normalizeThresholds(thresholds);
    return {
      analysisId,
      layers: kept.layers,
      heads: kept.heads,
      tokenCount: kept.tokenCount,
      metrics: [...HEAD_METRIC_NAMES],
      data,
      labels: labelTable(data, kept.heads, kept.layers, checked),
      thresholds: checked,
      probe: probe === null ? null : { length: probe.sequence.length, seed: probe.sequence.seed, tokenCount: probe.sequence.ids.length },
    };
  }

  /** Runs (once per model) the forward pass on the repeated random sequence of metricsProbe.ts. */
  private async inductionProbe(loaded: LoadedModel): Promise<ProbeRun | null> {
    if (this.probeRun !== undefined && (this.probeRun === null || this.probeRun.model === loaded)) return this.probeRun;
    // The special tokens the tokenizer puts around any text (BOS; CLS and SEP) frame the probe too.
    const framed = loaded.tokenizer.encode('a', { addSpecialTokens: true });
    const prefix: number[] = [];
    const suffix: number[] = [];
    let index = 0;
    while (index < framed.count && framed.starts[index] < 0) prefix.push(framed.ids[index++]);
    for (let last = framed.count - 1; last >= index && framed.starts[last] < 0; last--) suffix.unshift(framed.ids[last]);
    // NOTE: only the special tokens around "a" are excluded from the random ids; other added tokens may be drawn.
    const sequence = buildProbe(loaded.tokenizer.vocabSize, loaded.config.maxPositions, prefix, suffix, new Set([...prefix, ...suffix]));
    if (sequence === null) {
      this.probeRun = null;
      return null;
    }
    // The scores are read right after the pass, which is then released; only they are kept.
    const run = this.forwardQueue.then(async () => {
      const result = await loaded.model.forward(sequence.ids);
      const scores = probeScores(result.attention, sequence);
      releaseForwardResult(loaded.model.kernels, result);
      return scores;
    });
    this.forwardQueue = run.catch(() => undefined);
    const scores = await run;
    if (this.loaded !== loaded) {
      throw new InputError('The model was replaced while the head metrics were computed. Analyse the text again.');
    }
    this.probeRun = { model: loaded, sequence, scores };
    return this.probeRun;
  }

  /** Frees an analysis's kept queries and keys; releasing an unknown id does nothing. */
  releaseAnalysis(analysisId: number): void {
    const analysis = this.analyses.get(analysisId);
    if (analysis === undefined) return;
    this.analyses.delete(analysisId);
    releaseForwardResult(this.requireModel().model.kernels, analysis.result);
  }

  private requireModel(): LoadedModel {
    if (this.loaded === null) throw new InputError('No model is loaded. Load a model before analysing text.');
    return this.loaded;
  }

  private requireAnalysis(analysisId: number): Analysis {
    const analysis = this.analyses.get(analysisId);
    if (analysis === undefined) {
      throw new InputError(`Analysis ${analysisId} was not found; it was released or belongs to a model that was replaced. Analyse the text again.`);
    }
    return analysis;
  }
}

function hasTextToken(table: TokenTable): boolean {
  for (let i = 0; i < table.count; i++) if (table.starts[i] >= 0) return true;
  return false;
}

/**
 * Cuts `text` until its tokens fit in `limit`, counting the special tokens
 * added at the end. Each round cuts at the end of the last token that fits, or
 * at its start when that end would not shorten the text. The cut moves left
 * every round, so the loop ends.
 */
function truncate(tokenizer: Tokenizer, text: string, full: TokenTable, limit: number): { tokens: TokenTable; analysedLength: number } {
  let tokens = full;
  let cut = text.length;
  while (tokens.count > limit) {
    let trailingSpecial = 0;
    while (trailingSpecial < tokens.count && tokens.starts[tokens.count - 1 - trailingSpecial] < 0) trailingSpecial++;
    let last = Math.min(limit - trailingSpecial, tokens.count) - 1; // last token index that may stay
    while (last >= 0 && tokens.starts[last] < 0) last--;
    let nextCut = last >= 0 ? tokens.ends[last] : 0;
    // Byte tokens of one character share its range; cutting at its end would keep them all.
    if (nextCut >= cut) nextCut = tokens.starts[last];
    if (nextCut <= 0) {
      throw new InputError(
        `maxTokens ${limit} is too small: the model's tokenizer adds special tokens and no text token fits. Allow more tokens.`,
      );
    }
    cut = nextCut;
    tokens = tokenizer.encode(text.slice(0, cut), { addSpecialTokens: true });
  }
  return { tokens, analysedLength: cut };
}

/** Picks the `count` highest-probability ids, with probabilities from a float64 softmax over all logits. */
export function topPredictions(logits: Float32Array, count: number, label: (id: number) => string): Prediction[] {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);

  // Keep the best `count` ids in a small sorted list; count is a handful, the vocabulary large.
  const best: number[] = [];
  for (let id = 0; id < logits.length; id++) {
    if (best.length === count && logits[id] <= logits[best[count - 1]]) continue;
    let at = best.length;
    while (at > 0 && logits[best[at - 1]] < logits[id]) at--;
    best.splice(at, 0, id);
    if (best.length > count) best.pop();
  }
  return best.map((id) => ({ id, label: label(id), probability: Math.exp(logits[id] - max) / sum }));
}

function readText(folder: ModelFolder, fileName: string, ErrorType: new (message: string) => Error, missingMessage: string): string {
  const bytes = folder.read(fileName);
  if (bytes === undefined) throw new ErrorType(missingMessage);
  return decodeUtf8(bytes, fileName, ErrorType);
}

function decodeUtf8(bytes: Uint8Array, fileName: string, ErrorType: new (message: string) => Error): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ErrorType(`${fileName} is not valid UTF-8 (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function readJson(folder: ModelFolder, fileName: string): unknown {
  const text = readText(folder, fileName, ConfigError, `"${folder.name}" has no ${fileName}. Choose a Hugging Face model folder.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${fileName} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}
