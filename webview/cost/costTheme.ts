/** Colours and font of the cost charts, read from VS Code's theme CSS variables with fallbacks for a page outside VS Code. */

export interface ChartTheme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly font: string;
  /** One colour per series, in series order. */
  readonly series: readonly string[];
}

/** VS Code's chart palette variables, in the order series use them. */
const SERIES_VARIABLES: ReadonlyArray<readonly [string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Reads the theme at `element`; call again after a theme change (VS Code swaps the body's class). */
export function readChartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const fontSize = variable(style, '--vscode-font-size', '13px');
  const fontFamily = variable(style, '--vscode-font-family', 'system-ui, sans-serif');
  return {
    foreground: variable(style, '--vscode-foreground', '#cccccc'),
    muted: variable(style, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: variable(style, '--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    font: `${fontSize} ${fontFamily}`,
    series: SERIES_VARIABLES.map(([name, fallback]) => variable(style, name, fallback)),
  };
}
