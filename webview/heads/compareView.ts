/**
 * Side by side: two to four heads of the current analysis at one scale, and a
 * difference view of two of them on a diverging scale. Each pair gets the
 * mean Jensen-Shannon divergence of the rows and the correlation of the
 * weights. Hovering a token, in any pattern or in the token strip, highlights
 * its row and column in every pattern and the token in the strip.
 */
import type { PatternBlock } from '../../src/protocol';
import { patternCsv, patternFileName, patternJson, patternNpy } from '../../src/export/pattern';
import type { AttentionMask } from '../heatmapRaster';
import type { Theme } from '../theme';
import { maxAbsolute, meanJensenShannon, patternDifference, weightCorrelation } from './compareMath';
import {
  MAX_COMPARED_HEADS, MIN_COMPARED_HEADS, tokenAtPixel, tooLongToCompare, withHead, withoutHead,
  type AnalysisSide, type ComparisonState, type HeadRef,
} from './compareState';
import { button, cssColor, dropdown, element, redrawOnWidthChange } from './dom';
import { paintDifference, paintPattern, readDivergingScale } from './paint';
import { canvasPng, textBytes, type HeadsPort } from './port';
import { TokenStrip } from './tokenStrip';

const GAP = 12;
const CAPTION = 16;
const MAX_SIDE = 480;
const MIN_SIDE = 96;

/** Figures of one pair of compared heads. */
export interface PairFigures {
  readonly a: number;
  readonly b: number;
  readonly jensenShannon: number;
  readonly correlation: number;
}

interface Loaded {
  readonly side: AnalysisSide;
  readonly heads: readonly HeadRef[];
  readonly block: PatternBlock;
  readonly pairs: PairFigures[];
}

export interface CompareEvents {
  /** The chosen heads changed; the owner keeps the state. */
  change(state: ComparisonState): void;
  error(message: string): void;
}

function headName(ref: HeadRef): string {
  return `L${ref.layer} H${ref.head}`;
}

export class CompareView {
  readonly element = element('section', 'heads-compare');
  private readonly pickers = element('div', 'heads-controls');
  private readonly message = element('div', 'heads-status');
  private readonly stage = element('div', 'heads-compare-stage');
  private readonly canvas = element('canvas', 'heads-compare-canvas');
  private readonly overlay = element('canvas', 'heads-compare-overlay');
  private readonly readout = element('div', 'heads-readout', '\u00a0');
  private readonly figures = element('table', 'heads-figures');
  private readonly strip: TokenStrip;
  private state: ComparisonState | null = null;
  private loaded: Loaded | null = null;
  private differencePair: [number, number] = [0, 1];
  private hoveredToken = -1;
  private hoveredKey = -1;
  private sideCss = MIN_SIDE;
  private generation = 0;

  constructor(private readonly port: HeadsPort, private theme: Theme, private readonly events: CompareEvents) {
    this.strip = new TokenStrip(
      'The analyzed text, token by token. Hovering a token highlights its row and column in every pattern.',
      (token) => this.setHovered(token, token),
    );
    this.overlay.setAttribute('aria-hidden', 'true');
    this.canvas.setAttribute('role', 'img');
    this.stage.append(this.canvas, this.overlay);
    this.message.hidden = true;
    this.element.append(this.pickers, this.message, this.stage, this.readout, this.figures, this.strip.element);
    this.overlay.addEventListener('mousemove', (event) => this.onMouseMove(event));
    this.overlay.addEventListener('mouseleave', () => this.setHovered(-1, -1));
    redrawOnWidthChange(this.element, () => this.draw());
  }

