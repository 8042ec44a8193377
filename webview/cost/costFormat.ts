/** Number formatting for the cost view: bytes in binary units, FLOPs and rates in decimal SI units, times, counts. */

/** Bytes with binary units: 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${trimmed(value, unit === 0 ? 0 : undefined)} ${units[unit]}`;
}

/** Formats a value with an SI prefix and a unit: (3.2e10, 'FLOP') -> "32 GFLOP". */
export function formatSi(value: number, unit: string): string {
  if (!Number.isFinite(value) || value < 0) return '–';
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z'];
  let scaled = value;
  let index = 0;
  while (scaled >= 1000 && index < prefixes.length - 1) {
    scaled /= 1000;
    index++;
  }
  return `${trimmed(scaled, index === 0 && Number.isInteger(scaled) ? 0 : undefined)} ${prefixes[index]}${unit}`;
}

export function formatFlops(flops: number): string {
  return formatSi(flops, 'FLOP');
}

export function formatFlopRate(flopsPerSecond: number): string {
  return formatSi(flopsPerSecond, 'FLOP/s');
}

/** Seconds in the largest unit that keeps the value at or above 1: ns, µs, ms, s, min, h. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds === 0) return '0 s';
  if (seconds < 1e-6) return `${trimmed(seconds * 1e9)} ns`;
  if (seconds < 1e-3) return `${trimmed(seconds * 1e6)} µs`;
  if (seconds < 1) return `${trimmed(seconds * 1e3)} ms`;
  if (seconds < 120) return `${trimmed(seconds)} s`;
  if (seconds < 7200) return `${trimmed(seconds / 60)} min`;
  return `${trimmed(seconds / 3600)} h`;
}

/** Formats an exact integer with thousands separators: 124439808 -> "124,439,808". */
export function formatCount(count: number): string {
  return Number.isFinite(count) ? Math.round(count).toLocaleString('en-US') : '–';
}

/** Formats a sequence length for an axis label: 1024 -> "1K", 131072 -> "128K", 16 -> "16". */
export function formatLength(length: number): string {
  if (length >= 1024 * 1024 && length % (1024 * 1024) === 0) return `${length / (1024 * 1024)}M`;
  if (length >= 1024 && length % 1024 === 0) return `${length / 1024}K`;
  return formatCount(length);
}

/** Formats a ratio: 4 -> "×4", 1.998 -> "×2.00". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return Number.isInteger(ratio) ? `×${ratio}` : `×${ratio.toFixed(2)}`;
}

/** Three significant digits, without a trailing ".0": 12.0 -> "12", 1.234 -> "1.23", 123.4 -> "123". */
function trimmed(value: number, fractionDigits?: number): string {
  let digits = 2;
  if (fractionDigits !== undefined) digits = fractionDigits;
  else if (value >= 100) digits = 0;
  else if (value >= 10) digits = 1;
  return Number(value.toFixed(digits)).toString();
}
