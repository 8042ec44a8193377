import type { Prediction } from '../src/protocol';

/** The most likely next tokens after the focused token, for causal models only. */
export class PredictionsView {
  readonly element: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly list: HTMLOListElement;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'predictions';
    this.element.setAttribute('aria-label', 'Next-token predictions');
    this.caption = document.createElement('div');
    this.caption.className = 'predictions-caption';
    this.list = document.createElement('ol');
    this.list.className = 'predictions-list';
    this.element.append(this.caption, this.list);
    this.element.hidden = true;
  }

  /** Hides the view; bidirectional models such as BERT do not predict the next token. */
  hide(): void {
    this.element.hidden = true;
  }

  showMessage(text: string): void {
    this.element.hidden = false;
    this.caption.textContent = text;
    this.list.replaceChildren();
  }

  show(afterLabel: string, predictions: readonly Prediction[]): void {
    this.element.hidden = false;
    this.caption.textContent = `Most likely next tokens after \u201c${afterLabel}\u201d`;
    this.list.replaceChildren(
      ...predictions.map((prediction) => {
        const item = document.createElement('li');
        const token = document.createElement('span');
        token.className = 'prediction-token';
        token.textContent = prediction.label;
        const probability = document.createElement('span');
        probability.className = 'prediction-probability';
        probability.textContent = `${(prediction.probability * 100).toFixed(1)}%`;
        item.append(token, probability);
        return item;
      }),
    );
  }
}
