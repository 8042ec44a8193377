import type {
  AnalysisView,
  AttentionDirection,
  BusyMessage,
  ErrorMessage,
  FocusMessage,
  PatternSelection,
  PooledPattern,
  Prediction,
  StaleMessage,
  StateMessage,
  WebviewSettings,
} from '../src/protocol';
import { sliceAttention, topIndices } from './attentionSlice';
import { Banners } from './banners';
import { formatCostSummary } from './costSummary';
import { HeatmapView, type HeatmapCell } from './heatmapView';
import { isMasked, type AttentionMask } from './heatmapRaster';
import type { HostConnection } from './host';
import type { PageLayout } from './layout';
import { FULL_PATTERN_MAX_TOKENS, PatternCache, patternKey } from './patternCache';
import { Pickers } from './pickers';
import { PredictionsView } from './predictionsView';
import { RequestFailedError } from './requests';
import { fingerprintTokens, restorePinnedToken, restoreSelection, type SavedState } from './savedState';
import { SliceLoader, type SliceQuery } from './sliceLoader';
import { observeTheme, readTheme, type Theme } from './theme';
import { TokenView } from './tokenView';

/** Maximum cells per side of a pooled heatmap; a plot with more device pixels repeats cells. */
export const MAX_HEATMAP_CELLS = 1024;
/** Bytes of whole patterns kept for switching back to a head: sixteen 1,024-token patterns. */
const PATTERN_CACHE_BYTES = 64 * 1024 * 1024;
/** Bytes of pooled heatmaps kept, each at most 1,024^2 x 5 bytes (values and mask flags). */
const HEATMAP_CACHE_BYTES = 32 * 1024 * 1024;
/** Rows and columns kept for token shading above FULL_PATTERN_MAX_TOKENS: 4 MiB at 8,192 tokens. */
const SLICE_CACHE_ENTRIES = 128;
/** Predictions shown for the focused token. */
const PREDICTION_COUNT = 5;
/** Wait after the focus stops moving before asking for predictions, in milliseconds. */
const PREDICTION_DELAY_MS = 120;
/** Weights named in a token's accessible label. */
const DESCRIBED_WEIGHTS = 5;

