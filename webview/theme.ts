import {
  createColorScale,
  DEFAULT_BACKGROUNDS,
  DEFAULT_FOREGROUNDS,
  parseCssColor,
  type ColorScale,
  type Rgb,
  type ThemeKind,
} from './colorScale';

/** The colours the views draw with, read from VS Code's theme variables. */
export interface Theme {
  readonly kind: ThemeKind;
  readonly scale: ColorScale;
  readonly foreground: Rgb;
  /** Outline of the focused token's row or column. */
  readonly focusBorder: Rgb;
}

/** Reads the theme kind from the class VS Code sets on the body. */
export function themeKindOf(body: HTMLElement): ThemeKind {
  if (body.classList.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (body.classList.contains('vscode-high-contrast')) return 'high-contrast';
  if (body.classList.contains('vscode-dark')) return 'dark';
  return 'light';
}

function readColor(style: CSSStyleDeclaration, variable: string, fallback: Rgb): Rgb {
  return parseCssColor(style.getPropertyValue(variable)) ?? fallback;
}

export function readTheme(): Theme {
  const kind = themeKindOf(document.body);
  const style = getComputedStyle(document.documentElement);
  const background = readColor(style, '--vscode-editor-background', DEFAULT_BACKGROUNDS[kind]);
  const foreground = readColor(style, '--vscode-editor-foreground', DEFAULT_FOREGROUNDS[kind]);
  const focusBorder = readColor(style, '--vscode-focusBorder', { r: 0, g: 120, b: 212 });
  return { kind, scale: createColorScale(kind, background, foreground), foreground, focusBorder };
}

/**
 * Calls `onChange` when VS Code switches theme. It changes the body's class
 * and the variables in the html element's style attribute, so both are observed.
 */
export function observeTheme(onChange: (theme: Theme) => void): void {
  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange(readTheme());
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
