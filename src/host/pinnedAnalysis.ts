import type { PinAnalysisMessage } from '../protocol';

/**
 * The analysis the panel pinned for "the same head on two texts". The worker
 * must keep it after newer analyses replace it, so the code that releases
 * replaced analyses calls `keeps` first. Dropping the pin releases it unless
 * it is still the current analysis.
 */
export class PinnedAnalysis {
  private pinned: number | null = null;

  constructor(
    private readonly release: (analysisId: number) => void,
    private readonly currentAnalysisId: () => number | null,
  ) {}

  get analysisId(): number | null {
    return this.pinned;
  }

  /** True when `analysisId` is pinned and must not be released. */
  keeps(analysisId: number): boolean {
    return this.pinned === analysisId;
  }

  /** Applies a `pinAnalysis` message from the panel. */
  onMessage(message: PinAnalysisMessage): void {
    const previous = this.pinned;
    this.pinned = message.analysisId;
    if (previous !== null && previous !== this.pinned && previous !== this.currentAnalysisId()) this.release(previous);
  }

  /** Forgets the pin without releasing, e.g. after a model change released every analysis. */
  clear(): void {
    this.pinned = null;
  }
}
