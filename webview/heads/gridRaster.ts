/**
 * Draws every head's thumbnail into one RGBA buffer covering the whole grid
 * canvas, so the grid is one putImageData call whatever the head count.
 */
import type { ThumbnailBlock } from '../../src/protocol';
import { probabilityToScale, weightToLevel, type ColorScale, type Rgb } from '../colorScale';
import { slotOrigin, type GridLayout } from './gridGeometry';

/** Canvas size of a layout in device pixels. */
export function gridDeviceSize(layout: GridLayout): { width: number; height: number } {
  return {
    width: Math.round(layout.width * layout.devicePixelRatio),
    height: Math.round(layout.height * layout.devicePixelRatio),
  };
}

/** Returns where slot `slot`'s thumbnail starts, in device pixels. */
export function slotDeviceOrigin(layout: GridLayout, slot: number): { x: number; y: number } {
  const origin = slotOrigin(layout, slot);
  return { x: Math.round(origin.x * layout.devicePixelRatio), y: Math.round(origin.y * layout.devicePixelRatio) };
}

export interface GridPaint {
  readonly layout: GridLayout;
  readonly thumbnails: ThumbnailBlock;
  /** [layers * heads]: the head index (layer * heads + head) drawn in each slot. */
  readonly order: Int32Array;
  readonly scale: ColorScale;
  /** Frame colour of head index i, or null for no frame (the background). */
  readonly frameColor: (index: number) => Rgb | null;
}

/**
 * Writes the grid into `pixels` ([height, width, 4] RGBA bytes, device pixels,
 * as gridDeviceSize). Each thumbnail is scaled to the cell by nearest
 * neighbour and coloured relative to its own largest value: a thumbnail cell
 * is a block mean, so for long texts every value is small and a shared scale
 * would show nothing. The square root of probabilityToScale keeps weak
 * structure visible.
 */
export function rasterizeGrid(pixels: Uint8ClampedArray, paint: GridPaint): void {
  const { layout, thumbnails, order, scale } = paint;
  const { width, height } = gridDeviceSize(layout);
  if (pixels.length !== width * height * 4) {
    throw new RangeError(`rasterizeGrid: the buffer has ${pixels.length} bytes; a ${width} x ${height} grid needs ${width * height * 4}.`);
  }
  if (thumbnails.layers !== layout.layers || thumbnails.heads !== layout.heads) {
    throw new RangeError(
      `rasterizeGrid: thumbnails of ${thumbnails.layers} x ${thumbnails.heads} heads for a grid of ${layout.layers} x ${layout.heads}.`,
    );
  }
  const background = scale.background;
  for (let offset = 0; offset < pixels.length; offset += 4) {
    pixels[offset] = background.r;
    pixels[offset + 1] = background.g;
    pixels[offset + 2] = background.b;
    pixels[offset + 3] = 255;
  }

  const size = thumbnails.size;
  const cell = layout.cellDevicePixels;
  const frame = Math.max(1, Math.round(layout.frame * layout.devicePixelRatio));
  const sourceOf = new Int32Array(cell); // [cell] thumbnail row or column under each device pixel
  for (let p = 0; p < cell; p++) sourceOf[p] = Math.min(size - 1, Math.floor((p * size) / cell));
  const levels = new Uint8Array(size * size); // [size, size] shade level of each thumbnail value

  for (let slot = 0; slot < order.length; slot++) {
    const index = order[slot];
    const origin = slotDeviceOrigin(layout, slot);
    const frameColor = paint.frameColor(index);
    if (frameColor !== null) fillRect(pixels, width, height, origin.x - frame, origin.y - frame, cell + 2 * frame, cell + 2 * frame, frameColor);

    const base = index * size * size;
    let max = 0;
    for (let i = 0; i < size * size; i++) if (thumbnails.data[base + i] > max) max = thumbnails.data[base + i];
    const inverse = max > 0 ? 1 / max : 0;
    for (let i = 0; i < size * size; i++) levels[i] = weightToLevel(probabilityToScale(thumbnails.data[base + i] * inverse));

    for (let py = 0; py < cell; py++) {
      const y = origin.y + py;
      if (y < 0 || y >= height) continue;
      const sourceRow = sourceOf[py] * size;
      let target = (y * width + origin.x) * 4;
      for (let px = 0; px < cell; px++, target += 4) {
        const level = levels[sourceRow + sourceOf[px]] * 4;
        pixels[target] = scale.opaque[level];
        pixels[target + 1] = scale.opaque[level + 1];
        pixels[target + 2] = scale.opaque[level + 2];
      }
    }
  }
}

function fillRect(pixels: Uint8ClampedArray, width: number, height: number, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let row = Math.max(0, y); row < Math.min(height, y + h); row++) {
    for (let column = Math.max(0, x); column < Math.min(width, x + w); column++) {
      const offset = (row * width + column) * 4;
      pixels[offset] = color.r;
      pixels[offset + 1] = color.g;
      pixels[offset + 2] = color.b;
    }
  }
}
