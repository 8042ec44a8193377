/**
 * Post-processors from tokenizer.json: they add the model's special tokens (BOS,
 * CLS, SEP) and, for byte-level models, may trim spaces from offsets. Behaviour
 * follows the Rust library's processors/*.rs for a single sequence.
 */
import { TokenizerError } from '../engine/errors';
import { asObject, optionalBoolean, requireString } from './json';

/** A token during encoding; start = end = -1 for tokens a post-processor adds. */
export interface EncodedToken {
  id: number;
  /** The vocabulary string of the token. */
  value: string;
  start: number;
  end: number;
  special: boolean;
}

/** Processes the tokens of `text` (the input, which byte-level offset trimming needs). */
export type PostProcessor = (tokens: EncodedToken[], addSpecialTokens: boolean, text: string) => EncodedToken[];

export const SUPPORTED_POST_PROCESSORS = ['TemplateProcessing', 'BertProcessing', 'RobertaProcessing', 'ByteLevel', 'Sequence'];

/** Builds the post-processor described by a tokenizer.json `post_processor` value. */
export function buildPostProcessor(value: unknown, where = 'post_processor'): PostProcessor {
  const spec = asObject(value, where);
  const type = requireString(spec, 'type', where);
  switch (type) {
    case 'TemplateProcessing':
      return templateProcessing(spec, where);
    case 'BertProcessing': {
      const [cls, sep] = [idPair(spec.cls, `${where}.cls`), idPair(spec.sep, `${where}.sep`)];
      return (tokens, add) => (add ? [added(cls), ...tokens, added(sep)] : tokens);
    }
    case 'RobertaProcessing': {
      const [cls, sep] = [idPair(spec.cls, `${where}.cls`), idPair(spec.sep, `${where}.sep`)];
      const trim = optionalBoolean(spec, 'trim_offsets', where) ?? true;
      const prefixSpace = optionalBoolean(spec, 'add_prefix_space', where) ?? true;
      return (tokens, add, text) => {
        if (trim) trimOffsets(tokens, prefixSpace, text);
        return add ? [added(cls), ...tokens, added(sep)] : tokens;
      };
    }
    case 'ByteLevel': {
      const trim = optionalBoolean(spec, 'trim_offsets', where) ?? true;
      const prefixSpace = optionalBoolean(spec, 'add_prefix_space', where) ?? true;
      return (tokens, _add, text) => {
        if (trim) trimOffsets(tokens, prefixSpace, text);
        return tokens;
      };
    }
    case 'Sequence': {
      const list = spec.processors;
      if (!Array.isArray(list)) throw new TokenizerError(`${where}: a Sequence post-processor needs a "processors" array.`);
      const steps = list.map((item, i) => buildPostProcessor(item, `${where}.processors[${i}]`));
      return (tokens, add, text) => steps.reduce((current, step) => step(current, add, text), tokens);
    }
    default:
      throw new TokenizerError(
        `${where}: the post-processor type "${type}" is not supported. Supported types: ${SUPPORTED_POST_PROCESSORS.join(', ')}.`,
      );
  }
}

/** Builds a template that puts BOS and EOS (either may be null) around the sequence, as the Llama tokenizer flags ask. */
export function bosEosTemplate(bos: { id: number; value: string } | null, eos: { id: number; value: string } | null): PostProcessor {
  return (tokens, add) => {
    if (!add) return tokens;
    return [...(bos ? [added(bos)] : []), ...tokens, ...(eos ? [added(eos)] : [])];
  };
}

function added(token: { id: number; value: string }): EncodedToken {
  return { id: token.id, value: token.value, start: -1, end: -1, special: true };
}

function idPair(value: unknown, where: string): { id: number; value: string } {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'number') {
    throw new TokenizerError(`${where}: expected ["token", id], found ${JSON.stringify(value)}.`);
  }
  return { value: value[0], id: value[1] };
}

