/**
 * The tokens of an analysis as a line of text, for the comparison views.
 * Hovering a token reports it; highlight() marks one from elsewhere.
 */
import type { TokenTable } from '../../src/protocol';
import { TokenFlag } from '../../src/protocol';
import { element } from './dom';

export class TokenStrip {
  readonly element = element('div', 'heads-token-strip');
  private spans: HTMLElement[] = [];
  private highlighted = -1;

  constructor(private readonly onHover: (token: number) => void) {
    this.element.addEventListener('mouseover', (event) => {
      const index = Number((event.target as HTMLElement).dataset?.token);
      if (Number.isInteger(index)) this.onHover(index);
    });
    this.element.addEventListener('mouseleave', () => this.onHover(-1));
  }

  /** NOTE: one span per token, not virtualized; a few thousand tokens are fine, far more would be slow. */
  setTokens(tokens: TokenTable | null): void {
    this.highlighted = -1;
    this.spans = [];
    this.element.textContent = '';
    if (!tokens) return;
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < tokens.count; index++) {
      const special = (tokens.flags[index] & TokenFlag.Special) !== 0;
      const span = element('span', special ? 'heads-token heads-token-special' : 'heads-token', tokens.labels[index]);
      span.dataset.token = String(index);
      this.spans.push(span);
      fragment.appendChild(span);
    }
    this.element.appendChild(fragment);
  }

  highlight(token: number): void {
    if (token === this.highlighted) return;
    this.spans[this.highlighted]?.classList.remove('is-hovered');
    this.highlighted = token;
    this.spans[token]?.classList.add('is-hovered');
  }
}
