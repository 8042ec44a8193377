/**
 * Added tokens (the `added_tokens` list of tokenizer.json) are found in the input
 * before the model tokenizes it, as in the Rust library's added_vocabulary.rs: tokens
 * with `normalized: false` are matched in the original text, the others in each
 * remaining piece after normalization. Matching is leftmost-longest.
 */
import { TokenizerError } from '../engine/errors';
import { asObject, optionalBoolean, requireString } from './json';
import type { NormalizedString } from './normalized';
import { CharClass, WORD_CHAR_CLASS } from './regex';

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly singleWord: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly normalized: boolean;
  readonly special: boolean;
}

/** A piece of the input: either text still to tokenize or one added token. */
export interface Piece {
  readonly text: NormalizedString;
  readonly addedToken: AddedToken | null;
}

export function readAddedTokens(value: unknown): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TokenizerError('added_tokens: expected an array.');
  return value.map((item, i) => {
    const where = `added_tokens[${i}]`;
    const spec = asObject(item, where);
    const id = spec.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizerError(`${where}.id: expected a non-negative integer, found ${JSON.stringify(id)}.`);
    }
    const special = optionalBoolean(spec, 'special', where) ?? false;
    return {
      id,
      content: requireString(spec, 'content', where),
      singleWord: optionalBoolean(spec, 'single_word', where) ?? false,
      lstrip: optionalBoolean(spec, 'lstrip', where) ?? false,
      rstrip: optionalBoolean(spec, 'rstrip', where) ?? false,
      normalized: optionalBoolean(spec, 'normalized', where) ?? !special,
      special,
    };
  });
}

const WORD_CHAR = new RegExp(`^${WORD_CHAR_CLASS}$`, 'u');

/** Returns the character that ends at code unit `end`, or '' at the start. */
function charBefore(text: string, end: number): string {
  if (end <= 0) return '';
  const low = text.charCodeAt(end - 1);
  const high = end >= 2 ? text.charCodeAt(end - 2) : 0;
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return text.slice(pair ? end - 2 : end - 1, end);
}

/** Returns the character that starts at code unit `start`, or '' at the end. */
function charAt(text: string, start: number): string {
  if (start >= text.length) return '';
  return String.fromCodePoint(text.codePointAt(start) as number);
}

/** Finds a set of added tokens in text; one matcher per set (original or normalized text). */
export class AddedTokenMatcher {
  private readonly regex: RegExp | null;
  private readonly byContent: Map<string, AddedToken>;

  /** `patterns` maps each token to the string to look for (its normalized form when it has one). */
  constructor(patterns: Map<string, AddedToken>) {
    this.byContent = patterns;
    // Longer alternatives first make the leftmost match also the longest.
    const keys = [...patterns.keys()].filter((key) => key.length > 0).sort((a, b) => b.length - a.length);
    this.regex = keys.length === 0 ? null : new RegExp(keys.map(escapeRegex).join('|'), 'gu');
  }

  /** Splits a piece into text and added-token pieces, applying single_word, lstrip and rstrip. */
  split(piece: NormalizedString): Piece[] {
    const text = piece.text;
    if (this.regex === null || text.length === 0) return [{ text: piece, addedToken: null }];
    const out: Piece[] = [];
    let startOffset = 0;
    this.regex.lastIndex = 0;
    for (let match = this.regex.exec(text); match !== null; match = this.regex.exec(text)) {
      let start = match.index;
      let stop = start + match[0].length;
      const token = this.byContent.get(match[0]) as AddedToken;
      if (token.singleWord) {
        const startSpace = start === 0 || !WORD_CHAR.test(charBefore(text, start));
        const stopSpace = stop === text.length || !WORD_CHAR.test(charAt(text, stop));
        if (!startSpace || !stopSpace) continue;
      }
      if (token.lstrip) {
        let newStart = start;
        while (newStart > 0 && CharClass.whitespace(charBefore(text, newStart))) newStart -= charBefore(text, newStart).length;
        // Spaces that an earlier match already took stay with it.
        start = Math.max(newStart, startOffset);
      }
      if (token.rstrip) {
        // The search goes on from the end of the match, so the next match may
        // overlap these spaces, as in the Rust library.
        while (stop < text.length && CharClass.whitespace(charAt(text, stop))) stop += charAt(text, stop).length;
      }
      if (startOffset < start) out.push({ text: piece.slice(startOffset, start), addedToken: null });
      out.push({ text: piece.slice(start, stop), addedToken: token });
      startOffset = stop;
    }
    if (startOffset !== text.length) out.push({ text: piece.slice(startOffset, text.length), addedToken: null });
    return out;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
