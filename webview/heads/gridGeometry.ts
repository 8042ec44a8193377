/**
 * Geometry of the all-heads grid: where each head's thumbnail and caption sit
 * on the one canvas, and which head is under a point. Units are CSS pixels
 * unless a name says device pixels.
 *
 * Slots are filled in reading order, `columns` per row. Unsorted, slot
 * layer * heads + head contains that head, so rows are layers and columns
 * heads. Sorted, the same slots contain the heads in rank order.
 */

export interface GridLayoutInput {
  readonly layers: number;
  readonly heads: number;
  /** Width the grid may take. */
  readonly availableWidth: number;
  readonly devicePixelRatio: number;
}

export interface GridLayout {
  readonly layers: number;
  readonly heads: number;
  readonly columns: number;
  readonly rows: number;
  /** Side of one thumbnail. */
  readonly cellSize: number;
  /** Side of one thumbnail in device pixels: the thumbnail size to ask the worker for. */
  readonly cellDevicePixels: number;
  /** Height of the caption line under each thumbnail. */
  readonly captionHeight: number;
  /** Width of the coloured frame around each thumbnail. */
  readonly frame: number;
  readonly gap: number;
  /** Space left of the first column (layer numbers) and above the first row (head numbers). */
  readonly marginLeft: number;
  readonly marginTop: number;
  readonly width: number;
  readonly height: number;
  readonly devicePixelRatio: number;
}

export const MIN_CELL = 24;
export const MAX_CELL = 96;
export const CAPTION_HEIGHT = 13;
export const FRAME = 2;
export const GAP = 6;
export const MARGIN_LEFT = 28;
export const MARGIN_TOP = 16;

export function layoutGrid(input: GridLayoutInput): GridLayout {
  const { layers, heads } = input;
  if (!Number.isInteger(layers) || !Number.isInteger(heads) || layers < 1 || heads < 1) {
    throw new RangeError(`layoutGrid: ${layers} layers and ${heads} heads; both must be positive integers.`);
  }
  const ratio = input.devicePixelRatio > 0 ? input.devicePixelRatio : 1;
  const pitch = Math.floor((input.availableWidth - MARGIN_LEFT) / heads);
  const cellSize = Math.max(MIN_CELL, Math.min(MAX_CELL, pitch - GAP - 2 * FRAME));
  const columns = heads;
  const rows = layers;
  const pitchX = cellSize + 2 * FRAME + GAP;
  const pitchY = cellSize + 2 * FRAME + CAPTION_HEIGHT + GAP;
  return {
    layers,
    heads,
    columns,
    rows,
    cellSize,
    cellDevicePixels: Math.max(1, Math.round(cellSize * ratio)),
    captionHeight: CAPTION_HEIGHT,
    frame: FRAME,
    gap: GAP,
    marginLeft: MARGIN_LEFT,
    marginTop: MARGIN_TOP,
    width: MARGIN_LEFT + columns * pitchX,
    height: MARGIN_TOP + rows * pitchY,
    devicePixelRatio: ratio,
  };
}

/** Top-left corner of slot `slot`'s thumbnail (inside its frame). */
export function slotOrigin(layout: GridLayout, slot: number): { x: number; y: number } {
  const column = slot % layout.columns;
  const row = Math.floor(slot / layout.columns);
  const pitchX = layout.cellSize + 2 * layout.frame + layout.gap;
  const pitchY = layout.cellSize + 2 * layout.frame + layout.captionHeight + layout.gap;
  return {
    x: layout.marginLeft + column * pitchX + layout.frame,
    y: layout.marginTop + row * pitchY + layout.frame,
  };
}

/** Returns the slot whose thumbnail, frame or caption contains (x, y), or -1 in a gap or margin. */
export function slotAt(layout: GridLayout, x: number, y: number): number {
  const pitchX = layout.cellSize + 2 * layout.frame + layout.gap;
  const pitchY = layout.cellSize + 2 * layout.frame + layout.captionHeight + layout.gap;
  const localX = x - layout.marginLeft;
  const localY = y - layout.marginTop;
  if (localX < 0 || localY < 0) return -1;
  const column = Math.floor(localX / pitchX);
  const row = Math.floor(localY / pitchY);
  if (column >= layout.columns || row >= layout.rows) return -1;
  if (localX - column * pitchX >= pitchX - layout.gap) return -1;
  if (localY - row * pitchY >= pitchY - layout.gap) return -1;
  return row * layout.columns + column;
}
