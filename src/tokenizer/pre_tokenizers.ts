/**
 * Pre-tokenizers from tokenizer.json: each splits pieces of normalized text into
 * smaller pieces (words) for the model, keeping alignments. Behaviour follows the
 * Rust library's pre_tokenizers/*.rs.
 */
import { TokenizerError } from '../engine/errors';
import { NormalizedString, type SplitBehavior } from './normalized';
import { asObject, optionalBoolean, optionalString, patternOf, requireString } from './json';
import { CharClass, compileLiteral, compilePattern, findCharMatches, findMatches, invertMatches, WORD_CHAR_CLASS } from './regex';
import { BYTE_TO_CHAR } from './byte_level';

export type PreTokenizer = (pieces: NormalizedString[]) => NormalizedString[];

export const SUPPORTED_PRE_TOKENIZERS = [
  'ByteLevel', 'Split', 'Metaspace', 'BertPreTokenizer', 'Whitespace', 'WhitespaceSplit', 'Punctuation', 'Digits', 'Sequence',
];

const SPLIT_BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** The pattern GPT-2's ByteLevel pre-tokenizer splits with (use_regex: true). */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Builds the pre-tokenizer described by a tokenizer.json `pre_tokenizer` value. */
export function buildPreTokenizer(value: unknown, where = 'pre_tokenizer'): PreTokenizer {
  const spec = asObject(value, where);
  const type = requireString(spec, 'type', where);
  switch (type) {
    case 'ByteLevel':
      return byteLevel(optionalBoolean(spec, 'add_prefix_space', where) ?? true, optionalBoolean(spec, 'use_regex', where) ?? true, where);
    case 'Split': {
      const pattern = patternOf(spec, where);
      const regex = pattern.kind === 'String' ? compileLiteral(pattern.value) : compilePattern(pattern.value, where);
      const behavior = behaviorOf(spec, where, null);
      const invert = optionalBoolean(spec, 'invert', where) ?? false;
      return splitEach((piece) => {
        const matches = findMatches(regex, piece.text);
        return piece.split(invert ? invertMatches(matches) : matches, behavior);
      });
    }
    case 'Metaspace':
      return metaspace(spec, where);
    case 'BertPreTokenizer':
      return (pieces) => {
        const words = splitEach((piece) => piece.split(findCharMatches(piece.text, CharClass.whitespace), 'Removed'))(pieces);
        return splitEach((piece) => piece.split(findCharMatches(piece.text, CharClass.punctuation), 'Isolated'))(words);
      };
    case 'Whitespace': {
      const regex = new RegExp(`${WORD_CHAR_CLASS}+|(?:(?!${WORD_CHAR_CLASS})\\P{White_Space})+`, 'gu');
      return splitEach((piece) => piece.split(invertMatches(findMatches(regex, piece.text)), 'Removed'));
    }
    case 'WhitespaceSplit':
      return splitEach((piece) => piece.split(findCharMatches(piece.text, CharClass.whitespace), 'Removed'));
    case 'Punctuation': {
      const behavior = behaviorOf(spec, where, 'Isolated');
      return splitEach((piece) => piece.split(findCharMatches(piece.text, CharClass.punctuation), behavior));
    }
    case 'Digits': {
      const behavior: SplitBehavior = optionalBoolean(spec, 'individual_digits', where) ? 'Isolated' : 'Contiguous';
      return splitEach((piece) => piece.split(findCharMatches(piece.text, CharClass.numeric), behavior));
    }
    case 'Sequence': {
      const list = spec.pretokenizers;
      if (!Array.isArray(list)) throw new TokenizerError(`${where}: a Sequence pre-tokenizer needs a "pretokenizers" array.`);
      const steps = list.map((item, i) => buildPreTokenizer(item, `${where}.pretokenizers[${i}]`));
      return (pieces) => steps.reduce((current, step) => step(current), pieces);
    }
    default:
      throw new TokenizerError(
        `${where}: the pre-tokenizer type "${type}" is not supported. Supported types: ${SUPPORTED_PRE_TOKENIZERS.join(', ')}.`,
      );
  }
}

function splitEach(split: (piece: NormalizedString) => NormalizedString[]): PreTokenizer {
  return (pieces) => {
    const out: NormalizedString[] = [];
    for (const piece of pieces) for (const part of split(piece)) if (part.length > 0) out.push(part);
    return out;
  };
}

