import type { AttentionDirection, PatternSelection } from '../src/protocol';

/** One token's attention in one head: the row it pays, or the column it receives. */
export interface SliceQuery {
  readonly analysisId: number;
  readonly selection: PatternSelection;
  readonly index: number;
  readonly direction: AttentionDirection;
}

export function sliceKey(query: SliceQuery): string {
  return `${query.analysisId}/${query.selection.layer}/${query.selection.head}/${query.direction}/${query.index}`;
}

export interface SliceLoaderEvents {
  /** Fetches one slice, [n] float32, e.g. with a `rows` request. */
  fetch(query: SliceQuery): Promise<Float32Array>;
  loaded(query: SliceQuery, weights: Float32Array): void;
  failed(query: SliceQuery, error: unknown): void;
}

/**
 * Fetches the focused token's row or column one request at a time. While a
 * request runs, only the latest requested slice waits, so moving the mouse over
 * many tokens does not queue a request per token: a column costs the worker
 * O(n^2 headDim) per head. Fetched slices stay in a least-recently-used cache.
 */
export class SliceLoader {
  // Map order is least recently used first.
  private readonly cache = new Map<string, Float32Array>();
  private inFlight = false;
  /** The slice to fetch once the request in flight settles; a newer request replaces it. */
  private next: SliceQuery | null = null;
  /** Counts clear() calls, so a reply to a request from before one is dropped. */
  private generation = 0;

  constructor(
    private readonly events: SliceLoaderEvents,
    private readonly maxEntries: number,
  ) {}

  /** Returns the cached slice, or undefined. */
  get(query: SliceQuery): Float32Array | undefined {
    const key = sliceKey(query);
    const weights = this.cache.get(key);
    if (weights) {
      this.cache.delete(key);
      this.cache.set(key, weights);
    }
    return weights;
  }

  /** Fetches `query` after the request in flight, replacing any other slice that was waiting. */
  request(query: SliceQuery): void {
    this.next = query;
    this.pump();
  }

  /** Forgets every slice and drops the replies of requests in flight; call on a new analysis. */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.next = null;
    this.inFlight = false;
  }

  private pump(): void {
    const query = this.next;
    if (this.inFlight || query === null) return;
    this.next = null;
    const key = sliceKey(query);
    if (this.cache.has(key)) return;

    this.inFlight = true;
    const generation = this.generation;
    this.events.fetch(query).then(
      (weights) => {
        if (generation !== this.generation) return;
        this.cache.set(key, weights);
        for (const oldest of this.cache.keys()) {
          if (this.cache.size <= this.maxEntries) break;
          this.cache.delete(oldest);
        }
        this.finish();
        this.events.loaded(query, weights);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.finish();
        this.events.failed(query, error);
      },
    );
  }

  private finish(): void {
    this.inFlight = false;
    this.pump();
  }
}
