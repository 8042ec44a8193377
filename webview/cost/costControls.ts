/** The cost view's toolkit dropdowns: model or preset, device, data type, batch size. */

import { controlValue } from '../toolkit';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

let nextId = 0;

/** Creates a labelled `vscode-dropdown` that passes the chosen value to `onChange`. Register the toolkit first. */
export function createDropdown(label: string, choices: readonly Choice[], selected: string, onChange: (value: string) => void): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'cost-control';
  const id = `cost-control-${nextId++}`;

  const caption = document.createElement('label');
  caption.htmlFor = id;
  caption.textContent = label;

  const dropdown = document.createElement('vscode-dropdown');
  dropdown.id = id;
  dropdown.setAttribute('aria-label', label);
  for (const choice of choices) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    if (choice.value === selected) option.setAttribute('selected', '');
    dropdown.append(option);
  }
  dropdown.addEventListener('change', (event) => {
    const value = controlValue(event.target);
    if (value !== '') onChange(value);
  });

  wrapper.append(caption, dropdown);
  return wrapper;
}