function sameSelection(a: PatternSelection, b: PatternSelection): boolean {
  return a.layer === b.layer && a.head === b.head;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** Describes what was cut before the forward pass, for the summary line; returns '' when nothing was. */
function cutNotice(droppedTokens: number, untokenizedCharacters: number): string {
  if (droppedTokens === 0 && untokenizedCharacters === 0) return '';
  const parts: string[] = [];
  if (droppedTokens > 0) parts.push(`${plural(droppedTokens, 'token')} past the limit`);
  if (untokenizedCharacters > 0) {
    const where = droppedTokens > 0 ? 'after them' : 'at the end of the text';
    parts.push(`${plural(untokenizedCharacters, 'character')} ${where}`);
  }
  return ` \u00b7 ${parts.join(' and ')} ${droppedTokens + untokenizedCharacters === 1 ? 'was' : 'were'} not analyzed`;
}

function describeSelection(selection: PatternSelection): string {
  if (selection.head === 'mean') return `layer ${selection.layer}, mean of heads`;
  if (selection.head === 'max') return `layer ${selection.layer}, max over heads`;
  return `layer ${selection.layer}, head ${selection.head}`;
}

/**
 * Holds the webview's state (analysis, selection, focus, pin) and keeps the
 * views and the host in step with it.
 */
export class App {
  private readonly banners = new Banners();
  private readonly pickers: Pickers;
  private readonly tokenView: TokenView;
  private readonly heatmap: HeatmapView;
  private readonly predictions = new PredictionsView();
  private readonly patterns = new PatternCache(PATTERN_CACHE_BYTES);
  private readonly heatmaps = new PatternCache<PooledPattern>(HEATMAP_CACHE_BYTES, (pooled) => pooled.data.byteLength + pooled.masked.byteLength);
  private readonly slices: SliceLoader;
  private readonly predictionCache = new Map<number, Prediction[]>();

  private theme: Theme = readTheme();
  private analysis: AnalysisView | null = null;
  private settings: WebviewSettings = { defaultView: 'head', highlightFollowsMouse: true };
  private selection: PatternSelection = { layer: 0, head: 0 };
  private direction: AttentionDirection = 'pays';
  private pinned: number | null = null;
  /** Token under the mouse, under the keyboard focus, or at the editor's cursor. */
  private transient: number | null = null;
  /** The whole pattern shown, at most FULL_PATTERN_MAX_TOKENS tokens. */
  private pattern: Float32Array | null = null;
  /** The pooled pattern shown above FULL_PATTERN_MAX_TOKENS tokens. */
  private pooled: PooledPattern | null = null;
  /** Cache key of the pooled pattern being requested, so a resize does not request it twice. */
  private pooledRequest = '';
  private stale = false;
  /** Why the last analysis failed, or '' when it did not. */
  private failure = '';
  private saved: SavedState;
  private tokenFingerprint: number | null = null;
  private restorePending = true;
  private lastSentFocus = '';
  private predictionTimer: ReturnType<typeof setTimeout> | undefined;
  /** [n] the focused token's row or column. */
  private slice = new Float32Array(0);
  /** [n] 1 where the mask hides the token from the focused one. */
  private maskedSlice = new Uint8Array(0);

  constructor(
    private readonly host: HostConnection,
    private readonly layout: PageLayout,
  ) {
    this.saved = host.loadState();
    this.direction = this.saved.direction;

    this.pickers = new Pickers({
      selection: (selection) => this.onPickSelection(selection),
      direction: (direction) => this.onPickDirection(direction),
    });
    this.tokenView = new TokenView({
      hover: (index) => this.setTransient(index, this.settings.highlightFollowsMouse),
      activate: (index) => this.togglePin(index),
      keyboardFocus: (index) => this.onKeyboardFocus(index),
      escape: () => this.setPinned(null),
    });
    this.heatmap = new HeatmapView(
      (cell) => this.onHeatmapHover(cell),
      (pixels) => this.onHeatmapPlotSize(pixels),
    );
    this.slices = new SliceLoader(
      {
        fetch: (query) => this.fetchSlice(query),
        loaded: (query) => {
          if (this.isCurrentSlice(query)) this.refreshFocus(false);
        },
        failed: (query, error) => {
          if (!this.isCurrentSlice(query)) return;
          const reason = error instanceof Error ? error.message : String(error);
          this.banners.setNotice(`Could not load the attention of token ${query.index + 1}: ${reason}.`);
        },
      },
      SLICE_CACHE_ENTRIES,
    );

    layout.banners.appendChild(this.banners.element);
    layout.controls.appendChild(this.pickers.element);
    layout.tokens.appendChild(this.tokenView.element);
    layout.tokens.appendChild(this.predictions.element);
    layout.side.appendChild(this.heatmap.element);
    this.pickers.setDirection(this.direction);
    this.heatmap.setTheme(this.theme.scale, this.theme.foreground, this.theme.focusBorder);
    observeTheme((theme) => this.onTheme(theme));
    this.showAnalysis(null);
  }

  // -- Host messages --------------------------------------------------------

  onState(message: StateMessage): void {
    this.settings = message.settings;
    const analysis = message.analysis;
    const isNew = analysis?.summary.analysisId !== this.analysis?.summary.analysisId || analysis?.text !== this.analysis?.text;
    if (isNew) {
      this.host.requests.rejectAll('a new analysis replaced the one it was for');
      this.showAnalysis(analysis);
    }
    if (!analysis) return;

    this.stale = analysis.stale;
    this.banners.setStale(this.stale);

    let selection = message.selection;
    if (this.restorePending) {
      // After a window reload the host may not know what the person had picked; the saved state does.
      this.restorePending = false;
      const restored = restoreSelection(this.saved, analysis.summary.model);
      if (restored && !sameSelection(restored, selection)) {
        selection = restored;
        this.host.post({ kind: 'selectHead', selection });
      }
      const pinned = restorePinnedToken(this.saved, analysis);
      if (pinned !== null) this.pinned = pinned;
    }
    this.applySelection(selection, isNew);
  }

  onBusy(message: BusyMessage): void {
    this.banners.setBusy(message.busy, message.label);
    if (message.busy) this.failure = '';
    this.banners.setError(this.failure);
    this.banners.setEmpty(!message.busy && this.analysis === null && this.failure === '');
  }

  /** Shows why the last analysis failed, until the next one starts. */
  onError(message: ErrorMessage): void {
    this.failure = message.message;
    this.banners.setError(this.failure);
    this.banners.setEmpty(false);
  }

  onStale(message: StaleMessage): void {
    if (message.analysisId !== this.analysis?.summary.analysisId) return;
    this.stale = true;
    this.banners.setStale(true);
  }

  onFocus(message: FocusMessage): void {
    if (message.analysisId !== this.analysis?.summary.analysisId) return;
    const index = message.tokenIndex;
    if (index !== null && (index < 0 || index >= this.tokenView.tokenCount)) return;
    // The editor's cursor moves the pin when one is set, otherwise the transient focus. Nothing is sent back.
    if (index !== null && this.pinned !== null) this.pinned = index;
    else this.transient = index;
    if (index !== null) this.tokenView.moveTo(index, false);
    this.refreshFocus(false);
  }

  // -- Other views -------------------------------------------------------------

  /** Shows `selection` as if the person had picked it, e.g. a head opened from the heads grid. */
  pickHead(selection: PatternSelection): void {
    if (!this.analysis) return;
    this.onPickSelection(selection);
  }

  /** Shows a one-line notice above the views, e.g. a failed request of another view. */
  showNotice(text: string): void {
    this.banners.setNotice(text);
  }

  // -- Analysis and selection ----------------------------------------------

  private showAnalysis(analysis: AnalysisView | null): void {
    this.analysis = analysis;
    this.pattern = null;
    this.pooled = null;
    this.pooledRequest = '';
    this.heatmaps.clear();
    this.slices.clear();
    this.pinned = null;
    this.transient = null;
    this.lastSentFocus = '';
    this.patterns.clear();
    this.predictionCache.clear();
    this.heatmap.setData(null);
    this.banners.setNotice('');
    this.predictions.hide();

    if (!analysis) {
      this.tokenView.clear();
      this.layout.title.textContent = '';
      this.layout.summary.textContent = '';
      this.layout.panels.hidden = true;
      this.tokenFingerprint = null;
      this.banners.setEmpty(true);
      this.banners.setStale(false);
      return;
    }

    const { summary } = analysis;
    const n = summary.tokens.count;
    this.layout.panels.hidden = false;
    this.banners.setEmpty(false);
    this.tokenFingerprint = fingerprintTokens(summary.tokens.ids);
    this.slice = new Float32Array(n);
    this.maskedSlice = new Uint8Array(n);
    this.tokenView.render(analysis);
    this.pickers.setModel(summary.model.layers, summary.model.heads);

    const documentName = decodeURIComponent(analysis.documentUri.split('/').pop() ?? analysis.documentUri);
    this.layout.title.textContent = `${documentName}, from line ${analysis.firstLine + 1} \u00b7 ${summary.model.name} (${summary.model.modelType})`;
    let costLine = formatCostSummary(summary.model, n);
    costLine += cutNotice(summary.droppedTokens, analysis.untokenizedCharacters);
    this.layout.summary.textContent = costLine;
  }

  private applySelection(selection: PatternSelection, force: boolean): void {
    const changed = force || !sameSelection(selection, this.selection);
    this.selection = selection;
    this.pickers.setSelection(selection);
    if (changed) void this.loadPattern();
    this.saveState();
  }

  private onPickSelection(selection: PatternSelection): void {
    this.host.post({ kind: 'selectHead', selection });
    this.applySelection(selection, false);
  }

  private onPickDirection(direction: AttentionDirection): void {
    if (direction === this.direction) return;
    this.direction = direction;
    this.refreshFocus(true);
  }

  private mask(): AttentionMask {
    const model = this.analysis?.summary.model;
    return { causal: model?.causal ?? false, slidingWindow: model?.slidingWindow ?? null };
  }

  /** True when the analysis is short enough for whole patterns (FULL_PATTERN_MAX_TOKENS). */
  private usesWholePatterns(): boolean {
    return (this.analysis?.summary.tokens.count ?? 0) <= FULL_PATTERN_MAX_TOKENS;
  }

  private async loadPattern(): Promise<void> {
    if (!this.analysis) return;
    if (this.usesWholePatterns()) {
      await this.loadWholePattern();
      return;
    }
    // Token shading comes from rows or columns, which need no heatmap, so it follows the new head at once.
    this.refreshFocus(false);
    await this.loadPooledPattern(this.heatmap.plotPixels(this.analysis.summary.tokens.count));
  }

  private async loadWholePattern(): Promise<void> {
    const analysis = this.analysis;
    if (!analysis) return;
    const analysisId = analysis.summary.analysisId;
    const n = analysis.summary.tokens.count;
    const selection = this.selection;
    const key = patternKey(analysisId, selection);

    let pattern = this.patterns.get(key);
    if (!pattern) {
      this.pattern = null;
      this.heatmap.setData(null);
      this.refreshFocus(false);
      try {
        const block = await this.host.requests.send('patterns', { analysisId, selections: [selection] });
        if (block.tokenCount !== n || block.data.length !== n * n) {
          throw new RangeError(
            `the pattern has ${block.tokenCount} tokens and ${block.data.length} values; ${n} tokens and ${n * n} values were expected`,
          );
        }
        pattern = block.data;
        this.patterns.set(key, pattern);
      } catch (error) {
        if (this.analysis !== analysis || !sameSelection(selection, this.selection)) return;
        const reason = error instanceof RequestFailedError || error instanceof RangeError ? error.message : String(error);
        this.banners.setNotice(`Could not load the attention of ${describeSelection(selection)}: ${reason}.`);
        return;
      }
    }
    // The person may have picked another head while this one loaded.
    if (this.analysis !== analysis || !sameSelection(selection, this.selection)) return;

    this.banners.setNotice('');
    this.pattern = pattern;
    this.heatmap.setData({
      kind: 'full',
      pattern,
      tokenCount: n,
      labels: analysis.summary.tokens.labels,
      mask: this.mask(),
    });
    this.refreshFocus(false);
  }

  /**
   * Shows the selected pattern max-pooled to min(plotPixels, MAX_HEATMAP_CELLS, n)
   * cells a side. The pooled pattern of another size stays on screen, scaled,
   * until the new one arrives.
   */
  private async loadPooledPattern(plotPixels: number): Promise<void> {
    const analysis = this.analysis;
    if (!analysis) return;
    const analysisId = analysis.summary.analysisId;
    const n = analysis.summary.tokens.count;
    const selection = this.selection;
    const size = Math.max(1, Math.min(plotPixels, MAX_HEATMAP_CELLS, n));
    const key = `${patternKey(analysisId, selection)}/${size}`;

    let pooled = this.heatmaps.get(key);
    if (!pooled) {
      if (key === this.pooledRequest) return;
      if (this.pooled && !sameSelection(this.pooled.selection, selection)) {
        this.pooled = null;
        this.heatmap.setData(null);
      }
      this.pooledRequest = key;
      try {
        pooled = await this.host.requests.send('heatmap', { analysisId, selection, size });
        if (pooled.tokenCount !== n || pooled.size !== size || pooled.data.length !== size * size || pooled.masked.length !== size * size) {
          throw new RangeError(
            `the heatmap has ${pooled.size} cells a side for ${pooled.tokenCount} tokens; ${size} cells for ${n} tokens were expected`,
          );
        }
        this.heatmaps.set(key, pooled);
      } catch (error) {
        if (this.analysis !== analysis || !sameSelection(selection, this.selection)) return;
        const reason = error instanceof RequestFailedError || error instanceof RangeError ? error.message : String(error);
        this.banners.setNotice(`Could not load the attention of ${describeSelection(selection)}: ${reason}.`);
        return;
      } finally {
        if (this.pooledRequest === key) this.pooledRequest = '';
      }
    }
    if (this.analysis !== analysis || !sameSelection(selection, this.selection)) return;

    this.banners.setNotice('');
    this.pooled = pooled;
    this.heatmap.setData({ kind: 'pooled', grid: pooled, tokenCount: n, labels: analysis.summary.tokens.labels, mask: this.mask() });
  }

  /** After a draw: requests the pooled pattern again when the plot's pixels call for another size. */
  private onHeatmapPlotSize(plotPixels: number): void {
    const pooled = this.pooled;
    if (!this.analysis || this.usesWholePatterns() || !pooled) return;
    const needed = Math.max(1, Math.min(plotPixels, MAX_HEATMAP_CELLS, this.analysis.summary.tokens.count));
    if (needed !== pooled.size) void this.loadPooledPattern(plotPixels);
  }

  private fetchSlice(query: SliceQuery): Promise<Float32Array> {
    const axis = query.direction === 'pays' ? 'row' : 'column';
    const n = this.analysis?.summary.tokens.count ?? 0;
    return this.host.requests
      .send('rows', { analysisId: query.analysisId, selection: query.selection, indices: [query.index], axis })
      .then((rows) => {
        if (rows.tokenCount !== n || rows.data.length !== n) {
          throw new RangeError(`the ${axis} has ${rows.data.length} weights for ${rows.tokenCount} tokens; ${n} were expected`);
        }
        return rows.data;
      });
  }

  private sliceQuery(focus: number): SliceQuery | null {
    const analysis = this.analysis;
    if (!analysis) return null;
    return { analysisId: analysis.summary.analysisId, selection: this.selection, index: focus, direction: this.direction };
  }

  private isCurrentSlice(query: SliceQuery): boolean {
    return query.analysisId === this.analysis?.summary.analysisId &&
      sameSelection(query.selection, this.selection) &&
      query.direction === this.direction &&
      query.index === this.focusedToken();
  }

  // -- Focus -----------------------------------------------------------------

  private setTransient(index: number | null, send: boolean): void {
    if (index === this.transient) return;
    this.transient = index;
    this.refreshFocus(send);
  }

  private onKeyboardFocus(index: number): void {
    // Arrow keys carry the pin along when one is set, so reading a pinned token's neighbours takes no extra click.
    if (this.pinned !== null) this.setPinned(index);
    else this.setTransient(index, true);
  }

  private togglePin(index: number): void {
    this.setPinned(this.pinned === index ? null : index);
  }

  private setPinned(index: number | null): void {
    this.pinned = index;
    this.refreshFocus(true);
  }

  private onHeatmapHover(cell: HeatmapCell | null): void {
    // The focused token is the query when reading what it pays, the key when reading what it receives.
    let index: number | null = null;
    if (cell !== null) index = this.direction === 'pays' ? cell.row : cell.column;
    this.setTransient(index, this.settings.highlightFollowsMouse);
  }

  private focusedToken(): number | null {
    return this.pinned ?? this.transient;
  }

  /** Reshades the tokens and the heatmap outline for the current focus; with `send`, posts focusToken to the host. */
  private refreshFocus(send: boolean): void {
    const analysis = this.analysis;
    if (!analysis) return;
    const n = analysis.summary.tokens.count;
    const focus = this.focusedToken();
    const max = focus === null ? null : this.loadSlice(focus);

    if (focus !== null && max !== null) {
      const mask = this.mask();
      for (let other = 0; other < n; other++) {
        const hidden = this.direction === 'pays' ? isMasked(mask, focus, other) : isMasked(mask, other, focus);
        this.maskedSlice[other] = hidden ? 1 : 0;
      }
      this.tokenView.shade(this.slice, max, this.maskedSlice, focus, this.pinned, this.theme.scale);
      this.tokenView.describe(focus, this.describeToken(focus));
    } else {
      this.tokenView.shade(null, 0, null, focus, this.pinned, this.theme.scale);
    }
    this.heatmap.setFocus(focus, this.direction);
    this.schedulePredictions(focus);

    if (send) this.sendFocus(focus);
    this.saveState();
  }

  /**
   * Fills this.slice with the focused token's row or column and returns its
   * largest weight, or returns null when it is not loaded yet. Above
   * FULL_PATTERN_MAX_TOKENS a missing slice is requested, and its arrival
   * calls refreshFocus again.
   */
  private loadSlice(focus: number): number | null {
    const n = this.analysis?.summary.tokens.count ?? 0;
    if (this.usesWholePatterns()) {
      return this.pattern ? sliceAttention(this.slice, this.pattern, n, focus, this.direction) : null;
    }
    const query = this.sliceQuery(focus);
    if (!query) return null;
    const weights = this.slices.get(query);
    if (!weights) {
      this.slices.request(query);
      return null;
    }
    this.slice.set(weights);
    let max = 0;
    for (const weight of weights) if (weight > max) max = weight;
    return max;
  }

  private describeToken(index: number): string {
    const tokens = this.analysis!.summary.tokens;
    const verb = this.direction === 'pays' ? 'Attends most to' : 'Attended most by';
    const top = topIndices(this.slice, DESCRIBED_WEIGHTS)
      .map((other) => `${tokens.labels[other]} ${this.slice[other].toFixed(3)}`)
      .join(', ');
    const pinned = this.pinned === index ? ', pinned' : '';
    return `${tokens.labels[index]}, token ${index + 1} of ${tokens.count}${pinned}. ${verb}: ${top || 'nothing'}.`;
  }

  private sendFocus(focus: number | null): void {
    const analysis = this.analysis;
    if (!analysis) return;
    const key = `${analysis.summary.analysisId}/${focus}/${this.direction}`;
    if (key === this.lastSentFocus) return;
    this.lastSentFocus = key;
    this.host.post({
      kind: 'focusToken',
      analysisId: analysis.summary.analysisId,
      tokenIndex: focus,
      direction: this.direction,
    });
  }

  // -- Predictions -----------------------------------------------------------

  private schedulePredictions(focus: number | null): void {
    clearTimeout(this.predictionTimer);
    const analysis = this.analysis;
    if (!analysis || !analysis.summary.model.causal) {
      this.predictions.hide();
      return;
    }
    if (focus === null) {
      this.predictions.showMessage('Hover or pin a token to see the tokens the model predicts after it.');
      return;
    }
    const label = analysis.summary.tokens.labels[focus] ?? '';
    const cached = this.predictionCache.get(focus);
    if (cached) {
      this.predictions.show(label, cached);
      return;
    }
    // Clear the previous token's list at once, so it never shows under another token's name.
    this.predictions.showMessage(`Most likely next tokens after \u201c${label}\u201d: loading\u2026`);
    this.predictionTimer = setTimeout(() => void this.loadPredictions(analysis, focus, label), PREDICTION_DELAY_MS);
  }

  private async loadPredictions(analysis: AnalysisView, position: number, label: string): Promise<void> {
    const analysisId = analysis.summary.analysisId;
    try {
      const predictions = await this.host.requests.send('predictions', { analysisId, position, count: PREDICTION_COUNT });
      if (this.analysis !== analysis) return;
      this.predictionCache.set(position, predictions);
      if (this.focusedToken() === position) this.predictions.show(label, predictions);
    } catch (error) {
      if (this.analysis !== analysis || this.focusedToken() !== position) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.predictions.showMessage(`Could not load predictions: ${reason}`);
    }
  }

  // -- Theme and saved state -------------------------------------------------

  private onTheme(theme: Theme): void {
    this.theme = theme;
    this.tokenView.repaint(theme.scale);
    this.heatmap.setTheme(theme.scale, theme.foreground, theme.focusBorder);
  }

  /** Saves what a reload should restore, when it changed; hovering alone changes nothing saved. */
  private saveState(): void {
    const next: SavedState = {
      version: 1,
      documentUri: this.analysis?.documentUri ?? null,
      tokenFingerprint: this.tokenFingerprint,
      pinnedToken: this.pinned,
      selection: this.selection,
      direction: this.direction,
    };
    const previous = this.saved;
    const unchanged =
      previous.documentUri === next.documentUri &&
      previous.tokenFingerprint === next.tokenFingerprint &&
      previous.pinnedToken === next.pinnedToken &&
      previous.direction === next.direction &&
      previous.selection !== null &&
      sameSelection(previous.selection, this.selection);
    if (unchanged) return;
    this.saved = next;
    this.host.saveState(next);
  }
}
