/**
 * Mounts the heads views (all-heads grid, side by side, same head on two
 * texts) into the panel. The panel's main script calls, once:
 *
 *   const heads = mountHeadsViews(addHeadsTabs(layout.panels), port, readTheme(), events);
 *
 * then heads.setAnalysis(view) on every state message, heads.setTheme(theme)
 * on a theme change. `port` turns the view's needs into the host requests
 * `thumbnails`, `patterns`, `metrics` and `saveFile` (webview/heads/port.ts).
 */
import type { AnalysisView, HeadsCommand } from '../../src/protocol';
import type { Theme } from '../theme';
import { CompareView } from './compareView';
import {
  initialComparison, sideOf, withCurrent, withHead, withPinned, MAX_COMPARED_HEADS, type ComparisonState, type HeadRef,
} from './compareState';
import { element } from './dom';
import { HeadsGridView } from './gridView';
import type { HeadsPort } from './port';
import { TwoTextsView } from './twoTextsView';

export type HeadsViewName = 'grid' | 'compare' | 'twoTexts';

export interface HeadsTargets {
  readonly grid: HTMLElement;
  readonly compare: HTMLElement;
  readonly twoTexts: HTMLElement;
  /** Brings a view to the front (selects its tab); absent when the views are always visible. */
  readonly select?: (view: HeadsViewName) => void;
}

export interface HeadsMountEvents {
  /** Show this head in the main attention view. */
  openHead(head: HeadRef): void;
  /** Keep this analysis in the worker for the two-text comparison (null: the pin was dropped). */
  pinAnalysis(analysisId: number | null): void;
  /** Show an error the person can act on. */
  error(message: string): void;
}

export interface HeadsViews {
  setAnalysis(view: AnalysisView | null): void;
  setTheme(theme: Theme): void;
  /** The grid, for the benchmark page and tests. */
  readonly grid: HeadsGridView;
  readonly compare: CompareView;
  readonly twoTexts: TwoTextsView;
  /** Switches the compare view to `heads` (2 to 4 heads). */
  compareHeads(heads: readonly HeadRef[]): void;
  /** Runs a palette command sent by the host (HeadsCommandMessage). */
  runCommand(command: HeadsCommand): void;
  dispose(): void;
}

/** Adds the Heads, Compare and Two texts tabs to the page's vscode-panels element and returns their panels. */
export function addHeadsTabs(panels: HTMLElement): HeadsTargets {
  const add = (id: string, title: string) => {
    const tab = element('vscode-panel-tab', 'view-tab', title);
    tab.id = `tab-${id}`;
    const view = element('vscode-panel-view', 'view-panel');
    view.id = `view-${id}`;
    // vscode-panels pairs the n-th tab with the n-th view, so tabs go before the first view.
    const firstView = panels.querySelector('vscode-panel-view');
    panels.insertBefore(tab, firstView);
    panels.appendChild(view);
    return view;
  };
  const tabIds: Record<HeadsViewName, string> = { grid: 'tab-heads', compare: 'tab-compare', twoTexts: 'tab-two-texts' };
  return {
    grid: add('heads', 'Heads'),
    compare: add('compare', 'Compare'),
    twoTexts: add('two-texts', 'Two texts'),
    // vscode-panels shows the tab whose id is in its activeid attribute.
    select: (view) => panels.setAttribute('activeid', tabIds[view]),
  };
}

export function mountHeadsViews(targets: HeadsTargets, port: HeadsPort, theme: Theme, events: HeadsMountEvents): HeadsViews {
  let state: ComparisonState = initialComparison();
  const update = (next: ComparisonState) => {
    const pinChanged = next.pinned?.analysisId !== state.pinned?.analysisId;
    state = next;
    if (pinChanged) events.pinAnalysis(state.pinned?.analysisId ?? null);
    compare.setState(state);
    twoTexts.setState(state);
  };

  const grid = new HeadsGridView(port, theme, {
    openHead: (head) => events.openHead(head),
    compareHead: (head) => {
      const slot = Math.min(state.heads.length, MAX_COMPARED_HEADS - 1);
      update(withHead(state, slot, head));
    },
    error: (message) => events.error(message),
  });
  const compare = new CompareView(port, theme, { change: update, error: (message) => events.error(message) });
  const twoTexts = new TwoTextsView(port, theme, {
    change: update,
    pin: (pinned) => update(withPinned(state, pinned ? state.current : null)),
    error: (message) => events.error(message),
  });
  targets.grid.appendChild(grid.element);
  targets.compare.appendChild(compare.element);
  targets.twoTexts.appendChild(twoTexts.element);

  return {
    grid,
    compare,
    twoTexts,
    setAnalysis(view) {
      const side = view ? sideOf(view) : null;
      if (side?.analysisId !== state.current?.analysisId) {
        grid.setAnalysis(side && { analysisId: side.analysisId, layers: side.layers, heads: side.heads, tokenCount: side.tokens.count });
      }
      update(withCurrent(state, side));
    },
    setTheme(next) {
      grid.setTheme(next);
      compare.setTheme(next);
      twoTexts.setTheme(next);
    },
    compareHeads(heads) {
      let next = state;
      heads.slice(0, MAX_COMPARED_HEADS).forEach((head, slot) => (next = withHead(next, slot, head)));
      update(next);
    },
    runCommand(command) {
      switch (command) {
        case 'showGrid':
          targets.select?.('grid');
          break;
        case 'showCompare':
          targets.select?.('compare');
          break;
        case 'showTwoTexts':
          targets.select?.('twoTexts');
          break;
        case 'exportGridPng':
          void grid.exportPng();
          break;
        case 'exportMetricsCsv':
          void grid.exportMetrics('csv');
          break;
        case 'exportMetricsMarkdown':
          void grid.exportMetrics('md');
          break;
        case 'exportComparisonPng':
          void compare.exportPng();
          break;
        case 'refreshMetrics':
          grid.refreshMetrics();
          break;
        default: {
          const unknown: never = command;
          events.error(`Unknown heads command ${JSON.stringify(unknown)}.`);
        }
      }
    },
    dispose() {
      grid.dispose();
    },
  };
}
