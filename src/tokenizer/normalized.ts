/**
 * A string under normalization that keeps, for every UTF-16 code unit of the
 * normalized text, the range of the original input it came from. This follows
 * NormalizedString in the Rust Hugging Face tokenizers library (tokenizer/normalizer.rs).
 * That one aligns bytes. Aligning code units gives the same token offsets, because
 * every code unit of one character shares that character's alignment.
 */

/** Treatment of the matches of a split pattern, as named in tokenizer.json. */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** One piece of a text: [start, end) in code units, and whether a pattern matched it. */
export interface MatchSpan {
  readonly start: number;
  readonly end: number;
  readonly isMatch: boolean;
}

/**
 * New characters for `transform`, as parallel arrays. `changes[i]` is 0 when the
 * character replaces the next input character, 1 when it is inserted, and -n when
 * it replaces the next input character and the n characters after it are removed.
 */
export interface Transformation {
  readonly codePoints: number[];
  readonly changes: number[];
}

export class NormalizedString {
  /** Normalized text. */
  text: string;
  /** [text.length] original start offset (UTF-16) of each normalized code unit. */
  starts: Int32Array;
  /** [text.length] original end offset (UTF-16), exclusive. */
  ends: Int32Array;
  /** Original offset where this piece begins, also when its text is empty. */
  originalStart: number;

  constructor(text: string, starts: Int32Array, ends: Int32Array, originalStart: number) {
    this.text = text;
    this.starts = starts;
    this.ends = ends;
    this.originalStart = originalStart;
  }

