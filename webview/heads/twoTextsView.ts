/**
 * The same head on two texts: the pinned analysis and the current one, each
 * with its own tokens, drawn at one scale (the same pixels per token) so that
 * a longer text takes more room. Hovering a token in one text highlights it
 * there; the texts' tokens differ, so nothing is matched across them.
 */
import type { PatternBlock } from '../../src/protocol';
import type { AttentionMask } from '../heatmapRaster';
import type { Theme } from '../theme';
import { sharedScale, tokenAtPixel, twoTextProblem, withTwoTextHead, type AnalysisSide, type ComparisonState } from './compareState';
import { button, cssColor, dropdown, element, redrawOnWidthChange } from './dom';
import { paintPattern } from './paint';
import { canvasPng, type HeadsPort } from './port';
import { TokenStrip } from './tokenStrip';

const GAP = 16;
const CAPTION = 16;
const MAX_SIDE = 520;

export interface TwoTextsEvents {
  change(state: ComparisonState): void;
  /** Pin the current analysis (true) or drop the pin (false); the owner tells the host to keep or release it. */
  pin(pinned: boolean): void;
  error(message: string): void;
}

interface Loaded {
  readonly sides: [AnalysisSide, AnalysisSide];
  readonly patterns: [Float32Array, Float32Array];
}

export class TwoTextsView {
  readonly element = element('section', 'heads-two-texts');
  private readonly controls = element('div', 'heads-controls');
  private readonly message = element('div', 'heads-status');
  private readonly canvas = element('canvas', 'heads-two-texts-canvas');
  private readonly readout = element('div', 'heads-readout', '\u00a0');
  private readonly strips: [TokenStrip, TokenStrip];
  private state: ComparisonState | null = null;
  private loaded: Loaded | null = null;
  private sidesCss: number[] = [0, 0];
  private hovered: [number, number] = [-1, -1];
  private generation = 0;

  constructor(private readonly port: HeadsPort, private theme: Theme, private readonly events: TwoTextsEvents) {
    this.strips = [
      new TokenStrip('The pinned text, token by token. Hovering a token reads out where it attends most in the pinned pattern.', (token) => this.setHovered(0, token)),
      new TokenStrip('The current text, token by token. Hovering a token reads out where it attends most in the current pattern.', (token) => this.setHovered(1, token)),
    ];
    const strips = element('div', 'heads-two-strips');
    strips.append(this.strips[0].element, this.strips[1].element);
    this.canvas.setAttribute('role', 'img');
    this.element.append(this.controls, this.message, this.canvas, this.readout, strips);
    this.canvas.addEventListener('mousemove', (event) => this.onMouseMove(event));
    this.canvas.addEventListener('mouseleave', () => this.setHovered(0, -1));
    redrawOnWidthChange(this.element, () => this.draw());
  }

  setState(state: ComparisonState): void {
    const previous = this.state;
    this.state = state;
    this.renderControls();

    const problem = twoTextProblem(state);
    this.message.textContent = problem ?? `Pinned: ${state.pinned!.title}. Current: ${state.current!.title}.`;
    if (problem !== null) {
      this.generation++; // a reply for the previous texts must not replace this message
      this.loaded = null;
      this.strips[0].setTokens(state.pinned);
      this.strips[1].setTokens(null);
      this.draw();
      return;
    }

    const pinned = state.pinned!;
    const current = state.current!;
    const unchanged = this.loaded && previous && previous.pinned?.analysisId === pinned.analysisId &&
      previous.current?.analysisId === current.analysisId &&
      previous.twoTextHead.layer === state.twoTextHead.layer && previous.twoTextHead.head === state.twoTextHead.head;
    if (unchanged) return;

    const generation = ++this.generation;
    const selection = [{ layer: state.twoTextHead.layer, head: state.twoTextHead.head }];
    Promise.all([this.port.patterns(pinned.analysisId, selection), this.port.patterns(current.analysisId, selection)]).then(
      ([first, second]) => {
        if (generation === this.generation) this.setPatterns([pinned, current], [first, second]);
      },
      (error: unknown) => {
        if (generation === this.generation) {
          this.events.error(`Loading the head on both texts failed: ${error instanceof Error ? error.message : String(error)}. A pinned analysis is lost when the model changes; pin again.`);
        }
      },
    );
  }

