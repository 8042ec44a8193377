/**
 * Readable token labels. Vocabulary strings spell spaces and bytes in model-specific
 * ways ('Ġ' and 'Ċ' in byte-level BPE, '▁' and '<0x0A>' in SentencePiece BPE); labels
 * show the text instead, with visible markers:
 *   space '␣' (U+2423), newline '↵' (U+21B5), tab '⇥' (U+21E5), carriage return '␍' (U+240D),
 *   no-break space '⍽' (U+237D), other C0 controls as their Control Pictures (U+2400 + code),
 *   DEL '␡' (U+2421).
 * Bytes that do not form a whole UTF-8 character are shown as <0xNN> and mark the
 * token as a partial character.
 */
import { byteLevelBytes } from './byte_level';

export type LabelStyle = 'byteLevel' | 'text';

export interface Label {
  readonly label: string;
  /** The token holds only part of a character's UTF-8 bytes. */
  readonly partial: boolean;
}

const SENTENCEPIECE_BYTE = /^<0x([0-9A-Fa-f]{2})>$/;

/** Labels a vocabulary string. `byteFallback` reads <0xNN> tokens as single bytes. */
export function labelToken(value: string, style: LabelStyle, byteFallback: boolean): Label {
  if (style === 'byteLevel') {
    const bytes = byteLevelBytes(value);
    if (bytes !== null) return labelBytes(bytes);
  }
  if (byteFallback) {
    const match = SENTENCEPIECE_BYTE.exec(value);
    if (match) return labelBytes(Uint8Array.of(parseInt(match[1], 16)));
  }
  return { label: markWhitespace(value.replaceAll('\u2581', ' ')), partial: false };
}

/** Decodes UTF-8 bytes into a label; incomplete or invalid sequences become <0xNN>. */
function labelBytes(bytes: Uint8Array): Label {
  let label = '';
  let partial = false;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes[i]);
    const cp = length > 0 && i + length <= bytes.length ? decodeSequence(bytes, i, length) : -1;
    if (cp < 0) {
      label += `<0x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}>`;
      partial = true;
      i++;
      continue;
    }
    label += String.fromCodePoint(cp);
    i += length;
  }
  return { label: markWhitespace(label), partial };
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Returns the code point of a well-formed sequence, or -1. */
function decodeSequence(bytes: Uint8Array, at: number, length: number): number {
  if (length === 1) return bytes[at];
  let cp = bytes[at] & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const b = bytes[at + k];
    if ((b & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  // The smallest code point of each length; smaller ones are overlong encodings.
  let minimum = 0x10000;
  if (length === 2) minimum = 0x80;
  if (length === 3) minimum = 0x800;
  if (cp < minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

/** Replaces spaces, line breaks, tabs and control characters with visible markers. */
export function markWhitespace(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0) as number;
    if (char === ' ') out += '\u2423';
    else if (char === '\n') out += '\u21b5';
    else if (char === '\t') out += '\u21e5';
    else if (cp < 0x20) out += String.fromCodePoint(0x2400 + cp);
    else if (cp === 0x7f) out += '\u2421';
    else if (cp === 0xa0) out += '\u237d';
    else out += char;
  }
  return out;
}
