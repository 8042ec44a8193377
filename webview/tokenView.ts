import { TokenFlag, type AnalysisView } from '../src/protocol';
import { weightToLevel, type ColorScale } from './colorScale';
import { renderLinePieces } from './tokenPieces';
import { layoutTokens } from './tokenLayout';

/** What a person did in the token text; the app decides what it means for focus and pinning. */
export interface TokenViewEvents {
  /** The mouse moved onto a token, or off every token (null). */
  hover(index: number | null): void;
  /** A token was clicked, or Enter or Space pressed on it. */
  activate(index: number): void;
  /** The keyboard moved focus to a token. */
  keyboardFocus(index: number): void;
  /** Escape was pressed. */
  escape(): void;
}

/** Lines per block; each block is skipped by layout and paint while off screen (`content-visibility: auto`). */
const LINES_PER_BLOCK = 40;

/**
 * The analyzed text with one span per token, laid out in the document's
 * lines. One listener per event type on the container serves every token.
 */
export class TokenView {
  readonly element: HTMLElement;
  /** Spans of each token: a token that crosses a line break has several. */
  private spans: HTMLElement[][] = [];
  /** [count] shade level last applied to each token, so a focus change touches only tokens whose shade changed. */
  private levels = new Uint8Array(0);
  /** [count] 1 where the token is masked for the current focus. */
  private masked = new Uint8Array(0);
  private focused: number | null = null;
  private pinned: number | null = null;
  private tabStop = 0;

  constructor(private readonly events: TokenViewEvents) {
    this.element = document.createElement('div');
    this.element.className = 'token-text';
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Analyzed text, one button per token');
    this.element.addEventListener('mouseover', (event) => this.onMouseOver(event));
    this.element.addEventListener('mouseleave', () => this.events.hover(null));
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('focusin', (event) => this.onFocusIn(event));
  }

  get tokenCount(): number {
    return this.spans.length;
  }

  render(analysis: AnalysisView): void {
    const tokens = analysis.summary.tokens;
    const lines = layoutTokens(analysis.text, tokens, analysis.summary.analysedLength);
    this.spans = Array.from({ length: tokens.count }, () => []);
    this.levels = new Uint8Array(tokens.count);
    this.masked = new Uint8Array(tokens.count);
    this.focused = null;
    this.pinned = null;

    const fragment = document.createDocumentFragment();
    let block: HTMLElement | null = null;
    lines.forEach((line, lineIndex) => {
      if (lineIndex % LINES_PER_BLOCK === 0) {
        block = document.createElement('div');
        block.className = 'token-block';
        fragment.appendChild(block);
      }
      const row = document.createElement('div');
      row.className = 'token-line';
      // Tokens isolate their own direction, which hides their letters from the browser's choice of the line's direction.
      row.dir = line.direction;
      row.appendChild(renderLinePieces(line, (span, token) => this.addTokenSpan(span, token, tokens.flags)));
      // An empty line still needs height.
      if (line.pieces.length === 0) row.appendChild(document.createTextNode('\u200b'));
      block!.appendChild(row);
    });
    this.element.replaceChildren(fragment);

    this.tabStop = 0;
    this.spans[0]?.[0]?.setAttribute('tabindex', '0');
  }

  clear(): void {
    this.spans = [];
    this.levels = new Uint8Array(0);
    this.masked = new Uint8Array(0);
    this.element.replaceChildren();
  }

  /** Registers the element of a token: the first element of each token is its button. */
  private addTokenSpan(span: HTMLElement, token: number, flags: Uint8Array): HTMLElement {
    span.dataset.token = String(token);
    span.classList.add('token');
    if (flags[token] & TokenFlag.PartialCharacter) span.classList.add('partial');
    const group = this.spans[token];
    if (group.length === 0) {
      span.setAttribute('role', 'button');
      span.setAttribute('tabindex', '-1');
    }
    group.push(span);
    return span;
  }

