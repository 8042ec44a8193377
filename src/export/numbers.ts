/** Number formatting for text exports. */

/**
 * Returns the shortest decimal that reads back (through Math.fround) to the same
 * float32, e.g. 0.1 instead of 0.10000000149011612. NaN becomes "NaN" and
 * infinities "Infinity" / "-Infinity"; callers choose how to write those.
 */
export function float32ToString(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const exact = Math.fround(value);
  if (exact === 0) return '0';
  // Nine significant digits always identify a float32 (IEEE 754: ceil(1 + 24 log10 2) = 9).
  for (let digits = 1; digits < 9; digits++) {
    const text = exact.toPrecision(digits);
    if (Math.fround(Number(text)) === exact) return String(Number(text));
  }
  return String(Number(exact.toPrecision(9)));
}
