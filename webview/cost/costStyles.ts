/**
 * Styles of the cost view, adopted as a constructable stylesheet so they work
 * under the webview's Content-Security-Policy without 'unsafe-inline' (the
 * toolkit styles itself the same way). Colours come from VS Code's theme variables.
 */

const COST_VIEW_CSS = `
.cost-view { display: flex; flex-direction: column; gap: 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
.cost-view section + section { margin-top: 16px; }
.cost-view h3 { margin: 0 0 6px; font-size: 1em; font-weight: 600; }
.cost-controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; }
.cost-control { display: flex; flex-direction: column; gap: 4px; }
.cost-control label { color: var(--vscode-descriptionForeground); }
.cost-note { margin: 0; color: var(--vscode-descriptionForeground); }
.cost-warning { margin: 0; color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
.cost-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; align-items: start; }
.cost-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.cost-table th, .cost-table td { padding: 2px 8px 2px 0; text-align: left; vertical-align: top; border-bottom: 1px solid var(--vscode-widget-border, rgba(128, 128, 128, 0.2)); }
.cost-table td.cost-number { text-align: right; white-space: nowrap; }
.cost-table tr.cost-group th { padding-top: 8px; color: var(--vscode-descriptionForeground); font-weight: 600; border-bottom: none; }
.cost-table tr.cost-total td { font-weight: 600; }
.cost-bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: 6px 10px; align-items: center; font-variant-numeric: tabular-nums; }
.cost-bar-track { height: 12px; background: var(--vscode-editorWidget-background, rgba(128, 128, 128, 0.15)); }
.cost-bar { height: 100%; min-width: 1px; }
.cost-chart { margin: 0; }
.cost-chart canvas { display: block; width: 100%; }
.cost-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 0; padding: 0; list-style: none; color: var(--vscode-descriptionForeground); }
.cost-swatch { display: inline-block; width: 14px; height: 3px; margin-right: 6px; vertical-align: middle; }
.cost-swatch.cost-dashed { background-image: linear-gradient(90deg, transparent 50%, var(--vscode-editor-background, #1f1f1f) 50%); background-size: 6px 3px; }
`;

let adopted: CSSStyleSheet | null = null;

/** Adds the cost view's stylesheet to `document` once. */
export function adoptCostStyles(document: Document): void {
  if (adopted !== null && document.adoptedStyleSheets.includes(adopted)) return;
  adopted = new CSSStyleSheet();
  adopted.replaceSync(COST_VIEW_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, adopted];
}
