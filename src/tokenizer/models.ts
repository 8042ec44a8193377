/**
 * Tokenization models from tokenizer.json: BPE and WordPiece. Each turns one word
 * (a pre-tokenized piece) into tokens whose ranges are code units of that piece.
 * Behaviour follows the Rust library's models/bpe and models/wordpiece.
 */
import { TokenizerError } from '../engine/errors';
import { asObject, optionalBoolean, optionalNumber, optionalString, type JsonObject } from './json';

export interface ModelToken {
  readonly id: number;
  /** Start in code units of the word. */
  readonly start: number;
  /** End in code units of the word, exclusive. */
  readonly end: number;
}

export interface Model {
  readonly vocab: ReadonlyMap<string, number>;
  tokenize(word: string): ModelToken[];
}

export const SUPPORTED_MODELS = ['BPE', 'WordPiece'];

export function buildModel(value: unknown): Model {
  const where = 'model';
  const spec = asObject(value, where);
  // Files written before the Rust library added "type" still have a BPE or WordPiece shape.
  let type = 'merges' in spec ? 'BPE' : 'WordPiece';
  if (typeof spec.type === 'string') type = spec.type;
  switch (type) {
    case 'BPE':
      return new BpeModel(spec);
    case 'WordPiece':
      return new WordPieceModel(spec);
    default:
      throw new TokenizerError(`model: the model type "${type}" is not supported. Supported types: ${SUPPORTED_MODELS.join(', ')}.`);
  }
}

function readVocab(spec: JsonObject, where: string): Map<string, number> {
  const vocab = asObject(spec.vocab, `${where}.vocab`);
  const map = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizerError(`${where}.vocab: the id of ${JSON.stringify(token)} must be a non-negative integer, found ${JSON.stringify(id)}.`);
    }
    map.set(token, id);
  }
  return map;
}

const UTF8 = new TextEncoder();

/** Maximum number of words in the BPE cache before it is cleared (the Rust library's default). */
const CACHE_CAPACITY = 10000;
/** Words at least this long (code units) are not cached. */
const CACHE_MAX_WORD = 256;

class BpeModel implements Model {
  readonly vocab: Map<string, number>;
  /** Pair key (left id * 2^21 + right id, fits in a double) to rank and merged id. */
  private readonly merges = new Map<number, { rank: number; id: number }>();
  private readonly unkToken: string | null;
  /** Id of unk_token, or -1. The Rust library rejects a missing one only when a word needs it. */
  private readonly unkId: number;
  private readonly continuingPrefix: string | null;
  private readonly endSuffix: string | null;
  private readonly fuseUnk: boolean;
  private readonly byteFallback: boolean;
  private readonly ignoreMerges: boolean;
  private readonly byteIds: Int32Array;
  private readonly cache = new Map<string, ModelToken[]>();

  constructor(spec: JsonObject) {
    const where = 'model';
    const dropout = optionalNumber(spec, 'dropout', where);
    if (dropout !== null && dropout !== 0) {
      throw new TokenizerError(`model.dropout: BPE dropout (${dropout}) makes tokenization random and is not supported; set it to null.`);
    }
    this.vocab = readVocab(spec, where);
    this.continuingPrefix = optionalString(spec, 'continuing_subword_prefix', where) || null;
    this.endSuffix = optionalString(spec, 'end_of_word_suffix', where) || null;
    this.fuseUnk = optionalBoolean(spec, 'fuse_unk', where) ?? false;
    this.byteFallback = optionalBoolean(spec, 'byte_fallback', where) ?? false;
    this.ignoreMerges = optionalBoolean(spec, 'ignore_merges', where) ?? false;
    this.unkToken = optionalString(spec, 'unk_token', where);
    this.unkId = this.unkToken === null ? -1 : this.vocab.get(this.unkToken) ?? -1;
    this.byteIds = new Int32Array(256).fill(-1);
    for (let b = 0; b < 256; b++) {
      this.byteIds[b] = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? -1;
    }
    this.readMerges(spec.merges);
  }

