import type { AttentionDirection } from '../src/protocol';
import type { ColorScale, Rgb } from './colorScale';
import { bandOf, blockOfToken, cellAt, layoutHeatmap, MAX_LABEL_WIDTH, tokensOfBlock, type HeatmapLayout } from './heatmapGeometry';
import { isMasked, rasterizePattern, rasterizePooled, type AttentionMask, type PooledGrid } from './heatmapRaster';

interface HeatmapTokens {
  readonly tokenCount: number;
  readonly labels: readonly string[];
  readonly mask: AttentionMask;
}

/** One whole pattern to draw: [n, n] row-major, row = query, column = key. */
export interface FullHeatmapData extends HeatmapTokens {
  readonly kind: 'full';
  readonly pattern: Float32Array;
}

/** One pattern max-pooled by the worker to grid.size x grid.size blocks of tokens. */
export interface PooledHeatmapData extends HeatmapTokens {
  readonly kind: 'pooled';
  readonly grid: PooledGrid;
}

export type HeatmapData = FullHeatmapData | PooledHeatmapData;

export interface HeatmapCell {
  readonly row: number;
  readonly column: number;
}

/** Largest label font size, in CSS pixels; smaller cells get a font one pixel smaller than the cell. */
const LABEL_FONT_SIZE = 11;

function cssColor(color: Rgb): string {
  return `rgb(${color.r}, ${color.g}, ${color.b})`;
}

/**
 * The selected head as an n-by-n heatmap. A base canvas contains the pattern
 * and labels and is redrawn only when the data, size or theme changes. An
 * overlay canvas on top contains the focus outline and the hovered cell.
 */
export class HeatmapView {
  readonly element: HTMLElement;
  private readonly base: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private data: HeatmapData | null = null;
  private scale: ColorScale | null = null;
  private foreground: Rgb = { r: 128, g: 128, b: 128 };
  private focusColor: Rgb = { r: 0, g: 120, b: 212 };
  private layout: HeatmapLayout | null = null;
  private focus: number | null = null;
  private direction: AttentionDirection = 'pays';
  private hovered: HeatmapCell | null = null;
  private lastWidth = 0;

  /**
   * `onHover` receives the token pair under the mouse. `onPlotSize` receives
   * the plot's side in device pixels after each draw, so that a pooled pattern
   * can be requested again at a new size.
   */
  constructor(
    private readonly onHover: (cell: HeatmapCell | null) => void,
    private readonly onPlotSize: (plotDevicePixels: number) => void = () => undefined,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'heatmap';
    this.element.setAttribute('aria-label', 'Attention pattern');

    const stack = document.createElement('div');
    stack.className = 'heatmap-stack';
    this.base = document.createElement('canvas');
    this.base.className = 'heatmap-base';
    this.base.setAttribute('role', 'img');
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'heatmap-overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    stack.append(this.base, this.overlay);

    this.readout = document.createElement('div');
    this.readout.className = 'heatmap-readout';
    this.readout.setAttribute('aria-live', 'polite');
    this.readout.textContent = '\u00a0';
    this.element.append(stack, this.readout);

    this.overlay.addEventListener('mousemove', (event) => this.onMouseMove(event));
    this.overlay.addEventListener('mouseleave', () => this.setHovered(null));
    new ResizeObserver(() => this.onResize()).observe(this.element);
  }

  setTheme(scale: ColorScale, foreground: Rgb, focusColor: Rgb): void {
    this.scale = scale;
    this.foreground = foreground;
    this.focusColor = focusColor;
    this.draw();
  }

  setData(data: HeatmapData | null): void {
    this.data = data;
    this.hovered = null;
    this.draw();
  }

  setFocus(index: number | null, direction: AttentionDirection): void {
    this.focus = index;
    this.direction = direction;
    this.drawOverlay();
  }

  private onResize(): void {
    const width = Math.floor(this.element.clientWidth);
    if (width === this.lastWidth) return;
    this.lastWidth = width;
    this.draw();
  }

