/**
 * The interface each architecture's forward pass implements, and shared
 * helpers: weight lookup by Hugging Face name, cooperative yielding and
 * cancellation, and multi-head attention over kept queries and keys.
 */
import { attentionRow, type KeptAttention, type MaskRule } from '../attention';
import type { Checkpoint } from '../checkpoint';
import type { ModelConfig } from '../config';
import { CancelledError, MissingTensorError } from '../errors';
import type { KernelBackend } from '../kernels/backend';
import type { PackedMatrix } from '../kernels/matmul';

export interface ForwardOptions {
  /** Called before each layer and at the end; `fraction` runs from 0 to 1. */
  readonly onProgress?: (stage: string, fraction: number) => void;
  /** Polled between layers; when it returns true the pass throws CancelledError. */
  readonly isCancelled?: () => boolean;
}

export interface ForwardResult {
  readonly attention: KeptAttention;
  /** [n, dModel]: the last layer's output, after the final norm in decoder models. */
  readonly hidden: Float32Array;
  /** [vocabSize] logits of the last position, or null for a model without a language-model head (bert). */
  readonly lastLogits: Float32Array | null;
}

export interface LanguageModel {
  readonly config: ModelConfig;
  /** The kernels and memory the model runs on; its weights and results live in that memory. */
  readonly kernels: KernelBackend;
  /** True for decoder models, whose logits predict the next token. */
  readonly causal: boolean;
  forward(ids: Int32Array, options?: ForwardOptions): Promise<ForwardResult>;
  /** Logits [vocabSize] at `position` from a forward result's hidden states; null without a head. */
  logitsAt(hidden: Float32Array, position: number): Float32Array | null;
}

/** Reads weights by their Hugging Face names under one of several prefixes, checking shapes. */
export class WeightReader {
  readonly prefix: string;

  /**
   * Picks the first prefix under which `probe` exists, e.g. "transformer." or ""
   * for GPT-2 checkpoints saved from GPT2LMHeadModel or GPT2Model.
   */
  constructor(
    private readonly checkpoint: Checkpoint, prefixes: readonly string[], probe: string,
    private readonly kernels: KernelBackend,
  ) {
    const found = prefixes.find((prefix) => checkpoint.has(prefix + probe));
    if (found === undefined) {
      const tried = prefixes.map((prefix) => `"${prefix}${probe}"`).join(' or ');
      throw new MissingTensorError(prefixes[0] + probe, undefined, `Looked for ${tried}.`);
    }
    this.prefix = found;
  }

  has(name: string): boolean {
    return this.checkpoint.has(this.prefix + name);
  }

  /**
   * Returns the tensor's float32 data in the kernels' memory; throws MissingTensorError, or
   * SafetensorsError on a shape mismatch.
   */
  read(name: string, shape: readonly number[]): Float32Array {
    return this.kernels.adopt(this.readHost(name, shape));
  }

  /** Returns the tensor's float32 data outside the kernels' memory, for tables read only by TypeScript (embeddings). */
  readHost(name: string, shape: readonly number[]): Float32Array {
    return this.checkpoint.tensor(this.prefix + name, shape).data;
  }

  /** Reads a name outside the prefix, such as "lm_head.weight", outside the kernels' memory. */
  readUnprefixed(name: string, shape: readonly number[]): Float32Array {
    return this.checkpoint.tensor(name, shape).data;
  }

  /** Reads a [in, out] Conv1D weight (GPT-2) and packs it for matmulPacked. */
  packedConv1d(name: string, inFeatures: number, outFeatures: number): PackedMatrix {
    return this.kernels.pack(this.readHost(name, [inFeatures, outFeatures]), inFeatures, outFeatures, 'inOut');
  }

  /** Reads a [out, in] nn.Linear weight and packs it for matmulPacked. */
  packedLinear(name: string, inFeatures: number, outFeatures: number): PackedMatrix {
    return this.kernels.pack(this.readHost(name, [outFeatures, inFeatures]), inFeatures, outFeatures, 'outIn');
  }
}