  /** Wraps an input text; each code unit is aligned to itself, a surrogate pair to both its units. */
  static fromOriginal(text: string, offset = 0): NormalizedString {
    const starts = new Int32Array(text.length);
    const ends = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const width = isPairAt(text, i) ? 2 : 1;
      for (let k = 0; k < width; k++) {
        starts[i + k] = offset + i;
        ends[i + k] = offset + i + width;
      }
      i += width - 1;
    }
    return new NormalizedString(text, starts, ends, offset);
  }

  get length(): number {
    return this.text.length;
  }

  /** Original range of the whole piece. */
  originalRange(): [number, number] {
    if (this.text.length === 0) return [this.originalStart, this.originalStart];
    return [this.starts[0], this.ends[this.text.length - 1]];
  }

  /** Original range of normalized code units [start, end); an empty range maps to its start. */
  originalRangeOf(start: number, end: number): [number, number] {
    if (start >= end) {
      const at = start < this.text.length ? this.starts[start] : this.originalRange()[1];
      return [at, at];
    }
    return [this.starts[start], this.ends[end - 1]];
  }

  /** Returns the normalized code units [start, end) with their alignments. */
  slice(start: number, end: number): NormalizedString {
    const originalStart = start < this.text.length ? this.starts[start] : this.originalRange()[1];
    return new NormalizedString(
      this.text.slice(start, end),
      this.starts.subarray(start, end),
      this.ends.subarray(start, end),
      originalStart,
    );
  }

  /**
   * Replaces the text with new characters, keeping alignments: a replacing character
   * takes the alignment of the character it replaces, an inserted one the alignment of
   * the code unit before it (or an empty range at the start). `initialRemoved` input
   * characters at the very start are dropped.
   */
  transform(transformation: Transformation, initialRemoved = 0): void {
    const { codePoints, changes } = transformation;
    const source = this.text;
    const parts: string[] = [];
    let outLength = 0;
    for (const cp of codePoints) outLength += cp > 0xffff ? 2 : 1;
    const starts = new Int32Array(outLength);
    const ends = new Int32Array(outLength);

    let position = 0;
    for (let i = 0; i < initialRemoved && position < source.length; i++) position += unitWidthAt(source, position);

    let out = 0;
    let chunk = '';
    for (let i = 0; i < codePoints.length; i++) {
      const change = changes[i];
      let alignStart: number;
      let alignEnd: number;
      if (change > 0) {
        if (position < 1) {
          alignStart = this.originalStart;
          alignEnd = this.originalStart;
        } else {
          alignStart = this.starts[position - 1];
          alignEnd = this.ends[position - 1];
        }
      } else {
        alignStart = this.starts[position];
        alignEnd = this.ends[position];
        position += unitWidthAt(source, position);
        for (let removed = 0; removed < -change && position < source.length; removed++) {
          position += unitWidthAt(source, position);
        }
      }
      const cp = codePoints[i];
      const width = cp > 0xffff ? 2 : 1;
      for (let k = 0; k < width; k++) {
        starts[out] = alignStart;
        ends[out] = alignEnd;
        out++;
      }
      chunk += String.fromCodePoint(cp);
      if (chunk.length > 4096) {
        parts.push(chunk);
        chunk = '';
      }
    }
    parts.push(chunk);
    if (this.text.length > 0 && outLength === 0) this.originalStart = this.originalRange()[0];
    this.text = parts.join('');
    this.starts = starts;
    this.ends = ends;
  }

  /**
   * Maps each character to one or more characters; extra ones count as inserted.
   * A mapping to the empty string keeps the character (use filter to remove).
   */
  mapChars(mapper: (char: string) => string): void {
    let any = false;
    for (const char of this.text) {
      if (mapper(char) !== char) {
        any = true;
        break;
      }
    }
    if (!any) return;
    const codePoints: number[] = [];
    const changes: number[] = [];
    for (const char of this.text) {
      const mapped = mapper(char) || char;
      let first = true;
      for (const out of mapped) {
        codePoints.push(out.codePointAt(0) as number);
        changes.push(first ? 0 : 1);
        first = false;
      }
    }
    this.transform({ codePoints, changes });
  }

  /** Keeps the characters for which `keep` is true; removed ones fold into the kept one before them. */
  filter(keep: (char: string) => boolean): void {
    let any = false;
    for (const char of this.text) {
      if (!keep(char)) {
        any = true;
        break;
      }
    }
    if (!any) return;

    const codePoints: number[] = [];
    const changes: number[] = [];
    let removed = 0;
    let initialRemoved = 0;
    let last = -1;
    let anyRemoved = false;
    for (const char of this.text) {
      if (keep(char)) {
        if (last >= 0) {
          codePoints.push(last);
          changes.push(-removed);
        } else {
          initialRemoved = removed;
        }
        last = char.codePointAt(0) as number;
        removed = 0;
      } else {
        removed++;
        anyRemoved = true;
      }
    }
    if (!anyRemoved) return;

    if (last >= 0) {
      codePoints.push(last);
      changes.push(-removed);
    }
    this.transform({ codePoints, changes }, initialRemoved);
  }

  /** Inserts `prefix` before the first character, sharing that character's alignment. */
  prepend(prefix: string): void {
    if (this.text.length === 0) return;
    const first = this.text.codePointAt(0) as number;
    const firstWidth = first > 0xffff ? 2 : 1;
    const prefixPoints = [...prefix].map((char) => char.codePointAt(0) as number);
    const head = new NormalizedString(
      this.text.slice(0, firstWidth),
      this.starts.subarray(0, firstWidth),
      this.ends.subarray(0, firstWidth),
      this.originalStart,
    );
    head.transform({
      codePoints: [...prefixPoints, first],
      changes: [...prefixPoints.map((_, i) => (i === 0 ? 0 : 1)), 1],
    });
    this.text = head.text + this.text.slice(firstWidth);
    this.starts = concatInt32([head.starts, this.starts.subarray(firstWidth)]);
    this.ends = concatInt32([head.ends, this.ends.subarray(firstWidth)]);
  }

  /**
   * Replaces every match with `content`. Each new character takes the alignment
   * of the last code unit of its match; empty content removes the match.
   */
  replace(matches: MatchSpan[], content: string): void {
    const contentUnits = content.length;
    const parts: string[] = [];
    const startParts: Int32Array[] = [];
    const endParts: Int32Array[] = [];
    let last = 0;
    for (const { start, end, isMatch } of matches) {
      if (!isMatch) continue;
      parts.push(this.text.slice(last, start));
      startParts.push(this.starts.subarray(last, start));
      endParts.push(this.ends.subarray(last, start));
      if (contentUnits > 0) {
        let alignStart = this.originalStart;
        let alignEnd = this.originalStart;
        if (end >= 1) {
          alignStart = this.starts[end - 1];
          alignEnd = this.ends[end - 1];
        }
        parts.push(content);
        startParts.push(new Int32Array(contentUnits).fill(alignStart));
        endParts.push(new Int32Array(contentUnits).fill(alignEnd));
      }
      last = end;
    }
    parts.push(this.text.slice(last));
    startParts.push(this.starts.subarray(last));
    endParts.push(this.ends.subarray(last));
    this.text = parts.join('');
    this.starts = concatInt32(startParts);
    this.ends = concatInt32(endParts);
  }

  /** Removes leading and/or trailing White_Space characters. */
  strip(left: boolean, right: boolean): void {
    const chars = [...this.text];
    let leading = 0;
    if (left) while (leading < chars.length && WHITESPACE.test(chars[leading])) leading++;
    let trailing = 0;
    if (right) while (trailing < chars.length - leading && WHITESPACE.test(chars[chars.length - 1 - trailing])) trailing++;
    if (leading === 0 && trailing === 0) return;
    const codePoints: number[] = [];
    const changes: number[] = [];
    for (let i = leading; i < chars.length - trailing; i++) {
      codePoints.push(chars[i].codePointAt(0) as number);
      changes.push(i === chars.length - trailing - 1 ? -trailing : 0);
    }
    this.transform({ codePoints, changes }, leading);
  }

  /** Splits on pattern matches with the given behavior; empty pieces are dropped. */
  split(matches: MatchSpan[], behavior: SplitBehavior): NormalizedString[] {
    const pieces: { start: number; end: number; remove: boolean }[] = [];
    switch (behavior) {
      case 'Isolated':
        for (const { start, end } of matches) pieces.push({ start, end, remove: false });
        break;
      case 'Removed':
        for (const { start, end, isMatch } of matches) pieces.push({ start, end, remove: isMatch });
        break;
      case 'Contiguous': {
        let previousMatch = false;
        for (const { start, end, isMatch } of matches) {
          const lastPiece = pieces[pieces.length - 1];
          if (isMatch === previousMatch && lastPiece) lastPiece.end = end;
          else pieces.push({ start, end, remove: false });
          previousMatch = isMatch;
        }
        break;
      }
      case 'MergedWithPrevious': {
        let previousMatch = false;
        for (const { start, end, isMatch } of matches) {
          const lastPiece = pieces[pieces.length - 1];
          if (isMatch && !previousMatch && lastPiece) lastPiece.end = end;
          else pieces.push({ start, end, remove: false });
          previousMatch = isMatch;
        }
        break;
      }
      case 'MergedWithNext': {
        let previousMatch = false;
        for (let i = matches.length - 1; i >= 0; i--) {
          const { start, end, isMatch } = matches[i];
          const lastPiece = pieces[pieces.length - 1];
          if (isMatch && !previousMatch && lastPiece) lastPiece.start = start;
          else pieces.push({ start, end, remove: false });
          previousMatch = isMatch;
        }
        pieces.reverse();
        break;
      }
    }
    const out: NormalizedString[] = [];
    for (const { start, end, remove } of pieces) {
      if (!remove && end > start) out.push(this.slice(start, end));
    }
    return out;
  }
}

/** Unicode White_Space, as Rust's char::is_whitespace. */
export const WHITESPACE = /^\p{White_Space}$/u;

function isPairAt(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff || i + 1 >= text.length) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}

function unitWidthAt(text: string, i: number): number {
  return isPairAt(text, i) ? 2 : 1;
}

function concatInt32(arrays: Int32Array[]): Int32Array {
  let length = 0;
  for (const array of arrays) length += array.length;
  const out = new Int32Array(length);
  let at = 0;
  for (const array of arrays) {
    out.set(array, at);
    at += array.length;
  }
  return out;
}
