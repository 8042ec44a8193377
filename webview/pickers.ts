import type { AttentionDirection, PatternSelection, ViewMode } from '../src/protocol';
import { controlValue } from './toolkit';

export interface PickerEvents {
  selection(selection: PatternSelection): void;
  direction(direction: AttentionDirection): void;
}

const VIEW_MODES: ReadonlyArray<{ value: ViewMode; label: string }> = [
  { value: 'head', label: 'One head' },
  { value: 'mean', label: 'Mean of heads' },
  { value: 'max', label: 'Max over heads' },
];

function option(value: string, label: string): HTMLElement {
  const element = document.createElement('vscode-option');
  element.setAttribute('value', value);
  element.textContent = label;
  return element;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'picker';
  const caption = document.createElement('span');
  caption.className = 'picker-caption';
  caption.textContent = text;
  caption.setAttribute('aria-hidden', 'true');
  control.setAttribute('aria-label', text);
  wrapper.append(caption, control);
  return wrapper;
}

function setValue(control: HTMLElement, value: string): void {
  (control as HTMLElement & { value: string }).value = value;
}

/** Layer and head dropdowns, the way heads are combined, and which way attention is read. */
export class Pickers {
  readonly element: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly mode: HTMLElement;
  private readonly head: HTMLElement;
  private readonly direction: HTMLElement;
  private layers = 0;
  private heads = 0;
  private current: PatternSelection = { layer: 0, head: 0 };
  /** Head shown in the head dropdown, kept while a combined view is chosen. */
  private lastHead = 0;

  constructor(private readonly events: PickerEvents) {
    this.element = document.createElement('div');
    this.element.className = 'pickers';

    this.layer = document.createElement('vscode-dropdown');
    this.layer.id = 'layer-picker';
    this.mode = document.createElement('vscode-dropdown');
    this.mode.id = 'mode-picker';
    for (const mode of VIEW_MODES) this.mode.appendChild(option(mode.value, mode.label));
    this.head = document.createElement('vscode-dropdown');
    this.head.id = 'head-picker';

    this.direction = document.createElement('vscode-radio-group');
    this.direction.id = 'direction-picker';
    const legend = document.createElement('label');
    legend.setAttribute('slot', 'label');
    legend.textContent = 'Shade by the attention the focused token';
    this.direction.appendChild(legend);
    for (const [value, text] of [
      ['pays', 'pays (its row)'],
      ['receives', 'receives (its column)'],
    ]) {
      const radio = document.createElement('vscode-radio');
      radio.setAttribute('value', value);
      radio.textContent = text;
      this.direction.appendChild(radio);
    }

    this.element.append(
      labelled('Layer', this.layer),
      labelled('Heads', this.mode),
      labelled('Head', this.head),
      this.direction,
    );

    this.layer.addEventListener('change', (event) => this.onChange(event, 'layer'));
    this.mode.addEventListener('change', (event) => this.onChange(event, 'mode'));
    this.head.addEventListener('change', (event) => this.onChange(event, 'head'));
    this.direction.addEventListener('change', (event) => {
      const value = controlValue(event.target);
      if (value === 'pays' || value === 'receives') this.events.direction(value);
    });
  }

  /** Fills the dropdowns for a model with `layers` layers of `heads` heads each. */
  setModel(layers: number, heads: number): void {
    if (layers === this.layers && heads === this.heads) return;
    this.layers = layers;
    this.heads = heads;
    this.layer.replaceChildren(...Array.from({ length: layers }, (_, i) => option(String(i), `Layer ${i}`)));
    this.head.replaceChildren(...Array.from({ length: heads }, (_, i) => option(String(i), `Head ${i}`)));
  }

  setSelection(selection: PatternSelection): void {
    this.current = selection;
    if (typeof selection.head === 'number') this.lastHead = selection.head;
    setValue(this.layer, String(selection.layer));
    setValue(this.mode, typeof selection.head === 'number' ? 'head' : selection.head);
    setValue(this.head, String(this.lastHead));
    this.head.toggleAttribute('disabled', typeof selection.head !== 'number');
  }

  setDirection(direction: AttentionDirection): void {
    setValue(this.direction, direction);
  }

  private onChange(event: Event, control: 'layer' | 'mode' | 'head'): void {
    const value = controlValue(event.target);
    let next: PatternSelection = this.current;
    if (control === 'layer') {
      const layer = Number(value);
      if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers) return;
      next = { layer, head: this.current.head };
    } else if (control === 'mode') {
      if (value !== 'head' && value !== 'mean' && value !== 'max') return;
      next = { layer: this.current.layer, head: value === 'head' ? this.lastHead : value };
    } else {
      const head = Number(value);
      if (!Number.isInteger(head) || head < 0 || head >= this.heads) return;
      next = { layer: this.current.layer, head };
    }
    if (next.layer === this.current.layer && next.head === this.current.head) return;
    this.setSelection(next);
    this.events.selection(next);
  }
}
