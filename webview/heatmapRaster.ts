import { probabilityToScale, weightToLevel, type ColorScale } from './colorScale';
import { tokensUnderPixel, type HeatmapLayout } from './heatmapGeometry';

/** The rule for key positions hidden from a query. */
export interface AttentionMask {
  /** Decoder models: a query attends only to itself and earlier keys. */
  readonly causal: boolean;
  /** With a sliding window of w tokens, a query at i also cannot see keys at i - w or earlier. */
  readonly slidingWindow: number | null;
}

export function isMasked(mask: AttentionMask, row: number, column: number): boolean {
  if (!mask.causal) return false;
  if (column > row) return true;
  return mask.slidingWindow !== null && row - column >= mask.slidingWindow;
}

/** Returns the first key a query at `row` can see. */
function visibleFrom(mask: AttentionMask, row: number): number {
  if (!mask.causal || mask.slidingWindow === null) return 0;
  return Math.max(0, row - mask.slidingWindow + 1);
}

/** Returns one past the last key a query at `row` can see. */
function visibleTo(mask: AttentionMask, row: number, n: number): number {
  return mask.causal ? Math.min(n, row + 1) : n;
}

/** Period of the diagonal hatch on masked cells, in device pixels. */
const HATCH_PERIOD = 6;

/** A pattern max-pooled to size x size cells (PooledPattern in the protocol, without its selection). */
export interface PooledGrid {
  readonly size: number;
  /** [size, size] largest weight of each cell's block. */
  readonly data: Float32Array;
  /** [size, size] 1 where every entry of the block is masked. */
  readonly masked: Uint8Array;
}

/** Returns the cells [start, end) that pixel `pixel` of `side` covers along one axis of `size` cells. */
function cellsUnderPixel(pixel: number, side: number, size: number): { start: number; end: number } {
  const start = Math.floor((pixel * size) / side);
  const end = Math.max(start + 1, Math.floor(((pixel + 1) * size) / side));
  return { start, end: Math.min(size, end) };
}

function writePixel(pixels: Uint8ClampedArray, target: number, best: number, hatch: boolean, scale: ColorScale): void {
  if (best < 0) {
    const color = hatch ? scale.maskLine : scale.maskBackground;
    pixels[target] = color.r;
    pixels[target + 1] = color.g;
    pixels[target + 2] = color.b;
  } else {
    const source = weightToLevel(probabilityToScale(best)) * 4;
    pixels[target] = scale.opaque[source];
    pixels[target + 1] = scale.opaque[source + 1];
    pixels[target + 2] = scale.opaque[source + 2];
  }
  pixels[target + 3] = 255;
}

/**
 * Draws a pooled pattern into `pixels`, side x side device pixels. Cells split
 * over pixels as tokens do in rasterizePattern, so a grid pooled to exactly
 * `side` cells draws the same pixels as the whole pattern would. Each pixel is
 * the largest weight under it, and a pixel whose cells are all masked is
 * hatched. A grid smaller than `side` is scaled up by repeating cells.
 *
 * pixels: [side, side, 4] RGBA bytes, row-major.
 */
export function rasterizePooled(pixels: Uint8ClampedArray, grid: PooledGrid, side: number, scale: ColorScale): void {
  const size = grid.size;
  if (grid.data.length !== size * size || grid.masked.length !== size * size) {
    throw new RangeError(`Pooled grid has ${grid.data.length} values and ${grid.masked.length} mask flags; size ${size} needs ${size * size} of each.`);
  }
  if (pixels.length !== side * side * 4) {
    throw new RangeError(`Pixel buffer has ${pixels.length} bytes; a ${side}-pixel plot needs ${side * side * 4}.`);
  }
  const columns = Array.from({ length: side }, (_, x) => cellsUnderPixel(x, side, size));
  for (let y = 0; y < side; y++) {
    const rows = cellsUnderPixel(y, side, size);
    for (let x = 0; x < side; x++) {
      let best = -1;
      for (let row = rows.start; row < rows.end; row++) {
        for (let column = columns[x].start; column < columns[x].end; column++) {
          const cell = row * size + column;
          if (grid.masked[cell] === 0 && grid.data[cell] > best) best = grid.data[cell];
        }
      }
      writePixel(pixels, (y * side + x) * 4, best, (x + y) % HATCH_PERIOD < 2, scale);
    }
  }
}

/**
 * Draws a pattern into `pixels` in one pass. Each device pixel takes the
 * largest weight among the cells it covers, so a strong weight in a long
 * sequence stays visible when many cells share a pixel. A pixel whose cells
 * are all masked gets a diagonal hatch instead of a colour.
 *
 * pixels: [side, side, 4] RGBA bytes, row-major, side = layout.plotDevicePixels.
 * pattern: [n, n] row-major, row = query, column = key.
 */
export function rasterizePattern(
  pixels: Uint8ClampedArray,
  pattern: Float32Array,
  layout: HeatmapLayout,
  mask: AttentionMask,
  scale: ColorScale,
): void {
  const n = layout.tokenCount;
  const side = layout.plotDevicePixels;
  if (pattern.length !== n * n) {
    throw new RangeError(`Pattern has ${pattern.length} values; a ${n}-by-${n} heatmap needs ${n * n}.`);
  }
  if (pixels.length !== side * side * 4) {
    throw new RangeError(`Pixel buffer has ${pixels.length} bytes; a ${side}-pixel plot needs ${side * side * 4}.`);
  }

  // Key ranges per pixel column, computed once. [side] each.
  const columnStart = new Int32Array(side);
  const columnEnd = new Int32Array(side);
  for (let x = 0; x < side; x++) {
    const range = tokensUnderPixel(layout, x);
    columnStart[x] = range.start;
    columnEnd[x] = range.end;
  }

  // [side] largest visible weight per pixel column within the current pixel row; -1 when every cell is masked.
  const columnMax = new Float32Array(side);

  for (let y = 0; y < side; y++) {
    const rows = tokensUnderPixel(layout, y);
    for (let x = 0; x < side; x++) {
      let best = -1;
      for (let row = rows.start; row < rows.end; row++) {
        // Visible keys of this query form one range, so masked cells are skipped without a test each.
        const from = Math.max(columnStart[x], visibleFrom(mask, row));
        const to = Math.min(columnEnd[x], visibleTo(mask, row, n));
        const offset = row * n;
        for (let column = from; column < to; column++) {
          const weight = pattern[offset + column];
          if (weight > best) best = weight;
        }
      }
      columnMax[x] = best;
    }

    for (let x = 0; x < side; x++) writePixel(pixels, (y * side + x) * 4, columnMax[x], (x + y) % HATCH_PERIOD < 2, scale);
  }
}
