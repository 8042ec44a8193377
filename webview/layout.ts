/**
 * The page's skeleton inside `#app`: banners on top, then tabs. The
 * Attention tab contains this view; other views add their own tab and panel.
 */
export interface PageLayout {
  readonly banners: HTMLElement;
  readonly title: HTMLElement;
  readonly controls: HTMLElement;
  readonly summary: HTMLElement;
  readonly tokens: HTMLElement;
  readonly side: HTMLElement;
  readonly panels: HTMLElement;
  readonly attentionPanel: HTMLElement;
}

function element(tag: string, className: string): HTMLElement {
  const created = document.createElement(tag);
  created.className = className;
  return created;
}

export function buildPageLayout(root: HTMLElement): PageLayout {
  const banners = element('div', 'banner-area');

  const panels = element('vscode-panels', 'views');
  panels.setAttribute('aria-label', 'Views');
  const tab = element('vscode-panel-tab', 'view-tab');
  tab.id = 'tab-attention';
  tab.textContent = 'Attention';
  const attentionPanel = element('vscode-panel-view', 'view-panel');
  attentionPanel.id = 'view-attention';
  panels.append(tab, attentionPanel);

  const content = element('div', 'attention-view');
  const header = element('header', 'attention-header');
  const title = element('div', 'analysis-title');
  const controls = element('div', 'controls');
  const summary = element('div', 'cost-summary');
  header.append(title, controls, summary);

  const columns = element('div', 'columns');
  const tokens = element('div', 'column column-tokens');
  const side = element('div', 'column column-side');
  columns.append(tokens, side);
  content.append(header, columns);
  attentionPanel.appendChild(content);

  root.replaceChildren(banners, panels);
  return { banners, title, controls, summary, tokens, side, panels, attentionPanel };
}

/**
 * Adds a tab named `label` after the existing ones and returns its empty
 * panel, for another view (the head grid, the cost view) to render into.
 */
export function addView(layout: PageLayout, id: string, label: string): HTMLElement {
  const tab = element('vscode-panel-tab', 'view-tab');
  tab.id = `tab-${id}`;
  tab.textContent = label;
  const panel = element('vscode-panel-view', 'view-panel');
  panel.id = `view-${id}`;
  // The toolkit pairs tabs and panels by order within their slots, so each goes after the last of its kind.
  const tabs = layout.panels.querySelectorAll(':scope > vscode-panel-tab');
  tabs[tabs.length - 1].after(tab);
  layout.panels.appendChild(panel);
  return panel;
}