  private readMerges(value: unknown): void {
    if (!Array.isArray(value)) throw new TokenizerError('model.merges: expected an array of "a b" strings or [a, b] pairs.');
    const prefixLength = this.continuingPrefix?.length ?? 0;
    value.forEach((merge, rank) => {
      let left: string;
      let right: string;
      if (typeof merge === 'string') {
        const space = merge.indexOf(' ', 1);
        if (space < 0) throw new TokenizerError(`model.merges[${rank}]: ${JSON.stringify(merge)} is not two tokens separated by a space.`);
        left = merge.slice(0, space);
        right = merge.slice(space + 1);
      } else if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') {
        [left, right] = merge;
      } else {
        throw new TokenizerError(`model.merges[${rank}]: expected "a b" or [a, b], found ${JSON.stringify(merge)}.`);
      }
      const leftId = this.vocab.get(left);
      const rightId = this.vocab.get(right);
      const merged = left + (prefixLength > 0 && right.startsWith(this.continuingPrefix as string) ? right.slice(prefixLength) : right);
      const mergedId = this.vocab.get(merged);
      if (leftId === undefined || rightId === undefined || mergedId === undefined) {
        let missing = merged;
        if (rightId === undefined) missing = right;
        if (leftId === undefined) missing = left;
        throw new TokenizerError(`model.merges[${rank}]: the token ${JSON.stringify(missing)} is not in the vocabulary.`);
      }
      const key = pairKey(leftId, rightId);
      if (!this.merges.has(key)) this.merges.set(key, { rank, id: mergedId });
    });
  }

  tokenize(word: string): ModelToken[] {
    if (word.length === 0) return [];
    if (this.ignoreMerges) {
      const id = this.vocab.get(word);
      if (id !== undefined) return [{ id, start: 0, end: word.length }];
    }
    const cached = this.cache.get(word);
    if (cached) return cached;
    const tokens = this.mergeWord(word);
    if (word.length < CACHE_MAX_WORD) {
      if (this.cache.size >= CACHE_CAPACITY) this.cache.clear();
      this.cache.set(word, tokens);
    }
    return tokens;
  }

  /** Splits a word into its initial symbols (characters, byte fallback or unknown), then merges. */
  private mergeWord(word: string): ModelToken[] {
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let unk: { start: number; end: number } | null = null;
    const flushUnk = (): void => {
      if (unk) {
        ids.push(this.unkId);
        starts.push(unk.start);
        ends.push(unk.end);
      }
      unk = null;
    };
    const chars = [...word];
    let position = 0;
    chars.forEach((char, i) => {
      const start = position;
      const end = position + char.length;
      position = end;
      let symbol = char;
      if (i > 0 && this.continuingPrefix) symbol = this.continuingPrefix + symbol;
      if (i === chars.length - 1 && this.endSuffix) symbol += this.endSuffix;
      const id = this.vocab.get(symbol);
      if (id !== undefined) {
        flushUnk();
        ids.push(id);
        starts.push(start);
        ends.push(end);
        return;
      }
      if (this.byteFallback) {
        const bytes = UTF8.encode(symbol);
        const byteIds = Array.from(bytes, (b) => this.byteIds[b]);
        if (byteIds.every((byteId) => byteId >= 0)) {
          // Every byte token of a character spans the whole character.
          flushUnk();
          for (const byteId of byteIds) {
            ids.push(byteId);
            starts.push(start);
            ends.push(end);
          }
          return;
        }
      }
      if (this.unkToken !== null) {
        if (this.unkId < 0) {
          throw new TokenizerError(
            `model.unk_token: ${JSON.stringify(this.unkToken)} is not in the vocabulary, but ${JSON.stringify(char)} needs it. Add it to model.vocab.`,
          );
        }
        if (unk && this.fuseUnk) unk.end = end;
        else {
          flushUnk();
          unk = { start, end };
        }
      }
    });
    flushUnk();
    return this.mergeSymbols(ids, starts, ends);
  }

  /** Applies merges lowest rank first (then leftmost), as Word::merge_all does with a heap. */
  private mergeSymbols(ids: number[], starts: number[], ends: number[]): ModelToken[] {
    const count = ids.length;
    const next = new Int32Array(count);
    const previous = new Int32Array(count);
    const alive = new Uint8Array(count).fill(1);
    for (let i = 0; i < count; i++) {
      next[i] = i + 1 < count ? i + 1 : -1;
      previous[i] = i - 1;
    }
    const heap = new MergeHeap();
    for (let i = 0; i + 1 < count; i++) {
      const merge = this.merges.get(pairKey(ids[i], ids[i + 1]));
      if (merge) heap.push(merge.rank, i, merge.id);
    }
    while (heap.size > 0) {
      const [, position, newId] = heap.pop();
      if (!alive[position] || next[position] < 0) continue;
      const right = next[position];
      const current = this.merges.get(pairKey(ids[position], ids[right]));
      if (!current || current.id !== newId) continue;

      ids[position] = newId;
      ends[position] = ends[right];
      alive[right] = 0;
      next[position] = next[right];
      if (next[right] >= 0) previous[next[right]] = position;

      const before = previous[position];
      if (before >= 0) {
        const merge = this.merges.get(pairKey(ids[before], ids[position]));
        if (merge) heap.push(merge.rank, before, merge.id);
      }
      const after = next[position];
      if (after >= 0) {
        const merge = this.merges.get(pairKey(ids[position], ids[after]));
        if (merge) heap.push(merge.rank, position, merge.id);
      }
    }
    const tokens: ModelToken[] = [];
    for (let i = 0; i >= 0 && i < count; i = next[i]) tokens.push({ id: ids[i], start: starts[i], end: ends[i] });
    return tokens;
  }
}