  /** Shows `state`'s heads on its current analysis, fetching their patterns. */
  setState(state: ComparisonState): void {
    const previous = this.state;
    this.state = state;
    this.renderPickers();
    const side = state.current;
    const problem = side ? tooLongToCompare(side) : null;
    this.message.textContent = problem ?? '';
    this.message.hidden = problem === null;
    if (!side || problem !== null) {
      this.generation++;
      this.loaded = null;
      this.strip.setTokens(null);
      this.renderFigures();
      this.draw();
      return;
    }
    const same = previous?.current?.analysisId === side.analysisId && this.loaded !== null &&
      state.heads.length === this.loaded.heads.length &&
      state.heads.every((ref, index) => ref.layer === this.loaded!.heads[index].layer && ref.head === this.loaded!.heads[index].head);
    if (same) return;
    if (previous?.current?.analysisId !== side.analysisId) this.strip.setTokens(side);
    const generation = ++this.generation;
    const heads = [...state.heads];
    this.port.patterns(side.analysisId, heads.map((ref) => ({ layer: ref.layer, head: ref.head }))).then(
      (block) => {
        if (generation !== this.generation) return;
        this.setPatterns(side, heads, block);
      },
      (error: unknown) => {
        if (generation === this.generation) this.events.error(`Loading the compared heads failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  /** Shows patterns that have arrived; figures for every pair are computed here. */
  setPatterns(side: AnalysisSide, heads: readonly HeadRef[], block: PatternBlock): void {
    const n = block.tokenCount;
    const mask: AttentionMask = { causal: side.causal, slidingWindow: side.slidingWindow };
    const patterns = heads.map((_, index) => block.data.subarray(index * n * n, (index + 1) * n * n));
    const pairs: PairFigures[] = [];
    for (let a = 0; a < heads.length; a++) {
      for (let b = a + 1; b < heads.length; b++) {
        pairs.push({ a, b, jensenShannon: meanJensenShannon(patterns[a], patterns[b], n, mask), correlation: weightCorrelation(patterns[a], patterns[b], n, mask) });
      }
    }
    this.loaded = { side, heads, block, pairs };
    if (this.differencePair[0] >= heads.length || this.differencePair[1] >= heads.length) this.differencePair = [0, 1];
    this.renderPickers();
    this.renderFigures();
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  /** Highlights token `token` (query row) and `key` (column), as a hover does; -1 clears. */
  setHovered(token: number, key: number): void {
    if (token === this.hoveredToken && key === this.hoveredKey) return;
    this.hoveredToken = token;
    this.hoveredKey = key;
    this.strip.highlight(token);
    this.drawOverlay();
    this.readout.textContent = this.describeHover();
  }

  private pattern(index: number): Float32Array | null {
    const loaded = this.loaded;
    if (!loaded) return null;
    const n = loaded.block.tokenCount;
    return loaded.block.data.subarray(index * n * n, (index + 1) * n * n);
  }

  private renderPickers(): void {
    const state = this.state;
    this.pickers.textContent = '';
    if (!state || !state.current) return;
    const side = state.current;
    state.heads.forEach((ref, slot) => {
      const group = element('div', 'heads-compare-picker');
      const letter = element('span', 'heads-compare-letter', String.fromCharCode(65 + slot));
      const layer = dropdown('Layer', Array.from({ length: side.layers }, (_, i) => ({ value: String(i), label: String(i) })), (value) =>
        this.events.change(withHead(state, slot, { layer: Number(value), head: ref.head })));
      const head = dropdown('Head', Array.from({ length: side.heads }, (_, i) => ({ value: String(i), label: String(i) })), (value) =>
        this.events.change(withHead(state, slot, { layer: ref.layer, head: Number(value) })));
      layer.setValue(String(ref.layer));
      head.setValue(String(ref.head));
      group.append(letter, layer.wrapper, head.wrapper);
      if (state.heads.length > MIN_COMPARED_HEADS) group.append(button('Remove', () => this.events.change(withoutHead(state, slot))));
      group.append(
        button('CSV', () => void this.exportPattern(slot, 'csv')),
        button('JSON', () => void this.exportPattern(slot, 'json')),
        button('.npy', () => void this.exportPattern(slot, 'npy')),
      );
      this.pickers.append(group);
    });
    const actions = element('div', 'heads-compare-actions');
    if (state.heads.length < MAX_COMPARED_HEADS) {
      const last = state.heads[state.heads.length - 1];
      actions.append(button('Add head', () => this.events.change(withHead(state, state.heads.length, { layer: last.layer, head: (last.head + 1) % side.heads }))));
    }
    const pairs: Array<{ value: string; label: string }> = [];
    for (let a = 0; a < state.heads.length; a++) {
      for (let b = 0; b < state.heads.length; b++) {
        if (a !== b) pairs.push({ value: `${a},${b}`, label: `${String.fromCharCode(65 + a)} minus ${String.fromCharCode(65 + b)}` });
      }
    }
    const difference = dropdown('Difference', pairs, (value) => {
      const [a, b] = value.split(',').map(Number);
      this.differencePair = [a, b];
      this.draw();
    });
    difference.setValue(this.differencePair.join(','));
    actions.append(difference.wrapper, button('Save PNG', () => void this.exportPng()));
    this.pickers.append(actions);
  }

  private renderFigures(): void {
    const loaded = this.loaded;
    this.figures.textContent = '';
    if (!loaded) return;
    const header = element('tr', '');
    for (const title of ['Pair', 'Mean Jensen-Shannon divergence of rows (bits)', 'Correlation of weights (Pearson)']) header.append(element('th', '', title));
    this.figures.append(header);
    for (const pair of loaded.pairs) {
      const row = element('tr', '');
      const name = `${String.fromCharCode(65 + pair.a)} (${headName(loaded.heads[pair.a])}) vs ${String.fromCharCode(65 + pair.b)} (${headName(loaded.heads[pair.b])})`;
      row.append(
        element('td', '', name),
        element('td', 'heads-number', Number.isNaN(pair.jensenShannon) ? '–' : pair.jensenShannon.toFixed(3)),
        element('td', 'heads-number', Number.isNaN(pair.correlation) ? '–' : pair.correlation.toFixed(3)),
      );
      this.figures.append(row);
    }
  }

  /** Panel origin in CSS pixels; panel `count` (after the heads) is the difference view on the second row. */
  private panelOrigin(panel: number, count: number): { x: number; y: number } {
    if (panel < count) return { x: panel * (this.sideCss + GAP), y: CAPTION };
    return { x: 0, y: 2 * CAPTION + this.sideCss + GAP };
  }

  private draw(): void {
    const loaded = this.loaded;
    const context = this.canvas.getContext('2d');
    if (!loaded || !context) {
      this.canvas.width = this.canvas.height = this.overlay.width = this.overlay.height = 0;
      return;
    }
    const count = loaded.heads.length;
    const n = loaded.block.tokenCount;
    const ratio = window.devicePixelRatio || 1;
    const available = Math.max(MIN_SIDE * count, this.element.clientWidth || 800);
    this.sideCss = Math.max(MIN_SIDE, Math.min(MAX_SIDE, Math.floor((available - GAP * (count - 1)) / count)));
    const side = Math.round(this.sideCss * ratio);
    const width = count * this.sideCss + (count - 1) * GAP;
    const height = 2 * (CAPTION + this.sideCss) + GAP;
    for (const canvas of [this.canvas, this.overlay]) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const scale = this.theme.scale;
    context.fillStyle = cssColor(scale.background);
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const mask: AttentionMask = { causal: loaded.side.causal, slidingWindow: loaded.side.slidingWindow };

    for (let index = 0; index < count; index++) {
      const origin = this.panelOrigin(index, count);
      paintPattern(context, this.pattern(index)!, n, side, Math.round(origin.x * ratio), Math.round(origin.y * ratio), mask, scale, ratio);
    }
    const [a, b] = this.differencePair;
    const difference = patternDifference(this.pattern(a)!, this.pattern(b)!, n);
    const limit = maxAbsolute(difference);
    const origin = this.panelOrigin(count, count);
    paintDifference(context, difference, n, side, Math.round(origin.x * ratio), Math.round(origin.y * ratio), limit,
      mask, readDivergingScale(scale.background), scale.maskLine);

    context.save();
    context.scale(ratio, ratio);
    context.fillStyle = cssColor(this.theme.foreground);
    context.font = `11px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
    context.textBaseline = 'bottom';
    for (let index = 0; index < count; index++) {
      const at = this.panelOrigin(index, count);
      context.fillText(`${String.fromCharCode(65 + index)}: layer ${loaded.heads[index].layer}, head ${loaded.heads[index].head}`, at.x, at.y - 3, this.sideCss);
    }
    context.fillText(
      `${String.fromCharCode(65 + a)} minus ${String.fromCharCode(65 + b)}, scale ±${limit.toFixed(3)} (blue: ${String.fromCharCode(65 + b)} higher, red: ${String.fromCharCode(65 + a)} higher)`,
      origin.x, origin.y - 3, width,
    );
    context.restore();
    this.canvas.setAttribute('aria-label', `${count} attention patterns of ${n} tokens side by side, and their difference.`);
    this.drawOverlay();
  }

  private drawOverlay(): void {
    const loaded = this.loaded;
    const context = this.overlay.getContext('2d');
    if (!context) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (!loaded || this.hoveredToken < 0) return;
    const ratio = window.devicePixelRatio || 1;
    const n = loaded.block.tokenCount;
    const cell = this.sideCss / n;
    context.scale(ratio, ratio);
    context.strokeStyle = cssColor(this.theme.focusBorder);
    context.lineWidth = 1;
    for (let panel = 0; panel <= loaded.heads.length; panel++) {
      const origin = this.panelOrigin(panel, loaded.heads.length);
      const band = Math.max(1, cell);
      // The hovered token's row (the attention it pays) and the key's column.
      context.strokeRect(origin.x - 0.5, origin.y + this.hoveredToken * cell - 0.5, this.sideCss + 1, band + 1);
      if (this.hoveredKey >= 0) context.strokeRect(origin.x + this.hoveredKey * cell - 0.5, origin.y - 0.5, band + 1, this.sideCss + 1);
    }
  }

  private onMouseMove(event: MouseEvent): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const box = this.overlay.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const n = loaded.block.tokenCount;
    for (let panel = 0; panel <= loaded.heads.length; panel++) {
      const origin = this.panelOrigin(panel, loaded.heads.length);
      const row = tokenAtPixel(y - origin.y, this.sideCss, n);
      const column = tokenAtPixel(x - origin.x, this.sideCss, n);
      if (row >= 0 && column >= 0) {
        this.setHovered(row, column);
        return;
      }
    }
    this.setHovered(-1, -1);
  }

  private describeHover(): string {
    const loaded = this.loaded;
    const token = this.hoveredToken;
    if (!loaded || token < 0) return '\u00a0';
    const labels = loaded.side.tokens.labels;
    const n = loaded.block.tokenCount;
    const key = this.hoveredKey >= 0 ? this.hoveredKey : token;
    const weights = loaded.heads.map((_, index) => `${String.fromCharCode(65 + index)} ${this.pattern(index)![token * n + key].toFixed(4)}`);
    return `query ${token} \u201c${labels[token] ?? ''}\u201d \u2192 key ${key} \u201c${labels[key] ?? ''}\u201d: ${weights.join(', ')}`;
  }

  private async exportPattern(slot: number, format: 'csv' | 'json' | 'npy'): Promise<void> {
    const loaded = this.loaded;
    const pattern = this.pattern(slot);
    if (!loaded || !pattern || slot >= loaded.heads.length) {
      this.events.error('The patterns are not loaded yet; wait for them before exporting.');
      return;
    }
    const selection = { layer: loaded.heads[slot].layer, head: loaded.heads[slot].head };
    const source = { modelName: loaded.side.modelName, selection, tokens: loaded.side.tokens, data: pattern };
    try {
      const name = patternFileName(selection, format);
      if (format === 'csv') await this.port.saveFile(name, 'text/csv', textBytes(patternCsv(source)));
      else if (format === 'json') await this.port.saveFile(name, 'application/json', textBytes(patternJson(source)));
      else await this.port.saveFile(name, 'application/x-npy', patternNpy(source));
    } catch (error) {
      this.events.error(`Exporting the pattern failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async exportPng(): Promise<void> {
    if (!this.loaded) return;
    try {
      await this.port.saveFile('attention-comparison.png', 'image/png', await canvasPng(this.canvas));
    } catch (error) {
      this.events.error(`Saving the comparison as PNG failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
