/** Canvas painting shared by the comparison views. Positions and sides are in device pixels. */
import { parseCssColor, type ColorScale, type Rgb } from '../colorScale';
import type { HeatmapLayout } from '../heatmapGeometry';
import { rasterizePattern, type AttentionMask } from '../heatmapRaster';
import { rasterizeDifference, type DivergingScale } from './divergingRaster';

/** Returns a heatmap layout with no label margins, `side` device pixels square. */
export function plainLayout(tokenCount: number, side: number, devicePixelRatio: number): HeatmapLayout {
  const plotSize = side / devicePixelRatio;
  return {
    tokenCount,
    devicePixelRatio,
    labelsShown: false,
    marginLeft: 0,
    marginTop: 0,
    plotDevicePixels: side,
    plotSize,
    cellSize: plotSize / tokenCount,
    width: plotSize,
    height: plotSize,
  };
}

/** Draws pattern [n, n] at (x, y) with the attention scale. */
export function paintPattern(
  context: CanvasRenderingContext2D, pattern: Float32Array, n: number, side: number, x: number, y: number,
  mask: AttentionMask, scale: ColorScale, devicePixelRatio: number,
): void {
  const image = context.createImageData(side, side);
  rasterizePattern(image.data, pattern, plainLayout(n, side, devicePixelRatio), mask, scale);
  context.putImageData(image, x, y);
}

/** Draws a difference [n, n] at (x, y) on a diverging scale from -limit to +limit. */
export function paintDifference(
  context: CanvasRenderingContext2D, difference: Float32Array, n: number, side: number, x: number, y: number,
  limit: number, mask: AttentionMask, scale: DivergingScale, maskColor: Rgb,
): void {
  const image = context.createImageData(side, side);
  rasterizeDifference(image.data, difference, n, side, limit, mask, scale, maskColor);
  context.putImageData(image, x, y);
}

/**
 * Reads the diverging scale's colours from the theme's chart colours: blue
 * for negative, red for positive, with VS Code's dark-theme defaults when a
 * variable is missing.
 */
export function readDivergingScale(background: Rgb): DivergingScale {
  const style = getComputedStyle(document.documentElement);
  const parse = (variable: string, fallback: Rgb): Rgb => parseCssColor(style.getPropertyValue(variable)) ?? fallback;
  return {
    background,
    negative: parse('--vscode-charts-blue', { r: 55, g: 148, b: 255 }),
    positive: parse('--vscode-charts-red', { r: 241, g: 76, b: 76 }),
  };
}
