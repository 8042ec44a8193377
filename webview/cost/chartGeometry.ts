/**
 * Pure geometry of the cost charts: log scales, tick values and where two
 * sampled curves cross. No DOM, so node --test covers it.
 */

/** Maps a positive value on a log scale to a pixel coordinate; range may run backwards (y grows downwards). */
export interface LogScale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  (value: number): number;
}

/** Creates a log scale from `domain` to `range`. Throws RangeError unless 0 < domain[0] < domain[1]. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): LogScale {
  const [low, high] = domain;
  if (!(low > 0) || !(high > low) || !Number.isFinite(high)) {
    throw new RangeError(`A log scale needs 0 < min < max, got [${low}, ${high}].`);
  }
  const logLow = Math.log(low);
  const span = Math.log(high) - logLow;
  const scale = (value: number) => range[0] + ((Math.log(value) - logLow) / span) * (range[1] - range[0]);
  return Object.assign(scale, { domain, range });
}

/**
 * Bounds around every finite positive value, aligned to powers of `base`: [base^floor(log min), base^ceil(log max)].
 * Returns null when no value is finite and positive; a single power widens to the next.
 */
export function alignedDomain(values: Iterable<number>, base = 10): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!(value > 0) || !Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (min === Infinity) return null;
  const log = (value: number) => Math.log(value) / Math.log(base);
  const low = base ** Math.floor(log(min) + 1e-9);
  let high = base ** Math.ceil(log(max) - 1e-9);
  if (high <= low) high = low * base;
  return [low, high];
}

/** alignedDomain with base 10: whole decades. */
export function decadeDomain(values: Iterable<number>): [number, number] | null {
  return alignedDomain(values, 10);
}

/**
 * Returns tick values for a log axis over [min, max] at powers of ten, thinned to
 * at most `maxTicks` by taking every k-th decade. With fewer than two decades in
 * range, the 2x and 5x multiples are added.
 */
export function logTicks(min: number, max: number, maxTicks = 7): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const first = Math.ceil(Math.log10(min) - 1e-9);
  const last = Math.floor(Math.log10(max) + 1e-9);
  const decades = last - first + 1;
  if (decades >= 2) {
    const step = Math.max(1, Math.ceil(decades / maxTicks));
    const ticks: number[] = [];
    for (let exponent = first; exponent <= last; exponent += step) ticks.push(10 ** exponent);
    return ticks;
  }
  const ticks: number[] = [];
  for (let exponent = first - 1; exponent <= last; exponent++) {
    for (const multiple of [1, 2, 5]) {
      const value = multiple * 10 ** exponent;
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/**
 * Returns tick values over [min, max] at powers of two, for sequence lengths or bytes.
 * Exponents are multiples of the smallest step of 1, 2, 5, 10, 20 or 50 that leaves
 * at most `maxTicks`, so bytes get 1 KiB, 32 KiB, 1 MiB with a step of 5.
 */
export function powerOfTwoTicks(min: number, max: number, maxTicks = 8): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const first = Math.ceil(Math.log2(min) - 1e-9);
  const last = Math.floor(Math.log2(max) + 1e-9);
  const count = last - first + 1;
  if (count <= 0) return [];
  const tickCount = (step: number) => Math.floor(last / step) - Math.ceil(first / step) + 1;
  const step = [1, 2, 5, 10, 20, 50].find((candidate) => tickCount(candidate) <= maxTicks) ?? Math.ceil(count / maxTicks);
  const ticks: number[] = [];
  for (let exponent = Math.ceil(first / step) * step; exponent <= last; exponent += step) ticks.push(2 ** exponent);
  return ticks;
}

/**
 * Finds the first x at which curve `rising` moves from at or below curve `other` to
 * above it, interpolated linearly in log-log space between the two samples that
 * bracket the change. Both curves are sampled at `xs` (increasing, positive).
 * Returns null when `rising` never overtakes `other` within the samples; returns
 * xs[0] when it is already above at the first sample.
 */
export function crossover(xs: readonly number[], rising: readonly number[], other: readonly number[]): number | null {
  if (xs.length !== rising.length || xs.length !== other.length) {
    throw new RangeError(`crossover needs equal lengths, got ${xs.length}, ${rising.length} and ${other.length}.`);
  }
  for (let i = 0; i < xs.length; i++) {
    if (!(rising[i]! > 0) || !(other[i]! > 0)) continue;
    const gap = Math.log(rising[i]!) - Math.log(other[i]!);
    if (gap <= 0) continue;
    if (i === 0) return xs[0]!;
    const previousGap = Math.log(rising[i - 1]!) - Math.log(other[i - 1]!);
    if (!Number.isFinite(previousGap)) return xs[i]!;
    // The gap is linear in log x between samples of power laws, so interpolate there.
    const t = previousGap / (previousGap - gap);
    const logX = Math.log(xs[i - 1]!) + t * (Math.log(xs[i]!) - Math.log(xs[i - 1]!));
    return Math.exp(logX);
  }
  return null;
}

/** Pixel points of a series, skipping values that are not finite and positive (a log scale cannot place them). */
export function seriesPoints(
  xs: readonly number[], ys: readonly number[], xScale: LogScale, yScale: LogScale,
): Array<readonly [number, number]> {
  const points: Array<readonly [number, number]> = [];
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i]!;
    if (!(y > 0) || !Number.isFinite(y)) continue;
    points.push([xScale(xs[i]!), yScale(y)]);
  }
  return points;
}

export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Returns the plot rectangle inside a canvas of the given CSS size after the axis margins, never negative. */
export function plotArea(width: number, height: number, margin = { left: 84, right: 16, top: 12, bottom: 36 }): PlotArea {
  return {
    left: margin.left,
    top: margin.top,
    width: Math.max(0, width - margin.left - margin.right),
    height: Math.max(0, height - margin.top - margin.bottom),
  };
}
