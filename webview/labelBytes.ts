/**
 * UTF-8 lengths of text and of token labels. A label (src/tokenizer/labels.ts)
 * spells a byte that is not a whole character as <0xNN> and whitespace and
 * control characters as visible markers, so its length in bytes is not the
 * length of its own text.
 */

/** UTF-8 bytes of the character each marker stands for: space, newline, tab, carriage return, no-break space, DEL. */
const MARKER_BYTES: ReadonlyMap<string, number> = new Map([
  ['\u2423', 1],
  ['\u21b5', 1],
  ['\u21e5', 1],
  ['\u240d', 1],
  ['\u237d', 2],
  ['\u2421', 1],
]);

const LABEL_UNIT = /<0x[0-9A-Fa-f]{2}>|[\s\S]/gu;

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code < 0x10000) bytes += 3;
    else bytes += 4;
  }
  return bytes;
}

/**
 * Returns how many bytes of the text a token label stands for.
 * NOTE: a label marker is read as the whitespace it stands for, so a text that
 * really contains "␣" or "↵" is undercounted; callers check the sum.
 */
export function labelByteLength(label: string): number {
  let bytes = 0;
  for (const [unit] of label.matchAll(LABEL_UNIT)) {
    if (unit.length === 6) bytes += 1;
    else if (MARKER_BYTES.has(unit)) bytes += MARKER_BYTES.get(unit)!;
    // Other C0 controls appear as their Control Pictures, U+2400 + code.
    else if (unit >= '\u2400' && unit <= '\u241f') bytes += 1;
    else bytes += utf8Length(unit);
  }
  return bytes;
}
