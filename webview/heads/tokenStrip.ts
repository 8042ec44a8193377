/**
 * The tokens of an analysis as text in the document's layout, for the
 * comparison views: the same lines, token hairlines and partial-character
 * segments as the Attention tab (webview/tokenPieces.ts), under a caption.
 * Hovering a token reports it; highlight() marks one from elsewhere.
 */
import type { TokenTable } from '../../src/protocol';
import { layoutTokens } from '../tokenLayout';
import { renderLinePieces } from '../tokenPieces';
import { element } from './dom';

/** What a strip shows: the analysed text and its tokens (an AnalysisSide has these). */
export interface StripText {
  readonly tokens: TokenTable;
  readonly text: string;
  readonly analysedLength: number;
}

export class TokenStrip {
  readonly element = element('figure', 'heads-token-strip-box');
  private readonly text = element('div', 'heads-token-strip');
  /** Elements of each token: a token across a line break or inside a shared character has several. */
  private spans: HTMLElement[][] = [];
  private highlighted = -1;

  /** `caption` says what the strip is and what hovering does. */
  constructor(caption: string, private readonly onHover: (token: number) => void) {
    const captionElement = element('figcaption', 'heads-token-strip-caption', caption);
    this.element.append(captionElement, this.text);
    this.element.hidden = true;
    this.text.addEventListener('mouseover', (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-token]') : null;
      const index = Number(target?.dataset.token);
      if (target && Number.isInteger(index)) this.onHover(index);
    });
    this.text.addEventListener('mouseleave', () => this.onHover(-1));
  }

  /** NOTE: one element per token, not virtualized; a few thousand tokens are fine, far more would be slow. */
  setTokens(source: StripText | null): void {
    this.highlighted = -1;
    this.spans = [];
    this.text.textContent = '';
    this.element.hidden = source === null;
    if (!source) return;
    const { tokens } = source;
    this.spans = Array.from({ length: tokens.count }, () => []);
    const fragment = document.createDocumentFragment();
    for (const line of layoutTokens(source.text, tokens, source.analysedLength)) {
      const row = element('div', 'token-line');
      row.dir = line.direction;
      row.appendChild(renderLinePieces(line, (span, token) => {
        span.dataset.token = String(token);
        span.classList.add('token', 'heads-token');
        this.spans[token].push(span);
        return span;
      }));
      // An empty line still needs height.
      if (line.pieces.length === 0) row.appendChild(document.createTextNode('\u200b'));
      fragment.appendChild(row);
    }
    this.text.appendChild(fragment);
  }

  highlight(token: number): void {
    if (token === this.highlighted) return;
    for (const span of this.spans[this.highlighted] ?? []) span.classList.remove('is-hovered');
    this.highlighted = token;
    for (const span of this.spans[token] ?? []) span.classList.add('is-hovered');
  }
}
