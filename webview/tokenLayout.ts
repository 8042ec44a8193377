import { TokenFlag, type TokenTable } from '../src/protocol';
import { labelByteLength, utf8Length } from './labelBytes';

/** One token's share of a character that several tokens hold parts of. */
export interface SharedPart {
  readonly token: number;
  /** 1-based first and last byte of the character's UTF-8 bytes that the token holds, or null when the label does not tell. */
  readonly firstByte: number | null;
  readonly lastByte: number | null;
  /** UTF-8 length of the whole character (grapheme cluster). */
  readonly byteCount: number;
}

/**
 * One run of text on a line. `token` is the token index, or -1 for text no
 * token covers (text the tokenizer skipped, such as whitespace some models drop).
 */
export type LinePiece =
  | { readonly kind: 'text'; readonly token: number; readonly text: string }
  /** A line break inside token `token`, drawn as a visible marker so the token can be hovered. */
  | { readonly kind: 'newline'; readonly token: number }
  /** The CR of a CRLF whose LF is in a later token: a marker only, the LF breaks the line. */
  | { readonly kind: 'carriageReturn'; readonly token: number }
  /** An added special token with no range, such as [CLS] or <s>. */
  | { readonly kind: 'special'; readonly token: number; readonly label: string }
  /**
   * A character (grapheme cluster) whose UTF-8 bytes several tokens hold, such
   * as an emoji split into byte tokens. It is shown once; `parts` are its
   * tokens in order.
   */
  | { readonly kind: 'shared'; readonly text: string; readonly parts: readonly SharedPart[] };

export interface TokenLine {
  readonly pieces: LinePiece[];
  /** Direction of the line's first letter, as the Unicode bidi algorithm picks a paragraph's direction. */
  direction: 'ltr' | 'rtl';
}

const FIRST_LETTER = /\p{L}/u;
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;

/** Returns 'rtl' when the first letter of `text` is of a right-to-left script. */
export function textDirection(text: string): 'ltr' | 'rtl' {
  const letter = FIRST_LETTER.exec(text);
  return letter !== null && RIGHT_TO_LEFT.test(letter[0]) ? 'rtl' : 'ltr';
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Boundaries of the grapheme clusters of text[0, end), as UTF-16 offsets from 0
 * to end. CRLF, one cluster in Unicode, is split in two so that a tokenizer's
 * separate CR and LF tokens each keep their own part of the line break.
 */
function graphemeBoundaries(text: string, end: number): Int32Array {
  const boundaries: number[] = [];
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { index, segment } of segmenter.segment(text.slice(0, end))) {
    boundaries.push(index);
    if (segment === '\r\n') boundaries.push(index + 1);
  }
  boundaries.push(end);
  return Int32Array.from(boundaries);
}

