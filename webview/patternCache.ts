import type { PatternSelection } from '../src/protocol';

/**
 * Largest analysis whose whole n-by-n patterns the panel requests. A whole
 * pattern is 4 n^2 bytes: 4 MiB at 1,024 tokens posts quickly, and one request
 * then serves every hover. At 4,096 tokens it would be 64 MiB and at 8,192
 * 256 MiB per head. So above this limit the attention view requests the
 * pattern max-pooled to its pixels and the focused token's row or column.
 * The comparison views, whose figures need whole patterns, are off there.
 */
export const FULL_PATTERN_MAX_TOKENS = 1024;

/** Returns the cache key of one selection of one analysis. */
export function patternKey(analysisId: number, selection: PatternSelection): string {
  return `${analysisId}/${selection.layer}/${selection.head}`;
}

/**
 * The most recently used patterns, so switching back to a head does not
 * request it again. A whole pattern is [n, n] float32, 4 n^2 bytes (4 MiB at
 * 1,024 tokens, 256 MiB at 8,192), so the cache is bounded in bytes as
 * `sizeOf` counts them. The newest entry is kept even when it alone exceeds
 * the budget.
 */
export class PatternCache<T = Float32Array> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: T) => number = (value) => (value as { byteLength: number }).byteLength,
  ) {}

  /** Bytes held by the cached patterns. */
  get size(): number {
    return this.bytes;
  }

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value) {
      // Reinsert, so Map order stays least recently used first.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += this.sizeOf(value);
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.bytes -= this.sizeOf(value);
  }
}
