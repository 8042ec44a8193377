/**
 * Patterns from tokenizer.json, run with JavaScript's RegExp. The Rust library
 * compiles them with Oniguruma; the differences that matter for real files are
 * handled here:
 * - `(?i:...)` groups (Llama 3, Qwen2) are not JavaScript syntax before ES2025, so
 *   their letters are expanded to `[sS]` classes.
 * - `\s` is Unicode White_Space in Oniguruma; JavaScript's `\s` adds U+FEFF and lacks
 *   U+0085, so `\s` and `\S` become `\p{White_Space}` and `\P{White_Space}`, also
 *   inside character classes.
 * All patterns use the `u` flag, so `\p{L}` and `\p{N}` work.
 * NOTE: Oniguruma-only syntax (possessive quantifiers, atomic groups, `\h`) does not
 * compile, and loading such a file fails with a TokenizerError naming the pattern.
 */
import { TokenizerError } from '../engine/errors';
import type { MatchSpan } from './normalized';

/** Compiles an Oniguruma-style pattern from tokenizer.json as a global Unicode RegExp. */
export function compilePattern(pattern: string, where: string): RegExp {
  const translated = translatePattern(pattern);
  try {
    return new RegExp(translated, 'gu');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TokenizerError(`${where}: the regular expression ${JSON.stringify(pattern)} is not supported in JavaScript (${reason}).`);
  }
}

/** Compiles a literal string as a global pattern. */
export function compileLiteral(literal: string): RegExp {
  return new RegExp(literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), 'gu');
}

function translatePattern(pattern: string): string {
  let out = '';
  let inClass = false;
  // Depth at which each open (?i: group started; letters inside get both cases.
  const groupStack: boolean[] = [];
  let caseless = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 's') out += '\\p{White_Space}';
      else if (next === 'S') out += '\\P{White_Space}';
      else if (next === 'p' || next === 'P') {
        const close = pattern.indexOf('}', i);
        out += pattern.slice(i, close + 1);
        i = close;
        continue;
      } else out += char + next;
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      if (caseless > 0 && /\p{L}/u.test(char) && char.toLowerCase() !== char.toUpperCase()) {
        out += char.toLowerCase() + char.toUpperCase();
      } else out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      if (pattern[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (char === '(') {
      if (pattern.startsWith('(?i:', i)) {
        groupStack.push(true);
        caseless++;
        out += '(?:';
        i += 3;
        continue;
      }
      groupStack.push(false);
      out += char;
      continue;
    }
    if (char === ')') {
      if (groupStack.pop()) caseless--;
      out += char;
      continue;
    }
    if (caseless > 0 && /\p{L}/u.test(char) && char.toLowerCase() !== char.toUpperCase()) {
      out += `[${char.toLowerCase()}${char.toUpperCase()}]`;
      continue;
    }
    out += char;
  }
  return out;
}

/**
 * Returns the matches of `regex` in `text` and the gaps between them, covering the
 * whole text in order. Empty matches are kept (their pieces are dropped later);
 * after one the search moves on by one character, as Rust's find_iter does.
 */
export function findMatches(regex: RegExp, text: string): MatchSpan[] {
  if (text.length === 0) return [{ start: 0, end: 0, isMatch: false }];
  const spans: MatchSpan[] = [];
  let previous = 0;
  regex.lastIndex = 0;
  for (;;) {
    const match = regex.exec(text);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    if (previous !== start) spans.push({ start: previous, end: start, isMatch: false });
    spans.push({ start, end, isMatch: true });
    previous = end;
    if (end === start) {
      if (end >= text.length) break;
      regex.lastIndex = end + (isHighSurrogateAt(text, end) ? 2 : 1);
    }
  }
  if (previous !== text.length) spans.push({ start: previous, end: text.length, isMatch: false });
  return spans;
}

/** Inverts match and gap, as the Split pre-tokenizer's `invert` flag does. */
export function invertMatches(spans: MatchSpan[]): MatchSpan[] {
  return spans.map(({ start, end, isMatch }) => ({ start, end, isMatch: !isMatch }));
}

/** Marks each character for which `test` returns true as a one-character match. */
export function findCharMatches(text: string, test: (char: string) => boolean): MatchSpan[] {
  if (text.length === 0) return [{ start: 0, end: 0, isMatch: false }];
  const spans: MatchSpan[] = [];
  let last = 0;
  let i = 0;
  for (const char of text) {
    if (test(char)) {
      if (last < i) spans.push({ start: last, end: i, isMatch: false });
      spans.push({ start: i, end: i + char.length, isMatch: true });
      last = i + char.length;
    }
    i += char.length;
  }
  if (last < text.length) spans.push({ start: last, end: text.length, isMatch: false });
  return spans;
}

function isHighSurrogateAt(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  return unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length;
}

/**
 * Builds a character test from a Unicode property pattern, with the results for
 * ASCII precomputed because most text is ASCII and RegExp.test costs far more.
 */
function charTest(pattern: RegExp): (char: string) => boolean {
  const ascii = new Uint8Array(128);
  for (let cp = 0; cp < 128; cp++) ascii[cp] = pattern.test(String.fromCharCode(cp)) ? 1 : 0;
  return (char) => {
    const cp = char.charCodeAt(0);
    return cp < 128 ? ascii[cp] === 1 : pattern.test(char);
  };
}

/** Character classes of Rust's `char` methods, by Unicode property. */
export const CharClass = {
  /** char::is_whitespace: White_Space. */
  whitespace: charTest(/^\p{White_Space}$/u),
  /** char::is_ascii_punctuation || char::is_punctuation (General_Category P). */
  punctuation: charTest(/^[!-/:-@[-`{-~\p{P}]$/u),
  /** char::is_numeric: General_Category N. */
  numeric: charTest(/^\p{N}$/u),
  /** char::is_other: General_Category C. */
  other: charTest(/^\p{C}$/u),
  /** A combining mark, General_Category M. */
  mark: charTest(/^\p{M}$/u),
  /** A nonspacing mark, General_Category Mn. */
  nonspacingMark: charTest(/^\p{Mn}$/u),
} as const;

/** Rust regex `\w`: Alphabetic, marks, decimal digits, connector punctuation, Join_Control. */
export const WORD_CHAR_CLASS = '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]';