  /** Side in device pixels of the plot that `tokenCount` tokens would get at the current width. */
  plotPixels(tokenCount: number): number {
    return this.layoutFor(tokenCount, tokenCount > 400 ? MAX_LABEL_WIDTH : 0).plotDevicePixels;
  }

  private layoutFor(tokenCount: number, labelWidth: number): HeatmapLayout {
    return layoutHeatmap({
      tokenCount,
      availableWidth: Math.max(120, this.element.clientWidth || 480),
      devicePixelRatio: window.devicePixelRatio || 1,
      labelWidth,
    });
  }

  private measureLabels(context: CanvasRenderingContext2D, labels: readonly string[]): number {
    let widest = 0;
    // Measuring thousands of labels costs more than drawing them; past a few hundred tokens the labels never fit anyway.
    if (labels.length > 400) return MAX_LABEL_WIDTH;
    for (const label of labels) widest = Math.max(widest, context.measureText(label).width);
    return widest;
  }

  private draw(): void {
    const data = this.data;
    const scale = this.scale;
    const context = this.base.getContext('2d');
    if (!data || !scale || !context) {
      this.layout = null;
      this.base.width = this.overlay.width = 0;
      this.base.height = this.overlay.height = 0;
      this.readout.textContent = '\u00a0';
      return;
    }

    const fontFamily = getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family') || 'monospace';
    context.font = `${LABEL_FONT_SIZE}px ${fontFamily}`;
    const layout = this.layoutFor(data.tokenCount, this.measureLabels(context, data.labels));
    this.layout = layout;

    const ratio = layout.devicePixelRatio;
    for (const canvas of [this.base, this.overlay]) {
      canvas.width = Math.round(layout.width * ratio);
      canvas.height = Math.round(layout.height * ratio);
      canvas.style.width = `${layout.width}px`;
      canvas.style.height = `${layout.height}px`;
    }

    const image = context.createImageData(layout.plotDevicePixels, layout.plotDevicePixels);
    if (data.kind === 'full') rasterizePattern(image.data, data.pattern, layout, data.mask, scale);
    else rasterizePooled(image.data, data.grid, layout.plotDevicePixels, scale);
    const left = Math.round(layout.marginLeft * ratio);
    const top = Math.round(layout.marginTop * ratio);
    context.putImageData(image, left, top);
    // Where the plot sits in the canvas, in device pixels, for tests that read pixels back.
    this.base.dataset.plot = `${left} ${top} ${layout.plotDevicePixels}`;

    if (layout.labelsShown) this.drawLabels(context, layout, data.labels, fontFamily);
    this.base.setAttribute(
      'aria-label',
      `Attention pattern of ${data.tokenCount} tokens; rows are queries, columns are keys.` +
        (data.kind === 'pooled' ? ` Each cell is the maximum of a block of about ${blockWidth(data)} by ${blockWidth(data)} tokens.` : '') +
        (data.mask.causal ? ' Cells above the diagonal are masked (hatched).' : ''),
    );
    this.base.dataset.pooled = data.kind === 'pooled' ? String(data.grid.size) : '';
    this.drawOverlay();
    this.onPlotSize(layout.plotDevicePixels);
  }

  private drawLabels(context: CanvasRenderingContext2D, layout: HeatmapLayout, labels: readonly string[], fontFamily: string): void {
    const ratio = layout.devicePixelRatio;
    context.save();
    context.scale(ratio, ratio);
    const fontSize = Math.min(LABEL_FONT_SIZE, Math.floor(layout.cellSize) - 1);
    context.font = `${fontSize}px ${fontFamily}`;
    context.fillStyle = cssColor(this.foreground);
    context.textBaseline = 'middle';
    const maxWidth = layout.marginLeft - 6;
    labels.forEach((label, index) => {
      const band = bandOf(layout, index, 'row');
      context.textAlign = 'right';
      context.fillText(label, layout.marginLeft - 4, band.start + band.size / 2, maxWidth);

      const column = bandOf(layout, index, 'column');
      context.save();
      context.translate(column.start + column.size / 2, layout.marginTop - 4);
      context.rotate(-Math.PI / 2);
      context.textAlign = 'left';
      context.fillText(label, 0, 0, maxWidth);
      context.restore();
    });
    context.restore();
  }

