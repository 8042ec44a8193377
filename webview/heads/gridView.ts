/**
 * The all-heads grid: every head's thumbnail on one canvas, layers in rows
 * and heads in columns, sortable and colourable by any metric, with each
 * head's labels under it. Hovering shows a head's figures; clicking (or
 * Enter) opens it.
 */
import { HEAD_METRIC_NAMES, type HeadLabel, type HeadMetricName, type HeadMetricsTable, type ThumbnailBlock } from '../../src/protocol';
import { labelsOf } from '../../src/engine/headLabels';
import { metricsCsv, metricsMarkdown } from '../../src/export/metricsTable';
import type { Theme } from '../theme';
import type { HeadRef } from './compareState';
import { button, cssColor, dropdown, element } from './dom';
import { layoutGrid, slotAt, slotOrigin, type GridLayout } from './gridGeometry';
import { gridDeviceSize, rasterizeGrid } from './gridRaster';
import { formatMetric, METRIC_TITLES, metricRange, metricValue, normalizeInRange, sortHeads, type SortDirection } from './metricOrder';
import { canvasPng, textBytes, type HeadsPort } from './port';
import { weightToLevel } from '../colorScale';

const SHORT_LABELS: Readonly<Record<HeadLabel, string>> = {
  'previous-token': 'prev',
  induction: 'ind',
  'duplicate-token': 'dup',
  sink: 'sink',
  local: 'local',
  broad: 'broad',
};

const CAPTION_FONT = 10;

/** The analysis the grid shows. */
export interface GridAnalysis {
  readonly analysisId: number;
  readonly layers: number;
  readonly heads: number;
  readonly tokenCount: number;
}

export interface GridEvents {
  /** The person clicked a head or pressed Enter on it. */
  openHead(head: HeadRef): void;
  /** The person Shift-clicked a head, to add it to the side-by-side comparison. */
  compareHead(head: HeadRef): void;
  /** A request or an export failed. The message names the failure and what to do next. */
  error(message: string): void;
}

export class HeadsGridView {
  readonly element = element('section', 'heads-grid');
  private readonly status = element('div', 'heads-status');
  private readonly stage = element('div', 'heads-grid-stage');
  private readonly canvas = element('canvas', 'heads-grid-canvas');
  private readonly outline = element('div', 'heads-grid-outline');
  private readonly tooltip = element('div', 'heads-grid-tooltip');
  private readonly sortControl;
  private readonly colorControl;
  private readonly directionButton: HTMLElement;

  private analysis: GridAnalysis | null = null;
  private thumbnails: ThumbnailBlock | null = null;
  private metrics: HeadMetricsTable | null = null;
  private layout: GridLayout | null = null;
  private order: Int32Array = new Int32Array(0);
  private sortMetric: HeadMetricName | null = null;
  private direction: SortDirection = 'descending';
  private colorMetric: HeadMetricName | null = null;
  private hoveredSlot = -1;
  /** Bumped per analysis so late replies for an older one are dropped. */
  private generation = 0;
  private resizeObserver: ResizeObserver | null = null;
  /** Milliseconds the last draw took, for the benchmark. */
  lastDrawMs = 0;

