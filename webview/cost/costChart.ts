/** Draws one log-log cost chart on a canvas: series against sequence length, a marker at the selection, a marker at a crossover. */

import { formatLength } from './costFormat';
import type { ChartTheme } from './costTheme';
import { alignedDomain, logScale, logTicks, plotArea, powerOfTwoTicks, seriesPoints } from './chartGeometry';

export interface ChartSeries {
  readonly label: string;
  /** One value per entry of ChartSpec.lengths. */
  readonly values: readonly number[];
  /** Index into ChartTheme.series. */
  readonly colorIndex: number;
  readonly dashed?: boolean;
}

export interface ChartMarker {
  readonly length: number;
  readonly label: string;
  readonly dashed: boolean;
}

export interface ChartSpec {
  /** Sequence lengths, increasing. */
  readonly lengths: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly markers: readonly ChartMarker[];
  /** Formats a y value for the axis labels. */
  readonly formatValue: (value: number) => string;
  /** `decimal` puts y ticks at powers of ten (FLOPs); `binary` at powers of two (bytes). */
  readonly yAxis: 'decimal' | 'binary';
}

/** CSS pixel height of every chart. */
export const CHART_HEIGHT = 260;

/** Redraws the chart at the canvas's current CSS width and the device pixel ratio. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec, theme: ChartTheme): void {
  const width = Math.max(200, canvas.clientWidth || canvas.parentElement?.clientWidth || 480);
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(CHART_HEIGHT * ratio);
  canvas.style.height = `${CHART_HEIGHT}px`;
  const context = canvas.getContext('2d');
  if (context === null || spec.lengths.length === 0) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, CHART_HEIGHT);
  context.font = theme.font;

  const area = plotArea(width, CHART_HEIGHT);
  const first = spec.lengths[0]!;
  const last = spec.lengths[spec.lengths.length - 1]!;
  const xDomain: [number, number] = last > first ? [first, last] : [first / 2, first * 2];
  const yValues = spec.series.flatMap((series) => series.values);
  const yDomain = alignedDomain(yValues, spec.yAxis === 'binary' ? 2 : 10) ?? [1, 10];
  const x = logScale(xDomain, [area.left, area.left + area.width]);
  const y = logScale(yDomain, [area.top + area.height, area.top]);

  drawAxes(context, spec, theme, area, x, y, xDomain, yDomain);
  for (const series of spec.series) {
    const points = seriesPoints(spec.lengths, series.values, x, y);
    context.strokeStyle = theme.series[series.colorIndex % theme.series.length]!;
    context.lineWidth = 2;
    context.setLineDash(series.dashed ? [6, 4] : []);
    context.beginPath();
    points.forEach(([px, py], index) => (index === 0 ? context.moveTo(px, py) : context.lineTo(px, py)));
    context.stroke();
  }
  context.setLineDash([]);
  drawMarkers(context, spec.markers, theme, area, x, xDomain);
}

function drawAxes(
  context: CanvasRenderingContext2D, spec: ChartSpec, theme: ChartTheme, area: ReturnType<typeof plotArea>,
  x: (value: number) => number, y: (value: number) => number, xDomain: [number, number], yDomain: [number, number],
): void {
  context.lineWidth = 1;
  context.strokeStyle = theme.grid;
  context.fillStyle = theme.muted;

  context.textAlign = 'right';
  context.textBaseline = 'middle';
  const yTicks = spec.yAxis === 'binary' ? powerOfTwoTicks(yDomain[0], yDomain[1], 6) : logTicks(yDomain[0], yDomain[1], 6);
  for (const tick of yTicks) {
    const py = Math.round(y(tick)) + 0.5;
    context.beginPath();
    context.moveTo(area.left, py);
    context.lineTo(area.left + area.width, py);
    context.stroke();
    context.fillText(spec.formatValue(tick), area.left - 6, py);
  }

  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const tick of powerOfTwoTicks(xDomain[0], xDomain[1], 8)) {
    const px = Math.round(x(tick)) + 0.5;
    context.beginPath();
    context.moveTo(px, area.top);
    context.lineTo(px, area.top + area.height);
    context.stroke();
    context.fillText(formatLength(tick), px, area.top + area.height + 6);
  }
  context.fillText('sequence length (tokens)', area.left + area.width / 2, area.top + area.height + 20);
}

function drawMarkers(
  context: CanvasRenderingContext2D, markers: readonly ChartMarker[], theme: ChartTheme,
  area: ReturnType<typeof plotArea>, x: (value: number) => number, xDomain: [number, number],
): void {
  context.strokeStyle = theme.foreground;
  context.fillStyle = theme.foreground;
  context.textBaseline = 'top';
  markers.forEach((marker, index) => {
    if (marker.length < xDomain[0] || marker.length > xDomain[1]) return;
    const px = Math.round(x(marker.length)) + 0.5;
    context.setLineDash(marker.dashed ? [4, 4] : []);
    context.beginPath();
    context.moveTo(px, area.top);
    context.lineTo(px, area.top + area.height);
    context.stroke();
    // Labels sit left of a line near the right edge, and stagger so two markers do not overlap.
    const nearRight = px > area.left + area.width * 0.7;
    context.textAlign = nearRight ? 'right' : 'left';
    context.fillText(marker.label, px + (nearRight ? -4 : 4), area.top + 4 + index * 16);
  });
  context.setLineDash([]);
}