function pairKey(left: number, right: number): number {
  return left * 2097152 + right;
}

/** Binary min-heap of merges ordered by rank, then position. */
class MergeHeap {
  private readonly ranks: number[] = [];
  private readonly positions: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  private less(a: number, b: number): boolean {
    return this.ranks[a] < this.ranks[b] || (this.ranks[a] === this.ranks[b] && this.positions[a] < this.positions[b]);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b], this.ranks[a]];
    [this.positions[a], this.positions[b]] = [this.positions[b], this.positions[a]];
    [this.ids[a], this.ids[b]] = [this.ids[b], this.ids[a]];
  }

  push(rank: number, position: number, id: number): void {
    this.ranks.push(rank);
    this.positions.push(position);
    this.ids.push(id);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry: [rank, position, merged id]. */
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.ranks[0], this.positions[0], this.ids[0]];
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop();
    this.positions.pop();
    this.ids.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.ranks.length && this.less(left, smallest)) smallest = left;
      if (right < this.ranks.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }
}

/** Greedy longest-match-first WordPiece, with the unknown token for a word it cannot cover. */
class WordPieceModel implements Model {
  readonly vocab: Map<string, number>;
  private readonly unkId: number;
  private readonly prefix: string;
  private readonly maxChars: number;

  constructor(spec: JsonObject) {
    const where = 'model';
    this.vocab = readVocab(spec, where);
    const unkToken = optionalString(spec, 'unk_token', where) ?? '[UNK]';
    const unkId = this.vocab.get(unkToken);
    if (unkId === undefined) throw new TokenizerError(`model.unk_token: ${JSON.stringify(unkToken)} is not in the WordPiece vocabulary.`);
    this.unkId = unkId;
    this.prefix = optionalString(spec, 'continuing_subword_prefix', where) ?? '##';
    this.maxChars = optionalNumber(spec, 'max_input_chars_per_word', where) ?? 100;
  }

  tokenize(word: string): ModelToken[] {
    const chars = [...word];
    if (chars.length > this.maxChars) return [{ id: this.unkId, start: 0, end: word.length }];
    // [chars.length + 1] code-unit offset of each character boundary.
    const boundaries = [0];
    for (const char of chars) boundaries.push(boundaries[boundaries.length - 1] + char.length);
    const tokens: ModelToken[] = [];
    let startChar = 0;
    while (startChar < chars.length) {
      let endChar = chars.length;
      let found: ModelToken | null = null;
      while (startChar < endChar) {
        let piece = word.slice(boundaries[startChar], boundaries[endChar]);
        if (startChar > 0) piece = this.prefix + piece;
        const id = this.vocab.get(piece);
        if (id !== undefined) {
          found = { id, start: boundaries[startChar], end: boundaries[endChar] };
          break;
        }
        endChar--;
      }
      if (found === null) return [{ id: this.unkId, start: 0, end: word.length }];
      tokens.push(found);
      startChar = endChar;
    }
    return tokens;
  }
}
