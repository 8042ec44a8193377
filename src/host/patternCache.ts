import type { AttentionDirection, PatternSelection } from '../protocol';
import type { EngineConnection } from './engineConnection';

/** One token's attention row (what it pays) or column (what it receives). */
export interface AttentionWeights {
  /** [tokenCount] weight per token. */
  readonly weights: Float32Array;
  readonly direction: AttentionDirection;
}

/**
 * Rows and columns kept for the hover and the editor shading. Each is [n]
 * float32, 32 KiB at 8,192 tokens, so this many cost at most 8 MiB.
 */
const MAX_CACHED_WEIGHTS = 256;

/**
 * The rows and columns of patterns that the editor has asked for, for the
 * current analysis only. Each comes from the worker's `rows` request, never as
 * a whole n-by-n pattern (256 MiB at 8,192 tokens). The cache empties on every
 * new analysis and drops its least recently used entry beyond MAX_CACHED_WEIGHTS.
 */
export class PatternCache {
  private analysisId = -1;
  // Keyed by weightsKey; Map order is least recently used first.
  private readonly weightsByKey = new Map<string, Promise<Float32Array>>();

  constructor(private readonly engine: EngineConnection) {}

  /** Forgets every row and column; call when the analysis changes. */
  reset(analysisId: number): void {
    this.analysisId = analysisId;
    this.weightsByKey.clear();
  }

  /** Returns the weights token `tokenIndex` pays (its row) or receives (its column), fetched from the worker once. */
  async weights(selection: PatternSelection, tokenIndex: number, tokenCount: number, direction: AttentionDirection): Promise<AttentionWeights> {
    const key = `${selection.layer}:${selection.head}/${direction}/${tokenIndex}`;
    let weights = this.weightsByKey.get(key);
    if (weights) {
      this.weightsByKey.delete(key);
    } else {
      weights = this.fetch(selection, tokenIndex, tokenCount, direction);
      // A failed request is not cached, so the next hover requests it again.
      weights.catch(() => {
        if (this.weightsByKey.get(key) === weights) this.weightsByKey.delete(key);
      });
    }
    this.weightsByKey.set(key, weights);
    for (const oldest of this.weightsByKey.keys()) {
      if (this.weightsByKey.size <= MAX_CACHED_WEIGHTS) break;
      this.weightsByKey.delete(oldest);
    }
    return { weights: await weights, direction };
  }

  private async fetch(selection: PatternSelection, tokenIndex: number, tokenCount: number, direction: AttentionDirection): Promise<Float32Array> {
    const axis = direction === 'pays' ? 'row' : 'column';
    const result = await this.engine.request<'rows'>({ kind: 'rows', analysisId: this.analysisId, selection, indices: [tokenIndex], axis });
    if (result.tokenCount !== tokenCount || result.data.length !== tokenCount) {
      throw new RangeError(`The worker sent ${result.data.length} weights for ${result.tokenCount} tokens; ${tokenCount} were expected.`);
    }
    return result.data;
  }
}

/** Indices of the `count` largest weights, largest first. */
export function topIndices(weights: Float32Array, count: number): number[] {
  const indices = Array.from(weights.keys());
  indices.sort((a, b) => weights[b] - weights[a] || a - b);
  return indices.slice(0, count);
}
