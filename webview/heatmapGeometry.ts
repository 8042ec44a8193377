/**
 * Geometry of the n-by-n heatmap: the positions of its cells, labels and plot on the canvas. CSS
 * pixels are layout units; device pixels are CSS pixels times devicePixelRatio
 * and are what the ImageData covers.
 */

export interface HeatmapLayoutInput {
  readonly tokenCount: number;
  /** Width the heatmap may take, in CSS pixels. */
  readonly availableWidth: number;
  readonly devicePixelRatio: number;
  /** Width of the widest token label, in CSS pixels, as the canvas font measures it. */
  readonly labelWidth: number;
}

export interface HeatmapLayout {
  readonly tokenCount: number;
  readonly devicePixelRatio: number;
  /** True when each cell is tall enough for a label on the query and key axes. */
  readonly labelsShown: boolean;
  /** Space left of and above the plot for labels, in CSS pixels. */
  readonly marginLeft: number;
  readonly marginTop: number;
  /** Side of the square plot in device pixels; an integer. */
  readonly plotDevicePixels: number;
  /** Side of the square plot in CSS pixels. */
  readonly plotSize: number;
  /** Side of one cell in CSS pixels; below 1 when several cells share a device pixel. */
  readonly cellSize: number;
  /** Canvas size in CSS pixels. */
  readonly width: number;
  readonly height: number;
}

/** Smallest cell side, in CSS pixels, that still fits a label; labels use a font one pixel smaller than the cell, at most 11 pixels. */
export const MIN_LABEL_CELL = 9;
/** Largest cell side, in CSS pixels, so a short sequence does not fill the panel. */
export const MAX_CELL = 28;
/** Labels longer than this many CSS pixels are cut with an ellipsis. */
export const MAX_LABEL_WIDTH = 96;
const LABEL_GAP = 6;
const MIN_PLOT = 64;

export function layoutHeatmap(input: HeatmapLayoutInput): HeatmapLayout {
  const n = Math.max(1, Math.floor(input.tokenCount));
  const ratio = input.devicePixelRatio > 0 ? input.devicePixelRatio : 1;
  const labelMargin = Math.min(MAX_LABEL_WIDTH, Math.ceil(input.labelWidth)) + LABEL_GAP;

  // Try with labels first: they fit when the plot left after the margin gives
  // each cell at least MIN_LABEL_CELL pixels.
  const withLabels = Math.min(input.availableWidth - labelMargin, n * MAX_CELL);
  const labelsShown = withLabels / n >= MIN_LABEL_CELL;
  const margin = labelsShown ? labelMargin : 0;
  const plotWidth = Math.max(MIN_PLOT, Math.min(input.availableWidth - margin, n * MAX_CELL));

  // Whole device pixels per cell when cells are at least a pixel wide, so
  // cell edges stay sharp; otherwise one device pixel covers several cells.
  let plotDevicePixels = Math.floor(plotWidth * ratio);
  if (plotDevicePixels >= n) plotDevicePixels = Math.floor(plotDevicePixels / n) * n;
  const plotSize = plotDevicePixels / ratio;

  return {
    tokenCount: n,
    devicePixelRatio: ratio,
    labelsShown,
    marginLeft: margin,
    marginTop: margin,
    plotDevicePixels,
    plotSize,
    cellSize: plotSize / n,
    width: margin + plotSize,
    height: margin + plotSize,
  };
}

/** Finds the query row and key column under a point in CSS pixels; null outside the plot. */
export function cellAt(layout: HeatmapLayout, x: number, y: number): { row: number; column: number } | null {
  const px = x - layout.marginLeft;
  const py = y - layout.marginTop;
  if (px < 0 || py < 0 || px >= layout.plotSize || py >= layout.plotSize) return null;
  const column = Math.min(layout.tokenCount - 1, Math.floor(px / layout.cellSize));
  const row = Math.min(layout.tokenCount - 1, Math.floor(py / layout.cellSize));
  return { row, column };
}

/** Start and size in CSS pixels, along either axis, of token `index`'s row or column, from the canvas edge. */
export function bandOf(layout: HeatmapLayout, index: number, axis: 'row' | 'column'): { start: number; size: number } {
  const margin = axis === 'row' ? layout.marginTop : layout.marginLeft;
  return { start: margin + index * layout.cellSize, size: layout.cellSize };
}

/**
 * Returns the tokens [start, end) that device pixel `pixel` covers along one axis.
 * When cells are larger than a pixel the range contains exactly one token.
 */
export function tokensUnderPixel(layout: HeatmapLayout, pixel: number): { start: number; end: number } {
  const n = layout.tokenCount;
  const size = layout.plotDevicePixels;
  const start = Math.floor((pixel * n) / size);
  const end = Math.max(start + 1, Math.floor(((pixel + 1) * n) / size));
  return { start, end: Math.min(n, end) };
}

/**
 * Returns the block of a pooled pattern that token `index` falls in, for n
 * tokens split into `size` blocks at floor(c n / size) as the worker pools them.
 */
export function blockOfToken(index: number, n: number, size: number): number {
  return Math.min(size - 1, Math.ceil(((index + 1) * size) / n) - 1);
}

/** Returns the tokens [start, end) of block `block` when n tokens split into `size` blocks. */
export function tokensOfBlock(block: number, n: number, size: number): { start: number; end: number } {
  return { start: Math.floor((block * n) / size), end: Math.floor(((block + 1) * n) / size) };
}
