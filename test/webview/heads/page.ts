/**
 * Test page of the heads views: mounts them with a port that replies with
 * the hand-made heads of syntheticHeads.ts. Query parameters: n (tokens,
 * default 24), layers and heads (default 2 x 4), bench=1 to skip the metrics
 * (the benchmark times the grid alone), tabs=1 to mount into toolkit tabs as
 * the panel does. The page exposes `window.headsPage`
 * for the Chromium test and the benchmark.
 */
import type { AnalysisView, HeadMetricsTable, ThumbnailBlock } from '../../../src/protocol';
import { addHeadsTabs, mountHeadsViews, type HeadsTargets, type HeadsViews } from '../../../webview/heads/mount';
import type { HeadsPort } from '../../../webview/heads/port';
import { readTheme } from '../../../webview/theme';
import { registerToolkit } from '../../../webview/toolkit';
import { syntheticAnalysis, syntheticMetrics, syntheticPatterns, syntheticThumbnails } from './syntheticHeads';

export interface SavedFile {
  readonly name: string;
  readonly mimeType: string;
  readonly bytes: number[];
}

export interface HeadsPage {
  readonly views: HeadsViews;
  readonly saved: SavedFile[];
  readonly errors: string[];
  readonly opened: string[];
  readonly pins: Array<number | null>;
  readonly thumbnailSizes: number[];
  analysis(analysisId: number, n: number): AnalysisView;
  /** Resolves the pending thumbnails request; only with bench=1, where the benchmark controls when they arrive. */
  deliverThumbnails(): number;
  metrics(n: number): HeadMetricsTable;
}

declare global {
  interface Window {
    headsPage: HeadsPage;
  }
}

const parameters = new URLSearchParams(location.search);
const n = Number(parameters.get('n') ?? 24);
const layers = Number(parameters.get('layers') ?? 2);
const heads = Number(parameters.get('heads') ?? 4);
const bench = parameters.get('bench') === '1';
const tokenCounts = new Map<number, number>();

const saved: SavedFile[] = [];
const thumbnailSizes: number[] = [];
let pendingThumbnails: (() => void) | null = null;

const port: HeadsPort = {
  thumbnails(analysisId, size): Promise<ThumbnailBlock> {
    thumbnailSizes.push(size);
    // Computed before the reply, so that the benchmark times only what happens after the thumbnails arrive.
    const block = syntheticThumbnails(tokenCounts.get(analysisId) ?? n, layers, heads, size);
    if (!bench) return Promise.resolve(block);
    return new Promise((resolve) => (pendingThumbnails = () => resolve(block)));
  },
  patterns: (analysisId, selections) => Promise.resolve(syntheticPatterns(tokenCounts.get(analysisId) ?? n, heads, selections)),
  metrics: (analysisId) => {
    if (bench) return new Promise(() => undefined); // the benchmark sets metrics itself
    const count = tokenCounts.get(analysisId) ?? n;
    return Promise.resolve(syntheticMetrics(analysisId, count, layers, heads, Int32Array.from({ length: count }, (_, i) => i % 97)));
  },
  saveFile(name, mimeType, bytes) {
    saved.push({ name, mimeType, bytes: [...bytes.subarray(0, 16)] });
    return Promise.resolve({ saved: true, uri: `file:///saved/${name}` });
  },
};

registerToolkit();
const root = document.getElementById('app')!;

function plainTargets(): HeadsTargets {
  const targets = { grid: document.createElement('div'), compare: document.createElement('div'), twoTexts: document.createElement('div') };
  root.append(targets.grid, targets.compare, targets.twoTexts);
  return targets;
}

/** A vscode-panels element with one existing tab, as webview/layout.ts builds the page, plus the heads tabs. */
function tabTargets(): HeadsTargets {
  const panels = document.createElement('vscode-panels');
  const tab = document.createElement('vscode-panel-tab');
  tab.id = 'tab-attention';
  tab.textContent = 'Attention';
  const view = document.createElement('vscode-panel-view');
  view.textContent = 'attention view';
  panels.append(tab, view);
  root.append(panels);
  return addHeadsTabs(panels);
}

const targets = parameters.get('tabs') === '1' ? tabTargets() : plainTargets();

const errors: string[] = [];
const opened: string[] = [];
const pins: Array<number | null> = [];
const views = mountHeadsViews(targets, port, readTheme(), {
  openHead: (head) => opened.push(`L${head.layer}H${head.head}`),
  pinAnalysis: (analysisId) => pins.push(analysisId),
  error: (message) => errors.push(message),
});

window.headsPage = {
  views,
  saved,
  errors,
  opened,
  pins,
  thumbnailSizes,
  analysis(analysisId, count) {
    tokenCounts.set(analysisId, count);
    return syntheticAnalysis(analysisId, count, layers, heads);
  },
  deliverThumbnails() {
    const deliver = pendingThumbnails;
    pendingThumbnails = null;
    if (!deliver) return 0;
    const started = performance.now();
    deliver();
    return started;
  },
  metrics: (count) => syntheticMetrics(1, count, layers, heads, Int32Array.from({ length: count }, (_, i) => i % 97)),
};
if (parameters.get('empty') !== '1') views.setAnalysis(window.headsPage.analysis(1, n));
