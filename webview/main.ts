/**
 * Entry of the webview script, bundled by esbuild as an IIFE to dist/webview/main.js.
 *
 * The HTML shell (src/host/panel.ts) must contain:
 * - a Content-Security-Policy of `default-src 'none'; script-src 'nonce-SCRIPT';
 *   style-src ${webview.cspSource} 'nonce-STYLE'`, with no 'unsafe-inline'
 *   (the webview loads no images or fonts);
 * - `<meta property="csp-nonce" content="STYLE">`: the toolkit reads it and puts
 *   that nonce on the one <style> element it adds, a probe for :focus-visible.
 *   Without it the probe is blocked and reported as a CSP violation;
 * - `<link rel="stylesheet">` to media/webview.css and media/heads.css;
 * - `<div id="app"></div>` in the body;
 * - `<script nonce="SCRIPT" src=".../dist/webview/main.js">` after that div.
 * SCRIPT and STYLE are two fresh random nonces per page.
 * Nothing else: this script builds the page inside #app and posts `ready`.
 */
import type { AnalysisView, PanelViewName } from '../src/protocol';
import { App } from './app';
import { renderCostView, type CostViewHandle, type CostViewInput } from './cost/costView';
import { addHeadsTabs, mountHeadsViews } from './heads/mount';
import type { HeadsPort } from './heads/port';
import { HostConnection } from './host';
import { addView, buildPageLayout, type PageLayout } from './layout';
import type { PendingRequests } from './requests';
import { observeTheme, readTheme } from './theme';
import { registerToolkit } from './toolkit';

/** The heads views' host services, as requests to the extension host. */
function headsPort(requests: PendingRequests): HeadsPort {
  return {
    thumbnails: (analysisId, size) => requests.send('thumbnails', { analysisId, size }),
    patterns: (analysisId, selections) => requests.send('patterns', { analysisId, selections }),
    metrics: (analysisId) => requests.send('metrics', { analysisId }),
    saveFile: (name, mimeType, bytes) => requests.send('saveFile', { name, mimeType, bytes }),
  };
}

function costInput(analysis: AnalysisView): CostViewInput {
  const { summary } = analysis;
  return { model: summary.model, tokenCount: summary.tokens.count, measuredForwardMs: summary.timings.forwardMs };
}

/** Selects the tab of `view`; vscode-panels shows the tab whose id is in its activeid attribute. */
function selectView(layout: PageLayout, view: PanelViewName): void {
  layout.panels.setAttribute('activeid', `tab-${view}`);
}

function start(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('The webview page has no <div id="app">; the panel HTML must contain it.');
  registerToolkit();
  const host = new HostConnection();
  const layout = buildPageLayout(root);
  const app = new App(host, layout);

  const heads = mountHeadsViews(addHeadsTabs(layout.panels), headsPort(host.requests), readTheme(), {
    openHead: (head) => {
      app.pickHead({ layer: head.layer, head: head.head });
      selectView(layout, 'attention');
    },
    pinAnalysis: (analysisId) => host.post({ kind: 'pinAnalysis', analysisId }),
    error: (message) => app.showNotice(message),
  });
  observeTheme((theme) => heads.setTheme(theme));

  const costPanel = addView(layout, 'cost', 'Cost');
  // Rendered at the first analysis, so that the loaded model is its first choice; the tabs are hidden until then.
  let cost: CostViewHandle | null = null;
  /** The analysis and model the cost view shows, so it redraws only when they change. */
  let costKey = '';
  window.addEventListener('pagehide', () => {
    cost?.dispose();
    heads.dispose();
  });

  host.start({
    state: (message) => {
      app.onState(message);
      heads.setAnalysis(message.analysis);
      const key = message.analysis ? `${message.analysis.summary.analysisId}/${message.analysis.summary.model.name}` : '';
      if (key !== costKey && message.analysis) {
        costKey = key;
        if (cost) cost.update(costInput(message.analysis));
        else cost = renderCostView(costPanel, costInput(message.analysis));
      }
    },
    busy: (message) => app.onBusy(message),
    error: (message) => app.onError(message),
    stale: (message) => app.onStale(message),
    focus: (message) => app.onFocus(message),
    headsCommand: (message) => heads.runCommand(message.command),
    showView: (message) => selectView(layout, message.view),
  });
}

start();