  constructor(private readonly port: HeadsPort, private theme: Theme, private readonly events: GridEvents) {
    const metricOptions = [{ value: '', label: 'None' }, ...HEAD_METRIC_NAMES.map((name) => ({ value: name, label: METRIC_TITLES[name] }))];
    this.sortControl = dropdown('Sort by', [{ value: '', label: 'Layer and head' }, ...metricOptions.slice(1)], (value) => {
      this.sortMetric = value === '' ? null : (value as HeadMetricName);
      this.updateDirectionButton();
      this.draw();
    });
    this.colorControl = dropdown('Color by', metricOptions, (value) => {
      this.colorMetric = value === '' ? null : (value as HeadMetricName);
      this.draw();
    });
    this.directionButton = button('Highest first', () => {
      this.direction = this.direction === 'descending' ? 'ascending' : 'descending';
      this.directionButton.textContent = this.direction === 'descending' ? 'Highest first' : 'Lowest first';
      this.draw();
    });
    this.updateDirectionButton();
    const controls = element('div', 'heads-controls');
    controls.append(
      this.sortControl.wrapper,
      this.directionButton,
      this.colorControl.wrapper,
      button('Save PNG', () => void this.exportPng()),
      button('Metrics CSV', () => void this.exportMetrics('csv')),
      button('Metrics Markdown', () => void this.exportMetrics('md')),
    );

    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.outline.hidden = true;
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('role', 'status');
    this.stage.append(this.canvas, this.outline, this.tooltip);
    this.element.append(controls, this.status, this.stage);

    this.canvas.addEventListener('mousemove', (event) => this.onMouseMove(event));
    this.canvas.addEventListener('mouseleave', () => this.setHovered(-1));
    this.canvas.addEventListener('click', (event) => this.open(this.hoveredSlot, event.shiftKey));
    this.canvas.addEventListener('keydown', (event) => this.onKey(event));
    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.onResize());
      this.resizeObserver.observe(this.element);
    }
  }

  /** Shows an analysis and requests its thumbnails, at the size shown, and its metrics. */
  setAnalysis(analysis: GridAnalysis | null): void {
    this.generation++;
    this.analysis = analysis;
    this.thumbnails = null;
    this.metrics = null;
    this.setHovered(-1);
    if (analysis === null) {
      this.status.textContent = 'Analyze a selection to see every head.';
      this.draw();
      return;
    }
    this.layout = this.computeLayout(analysis);
    this.status.textContent = `Computing thumbnails of ${analysis.layers * analysis.heads} heads...`;
    this.draw();
    this.requestThumbnails(analysis, this.layout.cellDevicePixels);
    this.requestMetrics(analysis);
  }

  /** Requests the metrics again, e.g. after the label thresholds changed; the thumbnails stay. */
  refreshMetrics(): void {
    if (this.analysis) this.requestMetrics(this.analysis);
  }

  private requestMetrics(analysis: GridAnalysis): void {
    const generation = this.generation;
    this.port.metrics(analysis.analysisId).then(
      (metrics) => {
        if (generation === this.generation) this.setMetrics(metrics);
      },
      (error: unknown) => {
        if (generation === this.generation) this.events.error(`Head metrics failed: ${describe(error)}`);
      },
    );
  }

  /** Sets the data directly; used after the replies arrive and by the benchmark page. */
  setThumbnails(thumbnails: ThumbnailBlock): void {
    this.thumbnails = thumbnails;
    this.updateStatus();
    this.draw();
  }

  setMetrics(metrics: HeadMetricsTable): void {
    this.metrics = metrics;
    this.updateStatus();
    this.draw();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.draw();
  }

  dispose(): void {
    this.resizeObserver?.disconnect();
    this.generation++;
  }

  /** Head index (layer * heads + head) under `slot`, or -1. */
  headAtSlot(slot: number): number {
    return slot >= 0 && slot < this.order.length ? this.order[slot] : -1;
  }

  /** Moves the hover to a slot, as the mouse does; the benchmark drives it. */
  hoverSlot(slot: number): void {
    this.setHovered(slot);
  }

  private computeLayout(analysis: GridAnalysis): GridLayout {
    return layoutGrid({
      layers: analysis.layers,
      heads: analysis.heads,
      availableWidth: Math.max(200, this.element.clientWidth || 800),
      devicePixelRatio: window.devicePixelRatio || 1,
    });
  }

  private requestThumbnails(analysis: GridAnalysis, size: number): void {
    const generation = this.generation;
    this.port.thumbnails(analysis.analysisId, size).then(
      (thumbnails) => {
        if (generation === this.generation) this.setThumbnails(thumbnails);
      },
      (error: unknown) => {
        if (generation === this.generation) this.events.error(`Thumbnails failed: ${describe(error)}`);
      },
    );
  }

  /** The direction applies to a metric; the layer-and-head order has none. */
  private updateDirectionButton(): void {
    const disabled = this.sortMetric === null;
    this.directionButton.toggleAttribute('disabled', disabled);
    this.directionButton.title = disabled ? 'Choose a metric under "Sort by" to sort by it, highest or lowest first.' : '';
  }

  private updateStatus(): void {
    const analysis = this.analysis;
    if (!analysis) return;
    const parts = [`${analysis.layers} layers \u00d7 ${analysis.heads} heads, ${analysis.tokenCount} tokens`];
    if (!this.thumbnails) parts.push('thumbnails pending');
    if (!this.metrics) parts.push('metrics pending');
    else if (this.metrics.probe) parts.push(`induction probe: ${this.metrics.probe.length} random tokens repeated twice`);
    this.status.textContent = parts.join('; ');
  }

  private onResize(): void {
    const analysis = this.analysis;
    if (!analysis) return;
    const layout = this.computeLayout(analysis);
    if (this.layout && layout.cellSize === this.layout.cellSize) return;
    this.layout = layout;
    this.draw();
    // Ask again only when the cells grew well past the thumbnails' resolution.
    const thumbnails = this.thumbnails;
    if (thumbnails && layout.cellDevicePixels > thumbnails.size * 1.5 && thumbnails.size < analysis.tokenCount) {
      this.requestThumbnails(analysis, layout.cellDevicePixels);
    }
  }

  private draw(): void {
    const started = performance.now();
    const analysis = this.analysis;
    const layout = this.layout;
    const context = this.canvas.getContext('2d');
    if (!analysis || !layout || !context) {
      this.canvas.width = this.canvas.height = 0;
      return;
    }
    const count = analysis.layers * analysis.heads;
    const metrics = this.metrics;
    const sortMetric = this.sortMetric;
    this.order = sortHeads(count, metrics && sortMetric ? (index) => metricValue(metrics, index, sortMetric) : null, this.direction);

    const { width, height } = gridDeviceSize(layout);
    this.canvas.width = width;
    this.canvas.height = height;
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    if (this.thumbnails) {
      const image = context.createImageData(width, height);
      rasterizeGrid(image.data, {
        layout,
        thumbnails: this.thumbnails,
        order: this.order,
        scale: this.theme.scale,
        frameColor: this.frameColorFunction(),
      });
      context.putImageData(image, 0, 0);
    } else {
      context.fillStyle = cssColor(this.theme.scale.background);
      context.fillRect(0, 0, width, height);
    }
    this.drawText(context, layout);
    this.canvas.setAttribute('aria-label', this.describeGrid());
    if (this.hoveredSlot >= 0) this.placeOutline(this.hoveredSlot);
    this.lastDrawMs = performance.now() - started;
  }

  private frameColorFunction(): (index: number) => { r: number; g: number; b: number } | null {
    const metrics = this.metrics;
    const metric = this.colorMetric;
    if (!metrics || !metric) return () => null;
    const range = metricRange(metrics, metric);
    if (!range) return () => null;
    const opaque = this.theme.scale.opaque;
    return (index) => {
      const t = normalizeInRange(metricValue(metrics, index, metric), range);
      if (Number.isNaN(t)) return null;
      const level = weightToLevel(t) * 4;
      return { r: opaque[level], g: opaque[level + 1], b: opaque[level + 2] };
    };
  }

  private drawText(context: CanvasRenderingContext2D, layout: GridLayout): void {
    const ratio = layout.devicePixelRatio;
    const sorted = this.sortMetric !== null && this.metrics !== null;
    context.save();
    context.scale(ratio, ratio);
    const fontFamily = getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif';
    context.font = `${CAPTION_FONT}px ${fontFamily}`;
    context.fillStyle = cssColor(this.theme.foreground);
    context.textBaseline = 'top';

    if (!sorted) {
      // Axis numbers: layers down the left, heads along the top.
      context.textAlign = 'right';
      for (let layer = 0; layer < layout.layers; layer++) {
        const origin = slotOrigin(layout, layer * layout.columns);
        context.fillText(`L${layer}`, layout.marginLeft - 4, origin.y + layout.cellSize / 2 - CAPTION_FONT / 2);
      }
      context.textAlign = 'center';
      for (let head = 0; head < layout.heads; head++) {
        const origin = slotOrigin(layout, head);
        context.fillText(`H${head}`, origin.x + layout.cellSize / 2, 2);
      }
    }

    context.textAlign = 'left';
    for (let slot = 0; slot < this.order.length; slot++) {
      const index = this.order[slot];
      const origin = slotOrigin(layout, slot);
      const labels = this.metrics ? labelsOf(this.metrics.labels[index]).map((label) => SHORT_LABELS[label]).join(' ') : '';
      const name = sorted ? `L${Math.floor(index / layout.heads)}H${index % layout.heads} ` : '';
      const caption = name + labels;
      if (caption) context.fillText(caption, origin.x, origin.y + layout.cellSize + layout.frame + 1, layout.cellSize + layout.gap);
    }
    context.restore();
  }

  private describeGrid(): string {
    const analysis = this.analysis;
    if (!analysis) return 'No analysis';
    const sort = this.sortMetric ? `, sorted by ${METRIC_TITLES[this.sortMetric]}` : '';
    return `Attention of ${analysis.layers * analysis.heads} heads, ${analysis.layers} layers by ${analysis.heads} heads${sort}. Arrow keys move between heads, Enter opens one, Shift+click adds one to the comparison.`;
  }

  private onMouseMove(event: MouseEvent): void {
    const layout = this.layout;
    if (!layout) return;
    const box = this.canvas.getBoundingClientRect();
    this.setHovered(slotAt(layout, event.clientX - box.left, event.clientY - box.top));
  }

  private onKey(event: KeyboardEvent): void {
    const layout = this.layout;
    if (!layout) return;
    const count = this.order.length;
    const current = this.hoveredSlot < 0 ? 0 : this.hoveredSlot;
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -layout.columns, ArrowDown: layout.columns };
    if (event.key in moves) {
      event.preventDefault();
      const next = current + moves[event.key];
      this.setHovered(Math.min(count - 1, Math.max(0, next)));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(current);
    }
  }

  private open(slot: number, compare = false): void {
    const index = this.headAtSlot(slot);
    if (index < 0 || !this.analysis) return;
    const head = { layer: Math.floor(index / this.analysis.heads), head: index % this.analysis.heads };
    if (compare) this.events.compareHead(head);
    else this.events.openHead(head);
  }

  /** Moves the outline and rewrites the tooltip; the canvas is not redrawn, so hovering costs a few DOM writes. */
  private setHovered(slot: number): void {
    if (slot === this.hoveredSlot) return;
    this.hoveredSlot = slot;
    const index = this.headAtSlot(slot);
    if (index < 0 || !this.analysis) {
      this.outline.hidden = true;
      this.tooltip.hidden = true;
      return;
    }
    this.placeOutline(slot);
    this.tooltip.textContent = '';
    this.tooltip.append(...this.describeHead(index));
    this.tooltip.hidden = false;
  }

  private placeOutline(slot: number): void {
    const layout = this.layout;
    if (!layout) return;
    const origin = slotOrigin(layout, slot);
    const side = layout.cellSize + 2 * layout.frame;
    this.outline.style.transform = `translate(${origin.x - layout.frame - 1}px, ${origin.y - layout.frame - 1}px)`;
    this.outline.style.width = `${side + 2}px`;
    this.outline.style.height = `${side + layout.captionHeight + 2}px`;
    this.outline.hidden = false;
    // The tooltip sits right of the cell, or left of it near the right edge.
    const right = origin.x + side + 8;
    const left = right + 220 > layout.width ? Math.max(0, origin.x - 228) : right;
    this.tooltip.style.transform = `translate(${left}px, ${origin.y}px)`;
  }

  private describeHead(index: number): HTMLElement[] {
    const analysis = this.analysis!;
    const title = element('div', 'heads-tooltip-title', `Layer ${Math.floor(index / analysis.heads)}, head ${index % analysis.heads}`);
    const metrics = this.metrics;
    if (!metrics) return [title, element('div', 'heads-tooltip-note', 'Metrics pending...')];
    const labels = labelsOf(metrics.labels[index]);
    const labelLine = element('div', 'heads-tooltip-labels', labels.length > 0 ? labels.join(', ') : 'no label');
    const list = element('dl', 'heads-tooltip-figures');
    for (const name of HEAD_METRIC_NAMES) {
      list.append(element('dt', '', METRIC_TITLES[name]), element('dd', '', formatMetric(name, metricValue(metrics, index, name))));
    }
    return [title, labelLine, list];
  }

  async exportPng(): Promise<void> {
    if (!this.thumbnails) {
      this.events.error('The grid has no thumbnails yet; wait for them before saving a PNG.');
      return;
    }
    try {
      await this.port.saveFile('attention-heads.png', 'image/png', await canvasPng(this.canvas));
    } catch (error) {
      this.events.error(`Saving the grid as PNG failed: ${describe(error)}`);
    }
  }

  async exportMetrics(format: 'csv' | 'md'): Promise<void> {
    const metrics = this.metrics;
    if (!metrics) {
      this.events.error('The head metrics are not ready yet; wait for them before exporting.');
      return;
    }
    try {
      const text = format === 'csv' ? metricsCsv(metrics) : metricsMarkdown(metrics);
      await this.port.saveFile(`head-metrics.${format}`, format === 'csv' ? 'text/csv' : 'text/markdown', textBytes(text));
    } catch (error) {
      this.events.error(`Exporting the metrics failed: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
