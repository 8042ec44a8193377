import type { AttentionDirection, PatternSelection } from '../protocol';
import type { EngineConnection } from './engineConnection';

/** Key of one pattern selection, e.g. "3:mean". */
function keyOf(selection: PatternSelection): string {
  return `${selection.layer}:${selection.head}`;
}

/** One token's attention row (what it pays) or column (what it receives). */
export interface AttentionWeights {
  /** [tokenCount] weight per token. */
  readonly weights: Float32Array;
  readonly direction: AttentionDirection;
}

/**
 * The n-by-n patterns the editor has asked for, for the current analysis only.
 * At 8,192 tokens one pattern is 256 MB, so only the patterns in use are kept
 * and the cache empties on every new analysis.
 */
export class PatternCache {
  private analysisId = -1;
  // Each value is [n, n] row-major, row = query token.
  private readonly patterns = new Map<string, Promise<Float32Array>>();

  constructor(private readonly engine: EngineConnection) {}

  /** Forgets every pattern; call when the analysis changes. */
  reset(analysisId: number): void {
    this.analysisId = analysisId;
    this.patterns.clear();
  }

  /** Returns the [n, n] pattern of `selection`, fetched from the worker once. */
  pattern(selection: PatternSelection): Promise<Float32Array> {
    const key = keyOf(selection);
    let pattern = this.patterns.get(key);
    if (!pattern) {
      const analysisId = this.analysisId;
      pattern = this.engine.request<'patterns'>({ kind: 'patterns', analysisId, selections: [selection] }).then((block) => block.data);
      // A failed request is not cached, so the next hover requests it again.
      pattern.catch(() => {
        if (this.patterns.get(key) === pattern) this.patterns.delete(key);
      });
      this.patterns.set(key, pattern);
    }
    return pattern;
  }

  /** Returns the weights token `tokenIndex` pays (its row) or receives (its column). */
  async weights(selection: PatternSelection, tokenIndex: number, tokenCount: number, direction: AttentionDirection): Promise<AttentionWeights> {
    const pattern = await this.pattern(selection);
    if (direction === 'pays') {
      return { weights: pattern.slice(tokenIndex * tokenCount, (tokenIndex + 1) * tokenCount), direction };
    }
    const column = new Float32Array(tokenCount);
    for (let query = 0; query < tokenCount; query++) column[query] = pattern[query * tokenCount + tokenIndex];
    return { weights: column, direction };
  }
}

/** Indices of the `count` largest weights, largest first. */
export function topIndices(weights: Float32Array, count: number): number[] {
  const indices = Array.from(weights.keys());
  indices.sort((a, b) => weights[b] - weights[a] || a - b);
  return indices.slice(0, count);
}