function behaviorOf(spec: Record<string, unknown>, where: string, fallback: SplitBehavior | null): SplitBehavior {
  const value = spec.behavior ?? fallback;
  if (typeof value === 'string' && (SPLIT_BEHAVIORS as readonly string[]).includes(value)) return value as SplitBehavior;
  throw new TokenizerError(`${where}.behavior: expected one of ${SPLIT_BEHAVIORS.join(', ')}, found ${JSON.stringify(value)}.`);
}

/**
 * ByteLevel: optionally prepends a space, splits with the GPT-2 pattern, then maps
 * every UTF-8 byte to its printable stand-in character (space becomes 'Ġ').
 */
function byteLevel(addPrefixSpace: boolean, useRegex: boolean, where: string): PreTokenizer {
  const regex = useRegex ? compilePattern(GPT2_PATTERN, where) : null;
  return (pieces) => {
    const out: NormalizedString[] = [];
    for (const piece of pieces) {
      if (addPrefixSpace && !piece.text.startsWith(' ')) piece.prepend(' ');
      const parts = regex ? piece.split(findMatches(regex, piece.text), 'Isolated') : [piece];
      for (const part of parts) {
        if (part.length === 0) continue;
        toByteChars(part);
        out.push(part);
      }
    }
    return out;
  };
}

/** Replaces each character by the byte-level characters of its UTF-8 bytes. */
export function toByteChars(piece: NormalizedString): void {
  const codePoints: number[] = [];
  const changes: number[] = [];
  const text = piece.text;
  for (let i = 0; i < text.length; i++) {
    let cp = text.codePointAt(i) as number;
    if (cp > 0xffff) i++;
    // A lone surrogate becomes U+FFFD, as it does on its way into the Rust library.
    else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) {
      codePoints.push(BYTE_TO_CHAR[cp]);
      changes.push(0);
    } else if (cp < 0x800) {
      codePoints.push(BYTE_TO_CHAR[0xc0 | (cp >> 6)], BYTE_TO_CHAR[0x80 | (cp & 0x3f)]);
      changes.push(0, 1);
    } else if (cp < 0x10000) {
      codePoints.push(BYTE_TO_CHAR[0xe0 | (cp >> 12)], BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3f)], BYTE_TO_CHAR[0x80 | (cp & 0x3f)]);
      changes.push(0, 1, 1);
    } else {
      codePoints.push(
        BYTE_TO_CHAR[0xf0 | (cp >> 18)],
        BYTE_TO_CHAR[0x80 | ((cp >> 12) & 0x3f)],
        BYTE_TO_CHAR[0x80 | ((cp >> 6) & 0x3f)],
        BYTE_TO_CHAR[0x80 | (cp & 0x3f)],
      );
      changes.push(0, 1, 1, 1);
    }
  }
  piece.transform({ codePoints, changes });
}

/**
 * Metaspace. Spaces become the replacement character ('▁'), which is also
 * prepended according to prepend_scheme: "always", "first" (only to the piece at the
 * start of the input) or "never". With split, each word starts at a replacement character.
 */
function metaspace(spec: Record<string, unknown>, where: string): PreTokenizer {
  const replacement = requireString(spec, 'replacement', where);
  if ([...replacement].length !== 1) throw new TokenizerError(`${where}.replacement: expected one character, found ${JSON.stringify(replacement)}.`);
  let scheme = optionalString(spec, 'prepend_scheme', where) ?? 'always';
  if (optionalBoolean(spec, 'add_prefix_space', where) === false) scheme = 'never';
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') {
    throw new TokenizerError(`${where}.prepend_scheme: expected "always", "first" or "never", found ${JSON.stringify(scheme)}.`);
  }
  const split = optionalBoolean(spec, 'split', where) ?? true;
  return (pieces) => {
    const out: NormalizedString[] = [];
    for (const piece of pieces) {
      piece.replace(findCharMatches(piece.text, (char) => char === ' '), replacement);
      const startsWithReplacement = piece.text.startsWith(replacement);
      if (scheme === 'always' && !startsWithReplacement) piece.prepend(replacement);
      if (scheme === 'first' && !startsWithReplacement && piece.originalRange()[0] === 0) piece.prepend(replacement);
      const parts = split ? piece.split(findCharMatches(piece.text, (char) => char === replacement), 'MergedWithNext') : [piece];
      for (const part of parts) if (part.length > 0) out.push(part);
    }
    return out;
  };
}
