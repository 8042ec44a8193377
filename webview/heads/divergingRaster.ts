/**
 * The diverging scale of the difference view: negative values toward one
 * colour, positive toward another, zero the theme's background.
 */
import { mixColors, type Rgb } from '../colorScale';
import { isMasked, type AttentionMask } from '../heatmapRaster';

export interface DivergingScale {
  readonly background: Rgb;
  /** Colour of -limit. */
  readonly negative: Rgb;
  /** Colour of +limit. */
  readonly positive: Rgb;
}

/** Colour of `value` on a scale from -limit to +limit; values beyond are clamped. */
export function divergingColor(value: number, limit: number, scale: DivergingScale): Rgb {
  if (!(limit > 0) || Number.isNaN(value) || value === 0) return scale.background;
  const t = Math.min(1, Math.abs(value) / limit);
  // The square root matches the attention scale, so small differences stay visible.
  return mixColors(scale.background, value < 0 ? scale.negative : scale.positive, Math.sqrt(t));
}

/**
 * Draws a difference [n, n] into pixels [side, side, 4]. Each pixel shows the
 * value of largest magnitude among the cells it covers. Masked cells are
 * drawn in `maskColor`.
 */
export function rasterizeDifference(
  pixels: Uint8ClampedArray, difference: Float32Array, n: number, side: number, limit: number,
  mask: AttentionMask, scale: DivergingScale, maskColor: Rgb,
): void {
  if (difference.length !== n * n) throw new RangeError(`rasterizeDifference: ${difference.length} values for ${n} tokens.`);
  if (pixels.length !== side * side * 4) throw new RangeError(`rasterizeDifference: ${pixels.length} bytes for a side of ${side}.`);
  const startOf = (pixel: number) => Math.floor((pixel * n) / side);
  const endOf = (pixel: number) => Math.max(startOf(pixel) + 1, Math.floor(((pixel + 1) * n) / side));
  for (let y = 0; y < side; y++) {
    const rowStart = startOf(y);
    const rowEnd = endOf(y);
    for (let x = 0; x < side; x++) {
      let best = 0;
      let visible = false;
      for (let row = rowStart; row < rowEnd; row++) {
        for (let column = startOf(x); column < endOf(x); column++) {
          if (isMasked(mask, row, column)) continue;
          visible = true;
          const value = difference[row * n + column];
          if (Math.abs(value) > Math.abs(best)) best = value;
        }
      }
      const color = visible ? divergingColor(best, limit, scale) : maskColor;
      const target = (y * side + x) * 4;
      pixels[target] = color.r;
      pixels[target + 1] = color.g;
      pixels[target + 2] = color.b;
      pixels[target + 3] = 255;
    }
  }
}