/** Index of the cluster that contains `offset` (the last boundary at or before it). */
function clusterAt(boundaries: Int32Array, offset: number): number {
  let low = 0;
  let high = boundaries.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (boundaries[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Tokens that cover part of each cluster, in token order; only clusters with a token get an entry. */
function clusterOwners(tokens: TokenTable, boundaries: Int32Array, end: number): Map<number, number[]> {
  const owners = new Map<number, number[]>();
  if (boundaries.length < 2) return owners;
  for (let index = 0; index < tokens.count; index++) {
    const start = tokens.starts[index];
    const stop = Math.min(tokens.ends[index], end);
    if (start < 0 || stop <= start) continue;
    for (let cluster = clusterAt(boundaries, start); cluster < boundaries.length - 1 && boundaries[cluster] < stop; cluster++) {
      const list = owners.get(cluster);
      if (list) list.push(index);
      else owners.set(cluster, [index]);
    }
  }
  return owners;
}

/**
 * Lays the tokens out in the text's own lines: line breaks split lines (a
 * CRLF once, even when its CR and LF are separate tokens), spaces and tabs
 * stay as they are, tokens keep their order, and each line gets the direction
 * of its first letter. A character that several
 * tokens share becomes one `shared` piece. Token offsets are UTF-16 code
 * units into `text`; text past `analysedLength` is not shown.
 */
export function layoutTokens(text: string, tokens: TokenTable, analysedLength: number): TokenLine[] {
  const end = Math.min(text.length, Math.max(0, analysedLength));
  const lines: TokenLine[] = [{ pieces: [], direction: 'ltr' }];
  const push = (piece: LinePiece) => lines[lines.length - 1].pieces.push(piece);
  const boundaries = graphemeBoundaries(text, end);
  const owners = clusterOwners(tokens, boundaries, end);
  // [count] UTF-8 bytes of each token already placed, to number the bytes of shared characters.
  const placedBytes = new Int32Array(tokens.count);

  const append = (token: number, from: number, to: number) => {
    const chunk = text.slice(from, to);
    if (token >= 0) placedBytes[token] += utf8Length(chunk);
    let last = 0;
    for (const match of chunk.matchAll(LINE_BREAK)) {
      const at = match.index ?? 0;
      if (at > last) push({ kind: 'text', token, text: chunk.slice(last, at) });
      last = at + match[0].length;
      // A CR at the end of the chunk whose LF follows in the text: the LF's token breaks the line.
      if (match[0] === '\r' && text[from + at + 1] === '\n') {
        if (token >= 0) push({ kind: 'carriageReturn', token });
        continue;
      }
      if (token >= 0) push({ kind: 'newline', token });
      lines.push({ pieces: [], direction: 'ltr' });
    }
    if (last < chunk.length) push({ kind: 'text', token, text: chunk.slice(last) });
  };

  const appendShared = (cluster: number, members: number[]) => {
    const piece = text.slice(boundaries[cluster], boundaries[cluster + 1]);
    const byteCount = utf8Length(piece);
    // Every token but the last holds the rest of its label's bytes; the last holds what remains of the character.
    const shares = members.map((token, k) => (k < members.length - 1 ? labelByteLength(tokens.labels[token] ?? '') - placedBytes[token] : 0));
    const lastShare = byteCount - shares.reduce((sum, share) => sum + share, 0);
    shares[shares.length - 1] = lastShare;
    const known = shares.every((share) => share >= 1);
    let byte = 1;
    const parts = members.map((token, k): SharedPart => {
      placedBytes[token] += Math.max(0, shares[k]);
      const part = { token, firstByte: known ? byte : null, lastByte: known ? byte + shares[k] - 1 : null, byteCount };
      byte += shares[k];
      return part;
    });
    push({ kind: 'shared', text: piece, parts });
  };

  let cursor = 0;
  for (let index = 0; index < tokens.count; index++) {
    const start = tokens.starts[index];
    const stop = Math.min(tokens.ends[index], end);
    const special = (tokens.flags[index] & TokenFlag.Special) !== 0;

    if (start < 0 || (special && stop <= start)) {
      push({ kind: 'special', token: index, label: tokens.labels[index] ?? '' });
      continue;
    }
    if (start > cursor) {
      append(-1, cursor, Math.min(start, end));
      cursor = Math.min(start, end);
    }
    // A token inside a character an earlier token's shared piece already shows.
    if (stop <= cursor) continue;

    let runStart = cursor;
    for (let cluster = clusterAt(boundaries, cursor); cluster < boundaries.length - 1 && boundaries[cluster] < stop; cluster++) {
      const members = owners.get(cluster);
      if (!members || members.length < 2) continue;
      if (boundaries[cluster] > runStart) append(index, runStart, boundaries[cluster]);
      appendShared(cluster, members);
      runStart = boundaries[cluster + 1];
    }
    if (runStart < stop) append(index, runStart, stop);
    cursor = Math.max(runStart, stop);
  }
  if (cursor < end) append(-1, cursor, end);
  for (const line of lines) line.direction = textDirection(line.pieces.map((piece) => ('text' in piece ? piece.text : '')).join(''));
  return lines;
}

/** Tooltip of a token's part of a shared character, e.g. "part of a character: bytes 2–3 of 4". */
export function describeSharedPart(part: SharedPart): string {
  if (part.firstByte === null || part.lastByte === null) return `part of a character of ${part.byteCount} bytes`;
  const bytes = part.firstByte === part.lastByte ? `byte ${part.firstByte}` : `bytes ${part.firstByte}\u2013${part.lastByte}`;
  return `part of a character: ${bytes} of ${part.byteCount}`;
}