/** TemplateProcessing, single-sequence template: `SpecialToken` pieces around `Sequence` A. */
function templateProcessing(spec: Record<string, unknown>, where: string): PostProcessor {
  const single = spec.single;
  if (!Array.isArray(single)) throw new TokenizerError(`${where}.single: expected an array of template pieces.`);
  const specialTokens = asObject(spec.special_tokens ?? {}, `${where}.special_tokens`);
  type Step = { kind: 'sequence' } | { kind: 'special'; tokens: { id: number; value: string }[] };
  const steps: Step[] = single.map((item, i) => {
    const piece = asObject(item, `${where}.single[${i}]`);
    if ('Sequence' in piece) {
      const id = asObject(piece.Sequence, `${where}.single[${i}].Sequence`).id;
      if (id !== 'A') throw new TokenizerError(`${where}.single[${i}]: a single-sequence template can only use sequence A, found ${JSON.stringify(id)}.`);
      return { kind: 'sequence' };
    }
    if ('SpecialToken' in piece) {
      const name = requireString(asObject(piece.SpecialToken, `${where}.single[${i}].SpecialToken`), 'id', `${where}.single[${i}].SpecialToken`);
      const entry = asObject(specialTokens[name], `${where}.special_tokens[${JSON.stringify(name)}]`);
      const ids = entry.ids;
      const values = entry.tokens;
      if (!Array.isArray(ids) || !Array.isArray(values) || ids.length !== values.length) {
        throw new TokenizerError(`${where}.special_tokens[${JSON.stringify(name)}]: "ids" and "tokens" must be arrays of the same length.`);
      }
      return { kind: 'special', tokens: ids.map((id, k) => ({ id: Number(id), value: String(values[k]) })) };
    }
    throw new TokenizerError(`${where}.single[${i}]: expected a Sequence or SpecialToken piece, found ${JSON.stringify(item)}.`);
  });
  return (tokens, add) => {
    if (!add) return tokens;
    const out: EncodedToken[] = [];
    for (const step of steps) {
      if (step.kind === 'sequence') for (const token of tokens) out.push(token);
      else for (const token of step.tokens) out.push(added(token));
    }
    return out;
  };
}

/**
 * Moves offsets past the leading and trailing spaces ('Ġ') of byte-level tokens,
 * except the one space add_prefix_space put before the first token. The Rust
 * library's encode() does this arithmetic on offsets counted in code points, and
 * so does this function. It matters for the prefix space, which shares the range
 * of the character after it.
 */
function trimOffsets(tokens: EncodedToken[], addPrefixSpace: boolean, text: string): void {
  let offsets: CodePointOffsets | null = null;
  tokens.forEach((token, i) => {
    if (token.start < 0) return;
    const chars = [...token.value];
    let leading = 0;
    while (leading < chars.length && isTrimmedSpace(chars[leading])) leading++;
    let trailing = 0;
    while (trailing < chars.length && isTrimmedSpace(chars[chars.length - 1 - trailing])) trailing++;
    if (leading === 0 && trailing === 0) return;
    offsets ??= new CodePointOffsets(text);
    let start = offsets.toCodePoint(token.start);
    let end = offsets.toCodePoint(token.end);
    if (leading > 0) {
      const isFirst = i === 0 || token.start === 0;
      if (isFirst && addPrefixSpace && leading === 1) leading = 0;
      start = Math.min(start + leading, end);
    }
    if (trailing > 0 && end >= trailing) end = Math.max(end - trailing, start);
    token.start = offsets.toUnit(start);
    token.end = offsets.toUnit(end);
  });
}

/** Converts between UTF-16 code unit offsets and code point offsets of one text. */
class CodePointOffsets {
  /** [text.length + 1] code point index at each code unit (a low surrogate maps to its pair). */
  private readonly codePoints: Int32Array;
  /** [code point count + 1] code unit offset of each code point. */
  private readonly units: Int32Array;

  constructor(text: string) {
    this.codePoints = new Int32Array(text.length + 1);
    const units: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const width = (text.codePointAt(i) as number) > 0xffff ? 2 : 1;
      for (let k = 0; k < width; k++) this.codePoints[i + k] = units.length;
      units.push(i);
      i += width - 1;
    }
    this.codePoints[text.length] = units.length;
    units.push(text.length);
    this.units = Int32Array.from(units);
  }

  toCodePoint(unit: number): number {
    return this.codePoints[unit];
  }

  toUnit(codePoint: number): number {
    return this.units[Math.min(codePoint, this.units.length - 1)];
  }
}

function isTrimmedSpace(char: string): boolean {
  return char === '\u0120' || /^\p{White_Space}$/u.test(char);
}
