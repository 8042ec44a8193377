/** The empty, busy, error, stale and notice lines above the views. */
export class Banners {
  readonly element: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly busy: HTMLElement;
  private readonly error: HTMLElement;
  private readonly stale: HTMLElement;
  private readonly notice: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'banners';

    this.empty = this.line('empty', 'Select text and run Attention Inspector: Analyze Selection.');
    this.busy = this.line('busy', '');
    this.busy.setAttribute('role', 'status');
    this.error = this.line('error', '');
    this.error.setAttribute('role', 'alert');
    this.stale = this.line(
      'stale',
      'The document changed since this analysis, so token positions may be off. Run Attention Inspector: Analyze Selection again.',
    );
    this.stale.setAttribute('role', 'alert');
    this.notice = this.line('notice', '');
    this.notice.setAttribute('role', 'status');
  }

  private line(className: string, text: string): HTMLElement {
    const element = document.createElement('div');
    element.className = `banner banner-${className}`;
    element.textContent = text;
    element.hidden = true;
    this.element.appendChild(element);
    return element;
  }

  setEmpty(shown: boolean): void {
    this.empty.hidden = !shown;
  }

  setBusy(busy: boolean, label: string): void {
    this.busy.hidden = !busy;
    this.busy.textContent = label || 'Analyzing\u2026';
  }

  /** Shows why the last analysis failed; an empty string hides it. */
  setError(text: string): void {
    this.error.hidden = text === '';
    this.error.textContent = text;
  }

  setStale(stale: boolean): void {
    this.stale.hidden = !stale;
  }

  /** Shows a one-line notice (a truncated selection, a failed request); an empty string hides it. */
  setNotice(text: string): void {
    this.notice.hidden = text === '';
    this.notice.textContent = text;
  }
}
