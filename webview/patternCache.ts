import type { PatternSelection } from '../src/protocol';

/** Returns the cache key of one selection of one analysis. */
export function patternKey(analysisId: number, selection: PatternSelection): string {
  return `${analysisId}/${selection.layer}/${selection.head}`;
}

/**
 * The most recently used patterns, so switching back to a head does not
 * request it again. Each entry is [n, n] float32, 4 n^2 bytes (16 MiB at 2,048
 * tokens, 256 MiB at 8,192), so the cache is bounded in bytes. The newest
 * entry is kept even when it alone exceeds the budget.
 */
export class PatternCache {
  private readonly entries = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held by the cached patterns. */
  get size(): number {
    return this.bytes;
  }

  get(key: string): Float32Array | undefined {
    const value = this.entries.get(key);
    if (value) {
      // Reinsert, so Map order stays least recently used first.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Float32Array): void {
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += value.byteLength;
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
    if (!value) return;
    this.entries.delete(key);
    this.bytes -= value.byteLength;
  }
}