  private drawOverlay(): void {
    const layout = this.layout;
    const context = this.overlay.getContext('2d');
    if (!context) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (!layout) return;
    context.scale(layout.devicePixelRatio, layout.devicePixelRatio);
    context.lineWidth = 2;

    // The focused token's row when reading the attention it pays, its column when reading what it receives.
    if (this.focus !== null && this.focus < layout.tokenCount) {
      context.strokeStyle = cssColor(this.focusColor);
      if (this.direction === 'pays') {
        const band = bandOf(layout, this.focus, 'row');
        context.strokeRect(layout.marginLeft - 1, band.start - 1, layout.plotSize + 2, band.size + 2);
      } else {
        const band = bandOf(layout, this.focus, 'column');
        context.strokeRect(band.start - 1, layout.marginTop - 1, band.size + 2, layout.plotSize + 2);
      }
    }
    if (this.hovered) {
      const row = bandOf(layout, this.hovered.row, 'row');
      const column = bandOf(layout, this.hovered.column, 'column');
      context.strokeStyle = cssColor(this.foreground);
      context.lineWidth = 1;
      context.strokeRect(column.start - 0.5, row.start - 0.5, Math.max(2, column.size + 1), Math.max(2, row.size + 1));
    }
  }

  private onMouseMove(event: MouseEvent): void {
    if (!this.layout) return;
    const box = this.overlay.getBoundingClientRect();
    this.setHovered(cellAt(this.layout, event.clientX - box.left, event.clientY - box.top));
  }

  private setHovered(cell: HeatmapCell | null): void {
    const same = cell && this.hovered && cell.row === this.hovered.row && cell.column === this.hovered.column;
    if (same || (cell === null && this.hovered === null)) return;
    this.hovered = cell;
    this.readout.textContent = this.describeCell(cell);
    this.drawOverlay();
    this.onHover(cell);
  }

  private describeCell(cell: HeatmapCell | null): string {
    const data = this.data;
    if (!cell || !data) return '\u00a0';
    const query = `query ${cell.row} \u201c${data.labels[cell.row] ?? ''}\u201d`;
    const key = `key ${cell.column} \u201c${data.labels[cell.column] ?? ''}\u201d`;
    if (data.kind === 'pooled') return describePooledCell(data, cell);
    if (isMasked(data.mask, cell.row, cell.column)) return `${query} \u2192 ${key}: masked, the query cannot see this key`;
    const weight = data.pattern[cell.row * data.tokenCount + cell.column];
    return `${query} \u2192 ${key}: ${weight.toFixed(4)}`;
  }
}

/** Tokens per block of a pooled pattern, rounded. */
function blockWidth(data: PooledHeatmapData): number {
  return Math.round(data.tokenCount / data.grid.size);
}

/** Readout of the pooled block under the hovered token pair: its query and key ranges and its maximum. */
export function describePooledCell(data: PooledHeatmapData, cell: HeatmapCell): string {
  const { tokenCount: n, grid } = data;
  const row = blockOfToken(cell.row, n, grid.size);
  const column = blockOfToken(cell.column, n, grid.size);
  const queries = tokensOfBlock(row, n, grid.size);
  const keys = tokensOfBlock(column, n, grid.size);
  const block = `pooled block: queries ${queries.start}\u2013${queries.end - 1} \u2192 keys ${keys.start}\u2013${keys.end - 1}`;
  const index = row * grid.size + column;
  if (grid.masked[index] === 1) return `${block}: masked, no query in the block can see these keys`;
  return `${block}: max ${grid.data[index].toFixed(4)}`;
}