/** Returns a forward result's kept queries and keys and its hidden states to the kernels' memory. */
export function releaseForwardResult(kernels: KernelBackend, result: ForwardResult): void {
  for (const queries of result.attention.queries) kernels.free(queries);
  for (const keys of result.attention.keys) kernels.free(keys);
  kernels.free(result.hidden);
}

/**
 * Logits [vocabSize] of one position: `scratch` ([vocabSize], in the kernels' memory) receives the
 * product and a plain copy is returned, so the caller may keep it.
 */
export function logitsOfPosition(
  kernels: KernelBackend, scratch: Float32Array, hidden: Float32Array, position: number, dModel: number, head: PackedMatrix,
): Float32Array {
  kernels.matmul(scratch, hidden.subarray(position * dModel, (position + 1) * dModel), 1, head, null);
  return scratch.slice();
}

/**
 * Waits for a macrotask, so that messages queued for the worker (a cancel) are
 * handled. Node's setImmediate costs about 0.1 ms; setTimeout(0), the fallback
 * in browsers, is clamped to about 1 ms (measured with Node 20).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Reports progress, yields, then throws CancelledError if the caller cancelled. */
export async function betweenLayers(options: ForwardOptions, layer: number, layers: number): Promise<void> {
  options.onProgress?.(`Layer ${layer + 1} of ${layers}`, layer / layers);
  await yieldToEventLoop();
  if (options.isCancelled?.() === true) throw new CancelledError('The analysis was cancelled.');
}

/** Checks token ids against the vocabulary before they index an embedding table. */
export function checkIds(ids: Int32Array, vocabSize: number, maxPositions: number): void {
  if (ids.length === 0) throw new RangeError('forward: no tokens.');
  if (ids.length > maxPositions) {
    throw new RangeError(`forward: ${ids.length} tokens exceed the model's ${maxPositions} positions.`);
  }
  for (const id of ids) {
    if (id < 0 || id >= vocabSize) throw new RangeError(`forward: token id ${id} is outside the vocabulary of ${vocabSize}.`);
  }
}

/**
 * Copies columns [column, column + heads * headDim) of x [n, width] into
 * dest [heads, n, headDim] (Hugging Face's view + transpose(1, 2)).
 */
export function splitHeads(
  dest: Float32Array, x: Float32Array, n: number, width: number, column: number, heads: number, headDim: number,
): void {
  for (let head = 0; head < heads; head++) {
    for (let token = 0; token < n; token++) {
      const source = token * width + column + head * headDim;
      dest.set(x.subarray(source, source + headDim), (head * n + token) * headDim);
    }
  }
}

/**
 * Multi-head attention for one layer: context [n, heads * headDim] =
 * softmax(scale q k^T + mask) v per head, merged head-major as Hugging Face's
 * transpose(1, 2).reshape does. values is [kvHeads, n, headDim]; row is [n] scratch.
 */
export function attend(
  context: Float32Array, kept: KeptAttention, layer: number, values: Float32Array, row: Float32Array,
): void {
  const { heads, kvHeads, headDim, tokenCount: n } = kept;
  const width = heads * headDim;
  const mask: MaskRule = kept.mask;
  const sum = new Float64Array(headDim); // one query's context for one head
  for (let head = 0; head < heads; head++) {
    const valueBase = Math.floor(head / (heads / kvHeads)) * n * headDim;
    for (let query = 0; query < n; query++) {
      attentionRow(row, 0, kept.queries[layer], kept.keys[layer], head, query, layer, kept, kept.scale, mask);
      sum.fill(0);
      for (let key = 0; key < n; key++) {
        const p = row[key];
        if (p === 0) continue;
        const value = valueBase + key * headDim;
        for (let d = 0; d < headDim; d++) sum[d] += p * values[value + d];
      }
      const out = query * width + head * headDim;
      for (let d = 0; d < headDim; d++) context[out + d] = sum[d];
    }
  }
}
