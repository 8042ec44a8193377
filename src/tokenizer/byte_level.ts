/**
 * GPT-2's byte-to-character table: each byte value has a printable stand-in, so
 * byte-level vocabularies are strings. Printable Latin-1 bytes stand for
 * themselves. The others (controls, space, 0x7F to 0xA0, 0xAD) take code points
 * from 256 up in byte order, so space is 'Ġ' (U+0120) and newline is 'Ċ' (U+010A).
 */

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = printable ? b : 256 + next++;
  }
  return table;
}

/** [256] byte value to the code point of its stand-in character. */
export const BYTE_TO_CHAR: Uint32Array = buildTable();

/** Stand-in code point to byte value. */
export const CHAR_TO_BYTE: ReadonlyMap<number, number> = new Map([...BYTE_TO_CHAR].map((cp, b) => [cp, b]));

/** Converts a byte-level token to its bytes, or returns null if a character is not a stand-in. */
export function byteLevelBytes(token: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const char of token) {
    const b = CHAR_TO_BYTE.get(char.codePointAt(0) as number);
    if (b === undefined) return null;
    bytes.push(b);
  }
  return Uint8Array.from(bytes);
}
