/**
 * Normalizers from tokenizer.json, applied to a NormalizedString so that offsets
 * still point into the original text. Behaviour follows the Rust library's
 * normalizers/*.rs.
 */
import { TokenizerError } from '../engine/errors';
import { NormalizedString, type Transformation } from './normalized';
import { CharClass, compileLiteral, compilePattern, findMatches } from './regex';
import { asObject, optionalBoolean, requireString, patternOf } from './json';

export type Normalizer = (normalized: NormalizedString) => void;

export const SUPPORTED_NORMALIZERS = [
  'NFC', 'NFD', 'NFKC', 'NFKD', 'Lowercase', 'StripAccents', 'BertNormalizer', 'Prepend', 'Replace', 'Strip', 'Sequence',
];

type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** Builds the normalizer described by a tokenizer.json `normalizer` value. */
export function buildNormalizer(value: unknown, where = 'normalizer'): Normalizer {
  const spec = asObject(value, where);
  const type = requireString(spec, 'type', where);
  switch (type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (normalized) => unicodeNormalize(normalized, type);
    case 'Lowercase':
      return lowercase;
    case 'StripAccents':
      return (normalized) => normalized.filter((char) => !CharClass.mark(char));
    case 'BertNormalizer':
      return bertNormalizer(spec, where);
    case 'Prepend': {
      const prefix = requireString(spec, 'prepend', where);
      return (normalized) => normalized.prepend(prefix);
    }
    case 'Replace': {
      const content = requireString(spec, 'content', where);
      const pattern = patternOf(spec, where);
      const regex = pattern.kind === 'String' ? compileLiteral(pattern.value) : compilePattern(pattern.value, where);
      return (normalized) => normalized.replace(findMatches(regex, normalized.text), content);
    }
    case 'Strip': {
      const left = optionalBoolean(spec, 'strip_left', where) ?? true;
      const right = optionalBoolean(spec, 'strip_right', where) ?? true;
      return (normalized) => normalized.strip(left, right);
    }
    case 'Sequence': {
      const list = spec.normalizers;
      if (!Array.isArray(list)) throw new TokenizerError(`${where}: a Sequence normalizer needs a "normalizers" array.`);
      const steps = list.map((item, i) => buildNormalizer(item, `${where}.normalizers[${i}]`));
      return (normalized) => {
        for (const step of steps) step(normalized);
      };
    }
    default:
      throw new TokenizerError(
        `${where}: the normalizer type "${type}" is not supported. Supported types: ${SUPPORTED_NORMALIZERS.join(', ')}.`,
      );
  }
}

function lowercase(normalized: NormalizedString): void {
  normalized.mapChars((char) => char.toLowerCase());
}

/**
 * BertNormalizer. clean_text removes NUL, U+FFFD and control characters and turns
 * whitespace into spaces. handle_chinese_chars puts spaces around CJK ideographs.
 * strip_accents (by default the lowercase value) removes nonspacing marks after NFD.
 */
function bertNormalizer(spec: Record<string, unknown>, where: string): Normalizer {
  const cleanText = optionalBoolean(spec, 'clean_text', where) ?? true;
  const handleChineseChars = optionalBoolean(spec, 'handle_chinese_chars', where) ?? true;
  const lower = optionalBoolean(spec, 'lowercase', where) ?? true;
  const stripAccents = optionalBoolean(spec, 'strip_accents', where) ?? lower;
  return (normalized) => {
    if (cleanText) {
      normalized.filter((char) => {
        const cp = char.codePointAt(0) as number;
        return !(cp === 0 || cp === 0xfffd || isBertControl(char));
      });
      normalized.mapChars((char) => (isBertWhitespace(char) ? ' ' : char));
    }
    if (handleChineseChars) spaceChineseChars(normalized);
    if (stripAccents) {
      unicodeNormalize(normalized, 'NFD');
      normalized.filter((char) => !CharClass.nonspacingMark(char));
    }
    if (lower) lowercase(normalized);
  };
}

function isBertWhitespace(char: string): boolean {
  return char === '\t' || char === '\n' || char === '\r' || CharClass.whitespace(char);
}