  /**
   * Shades every token by `weights[i] / max`, marks the focused and pinned
   * tokens, and dims masked ones. `weights` is [count]; null clears the shading.
   */
  shade(
    weights: Float32Array | null,
    max: number,
    masked: Uint8Array | null,
    focused: number | null,
    pinned: number | null,
    scale: ColorScale,
  ): void {
    const count = this.spans.length;
    for (let i = 0; i < count; i++) {
      const level = weights && max > 0 ? weightToLevel(weights[i] / max) : 0;
      const isMasked = masked ? masked[i] : 0;
      if (level === this.levels[i] && isMasked === this.masked[i]) continue;
      this.levels[i] = level;
      this.masked[i] = isMasked;
      for (const span of this.spans[i]) {
        span.style.backgroundColor = scale.textShades[level];
        span.classList.toggle('masked', isMasked === 1);
      }
    }
    this.mark(this.focused, focused, 'focused');
    this.mark(this.pinned, pinned, 'pinned');
    this.focused = focused;
    this.pinned = pinned;
    if (pinned !== null) this.spans[pinned]?.[0]?.setAttribute('aria-pressed', 'true');
  }

  /** Recolours every token, e.g. after a theme change. */
  repaint(scale: ColorScale): void {
    this.spans.forEach((group, i) => {
      for (const span of group) span.style.backgroundColor = scale.textShades[this.levels[i]];
    });
  }

  /** Sets the accessible name of a token, e.g. with the weights it pays. */
  describe(index: number, label: string): void {
    this.spans[index]?.[0]?.setAttribute('aria-label', label);
  }

  /** Moves the roving tab stop to a token; with `moveFocus`, gives it keyboard focus and scrolls it into view. */
  moveTo(index: number, moveFocus: boolean): void {
    const target = this.spans[index]?.[0];
    if (!target) return;
    this.spans[this.tabStop]?.[0]?.setAttribute('tabindex', '-1');
    target.setAttribute('tabindex', '0');
    this.tabStop = index;
    if (moveFocus) target.focus();
    else target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private mark(previous: number | null, next: number | null, className: string): void {
    if (previous === next) return;
    if (previous !== null) {
      for (const span of this.spans[previous] ?? []) span.classList.remove(className);
      if (className === 'pinned') this.spans[previous]?.[0]?.removeAttribute('aria-pressed');
    }
    if (next !== null) for (const span of this.spans[next] ?? []) span.classList.add(className);
  }

  private tokenOf(target: EventTarget | null): number | null {
    const element = target instanceof Element ? target.closest<HTMLElement>('[data-token]') : null;
    if (!element) return null;
    const index = Number(element.dataset.token);
    return Number.isInteger(index) && index >= 0 && index < this.spans.length ? index : null;
  }

  private onMouseOver(event: MouseEvent): void {
    this.events.hover(this.tokenOf(event.target));
  }

  private onClick(event: MouseEvent): void {
    const index = this.tokenOf(event.target);
    if (index !== null) this.events.activate(index);
  }

  private onFocusIn(event: FocusEvent): void {
    const index = this.tokenOf(event.target);
    if (index !== null && index !== this.focused) this.events.keyboardFocus(index);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const index = this.tokenOf(event.target);
    if (index === null) return;
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowRight':
        next = Math.min(this.spans.length - 1, index + 1);
        break;
      case 'ArrowLeft':
        next = Math.max(0, index - 1);
        break;
      case 'ArrowDown':
        next = this.verticalNeighbour(index, 1);
        break;
      case 'ArrowUp':
        next = this.verticalNeighbour(index, -1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.spans.length - 1;
        break;
      case 'Enter':
      case ' ':
        this.events.activate(index);
        event.preventDefault();
        return;
      case 'Escape':
        this.events.escape();
        return;
      default:
        return;
    }
    event.preventDefault();
    this.moveTo(next, true);
    this.events.keyboardFocus(next);
  }

  /** Finds the token on the next (+1) or previous (-1) line nearest horizontally; `index` itself on the first or last line. */
  private verticalNeighbour(index: number, step: 1 | -1): number {
    const current = this.spans[index][0].getBoundingClientRect();
    const centre = current.left + current.width / 2;
    let best = index;
    let bestLineTop: number | null = null;
    let bestDistance = Infinity;
    for (let i = index + step; i >= 0 && i < this.spans.length; i += step) {
      const box = this.spans[i][0].getBoundingClientRect();
      const onOtherLine = step > 0 ? box.top >= current.bottom - 1 : box.bottom <= current.top + 1;
      if (!onOtherLine) continue;
      if (bestLineTop === null) bestLineTop = box.top;
      if (box.top !== bestLineTop) break;
      const distance = Math.abs(box.left + box.width / 2 - centre);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  }
}