  setPatterns(sides: [AnalysisSide, AnalysisSide], blocks: [PatternBlock, PatternBlock]): void {
    this.loaded = { sides, patterns: [blocks[0].data, blocks[1].data] };
    this.strips[0].setTokens(sides[0]);
    this.strips[1].setTokens(sides[1]);
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  private renderControls(): void {
    const state = this.state;
    this.controls.textContent = '';
    if (!state) return;
    if (state.current && state.pinned?.analysisId !== state.current.analysisId) {
      this.controls.append(button('Pin this analysis', () => this.events.pin(true), 'primary'));
    }
    if (state.pinned) this.controls.append(button('Unpin', () => this.events.pin(false)));
    const side = state.current ?? state.pinned;
    if (!side) return;
    const layer = dropdown('Layer', Array.from({ length: side.layers }, (_, i) => ({ value: String(i), label: String(i) })), (value) =>
      this.events.change(withTwoTextHead(state, { layer: Number(value), head: state.twoTextHead.head })));
    const head = dropdown('Head', Array.from({ length: side.heads }, (_, i) => ({ value: String(i), label: String(i) })), (value) =>
      this.events.change(withTwoTextHead(state, { layer: state.twoTextHead.layer, head: Number(value) })));
    layer.setValue(String(state.twoTextHead.layer));
    head.setValue(String(state.twoTextHead.head));
    this.controls.append(layer.wrapper, head.wrapper, button('Save PNG', () => void this.exportPng()));
  }

  private draw(): void {
    const loaded = this.loaded;
    const context = this.canvas.getContext('2d');
    if (!loaded || !context) {
      this.canvas.width = this.canvas.height = 0;
      return;
    }
    const counts = loaded.sides.map((side) => side.tokens.count);
    const available = Math.max(200, this.element.clientWidth || 800);
    const { sides } = sharedScale(counts, Math.min(MAX_SIDE, Math.floor((available - GAP) / 2)));
    this.sidesCss = sides;

    const ratio = window.devicePixelRatio || 1;
    const width = sides[0] + GAP + sides[1];
    const height = CAPTION + Math.max(sides[0], sides[1]);
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    context.fillStyle = cssColor(this.theme.scale.background);
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);

    const head = this.state!.twoTextHead;
    for (let index = 0; index < 2; index++) {
      const side = loaded.sides[index];
      const mask: AttentionMask = { causal: side.causal, slidingWindow: side.slidingWindow };
      const x = index === 0 ? 0 : sides[0] + GAP;
      paintPattern(context, loaded.patterns[index], counts[index], Math.round(sides[index] * ratio), Math.round(x * ratio), Math.round(CAPTION * ratio), mask, this.theme.scale, ratio);
      context.save();
      context.scale(ratio, ratio);
      context.fillStyle = cssColor(this.theme.foreground);
      context.font = `11px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
      context.textBaseline = 'bottom';
      context.fillText(`${index === 0 ? 'Pinned' : 'Current'}: layer ${head.layer}, head ${head.head}, ${counts[index]} tokens`, x, CAPTION - 3, Math.max(sides[index], 160));
      context.restore();
    }
    this.canvas.setAttribute('aria-label', `Layer ${head.layer}, head ${head.head} on the pinned text (${counts[0]} tokens) and the current text (${counts[1]} tokens).`);
  }

  private setHovered(text: number, token: number): void {
    const loaded = this.loaded;
    this.hovered = text === 0 ? [token, -1] : [-1, token];
    this.strips[0].highlight(this.hovered[0]);
    this.strips[1].highlight(this.hovered[1]);
    if (!loaded || token < 0) {
      this.readout.textContent = '\u00a0';
      return;
    }
    const n = loaded.sides[text].tokens.count;
    const row = loaded.patterns[text].subarray(token * n, (token + 1) * n);
    let best = 0;
    for (let key = 1; key < n; key++) if (row[key] > row[best]) best = key;
    const labels = loaded.sides[text].tokens.labels;
    this.readout.textContent = `${text === 0 ? 'Pinned' : 'Current'} text, token ${token} \u201c${labels[token]}\u201d attends most to ${best} \u201c${labels[best]}\u201d (${row[best].toFixed(4)})`;
  }

  private onMouseMove(event: MouseEvent): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top - CAPTION;
    const second = x >= this.sidesCss[0] + GAP;
    const text = second ? 1 : 0;
    const localX = second ? x - this.sidesCss[0] - GAP : x;
    const n = loaded.sides[text].tokens.count;
    const row = tokenAtPixel(y, this.sidesCss[text], n);
    this.setHovered(text, tokenAtPixel(localX, this.sidesCss[text], n) >= 0 ? row : -1);
  }

  private async exportPng(): Promise<void> {
    if (!this.loaded) {
      this.events.error('Nothing to save yet: pin an analysis and analyze another selection first.');
      return;
    }
    try {
      await this.port.saveFile('attention-two-texts.png', 'image/png', await canvasPng(this.canvas));
    } catch (error) {
      this.events.error(`Saving the two texts as PNG failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
