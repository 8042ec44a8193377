/** Small DOM helpers shared by the heads views; toolkit elements are created by tag name only. */
import { controlValue } from '../toolkit';

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K];
export function element(tag: string, className: string, text?: string): HTMLElement;
export function element(tag: string, className: string, text?: string): HTMLElement {
  const created = document.createElement(tag);
  created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

/**
 * Calls `redraw` when the element's width changes, e.g. when its tab is
 * shown: a view drawn inside a hidden tab has no width to fit its canvas to.
 */
export function redrawOnWidthChange(target: HTMLElement, redraw: () => void): void {
  if (typeof ResizeObserver !== 'function') return;
  let width = target.clientWidth;
  new ResizeObserver(() => {
    if (target.clientWidth === width) return;
    width = target.clientWidth;
    redraw();
  }).observe(target);
}

/** Creates a toolkit dropdown with a visible caption. `onChange` receives the chosen value. */
export function dropdown(caption: string, options: ReadonlyArray<{ value: string; label: string }>, onChange: (value: string) => void): {
  wrapper: HTMLElement;
  control: HTMLElement;
  setValue(value: string): void;
} {
  const wrapper = element('label', 'heads-control');
  const text = element('span', 'heads-control-caption', caption);
  const control = element('vscode-dropdown', 'heads-dropdown');
  control.setAttribute('aria-label', caption);
  for (const option of options) {
    const item = element('vscode-option', '', option.label);
    item.setAttribute('value', option.value);
    control.appendChild(item);
  }
  control.addEventListener('change', (event) => onChange(controlValue(event.target)));
  wrapper.append(text, control);
  return {
    wrapper,
    control,
    setValue: (value) => {
      (control as HTMLElement & { value: string }).value = value;
    },
  };
}

/** Creates a toolkit button. Use the "secondary" appearance for the less important actions. */
export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  const created = element('vscode-button', 'heads-button', label);
  created.setAttribute('appearance', appearance);
  created.addEventListener('click', onClick);
  return created;
}

export function cssColor(color: { r: number; g: number; b: number }): string {
  return `rgb(${color.r}, ${color.g}, ${color.b})`;
}