function isBertControl(char: string): boolean {
  if (char === '\t' || char === '\n' || char === '\r') return false;
  return CharClass.other(char);
}

/** CJK Unified Ideographs and their extensions and compatibility blocks, as BERT defines them. */
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function spaceChineseChars(normalized: NormalizedString): void {
  const codePoints: number[] = [];
  const changes: number[] = [];
  let any = false;
  for (const char of normalized.text) {
    const cp = char.codePointAt(0) as number;
    if (isChineseChar(cp)) {
      any = true;
      codePoints.push(0x20, cp, 0x20);
      changes.push(0, 1, 1);
    } else {
      codePoints.push(cp);
      changes.push(0);
    }
  }
  if (any) normalized.transform({ codePoints, changes });
}

/**
 * Applies a Unicode normalization form with alignments. The text is cut into
 * segments of a base character and the marks after it. A segment that the form
 * changes is split further into the shortest runs of input characters that
 * normalize on their own to the next part of the output. A run's first output
 * character replaces the run, so it takes the alignment of the run's first
 * character, and further output characters count as inserted. Output that no
 * such split explains (marks reordered across runs) is aligned by position. This
 * reproduces the Rust library's offsets for composition, decomposition and reordering.
 */
function unicodeNormalize(normalized: NormalizedString, form: UnicodeForm): void {
  const text = normalized.text;
  if (text.normalize(form) === text) return;
  const codePoints: number[] = [];
  const changes: number[] = [];
  const segment: string[] = [];
  const flush = (): void => {
    if (segment.length > 0) appendSegment(segment, form, codePoints, changes);
    segment.length = 0;
  };
  for (const char of text) {
    if (segment.length > 0 && !continuesSegment(char)) flush();
    segment.push(char);
  }
  flush();
  normalized.transform({ codePoints, changes } satisfies Transformation);
}

/**
 * Marks and conjoining Hangul vowels and finals combine with what comes before.
 * NOTE: a composition that joins two non-mark characters outside Hangul would cross
 * segments and keep its parts' separate alignments. String.prototype.normalize also
 * follows the engine's Unicode version, which may differ from the Rust crate's.
 */
function continuesSegment(char: string): boolean {
  const cp = char.codePointAt(0) as number;
  return CharClass.mark(char) || (cp >= 0x1160 && cp <= 0x11ff);
}

function appendSegment(segment: string[], form: UnicodeForm, codePoints: number[], changes: number[]): void {
  const input = segment.join('');
  const output = input.normalize(form);
  if (output === input) {
    for (const char of segment) {
      codePoints.push(char.codePointAt(0) as number);
      changes.push(0);
    }
    return;
  }
  let at = 0; // code units of `output` already emitted
  let i = 0;
  while (i < segment.length) {
    let runEnd = -1;
    let head = '';
    for (let j = i + 1; j <= segment.length; j++) {
      head = segment.slice(i, j).join('').normalize(form);
      const rest = segment.slice(j).join('').normalize(form);
      if (head.length > 0 && output.startsWith(head, at) && output.slice(at + head.length) === rest) {
        runEnd = j;
        break;
      }
    }
    if (runEnd < 0) break;
    let first = true;
    for (const char of head) {
      codePoints.push(char.codePointAt(0) as number);
      changes.push(first ? -(runEnd - i - 1) : 1);
      first = false;
    }
    at += head.length;
    i = runEnd;
  }
  if (i < segment.length) appendByPosition(segment.slice(i), [...output.slice(at)], codePoints, changes);
}

/** Output character k replaces input character k; extra output is inserted, extra input removed. */
function appendByPosition(segment: string[], output: string[], codePoints: number[], changes: number[]): void {
  const n = segment.length;
  const m = output.length;
  for (let k = 0; k < m; k++) {
    codePoints.push(output[k].codePointAt(0) as number);
    if (k >= n) changes.push(1);
    else if (k === m - 1 && m < n) changes.push(-(n - m));
    else changes.push(0);
  }
}
