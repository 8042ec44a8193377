/**
 * The only module that imports @vscode/webview-ui-toolkit, so replacing the
 * toolkit touches this file and the element names in the views. Registers
 * just the components the views use. Under a CSP without 'unsafe-inline'
 * styles, the toolkit's styles go through constructable stylesheets
 * (adoptedStyleSheets), which Chromium allows; test/webview checks that no
 * CSP violation is reported.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeRadio,
  vsCodeRadioGroup,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeRadio(),
    vsCodeRadioGroup(),
  );
}

/** Reads the `value` of the toolkit dropdown or radio group that fired a `change` event. */
export function controlValue(target: EventTarget | null): string {
  const value = (target as { value?: unknown } | null)?.value;
  return typeof value === 'string' ? value : '';
}
