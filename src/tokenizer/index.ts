/**
 * Tokenizer from a Hugging Face tokenizer.json (and tokenizer_config.json), with
 * each token's range in the input. The pipeline is the Rust library's: added tokens
 * are split out, the rest is normalized, pre-tokenized into words and tokenized by
 * the model, then the post-processor adds special tokens. A NormalizedString carries
 * the alignment from normalized text back to the input through every step.
 *
 * No Node, DOM or `vscode` imports: this runs in a worker under Node and in a Web Worker.
 */
import { TokenizerError } from '../engine/errors';
import { TokenFlag, type TokenTable } from '../protocol';
import { AddedTokenMatcher, readAddedTokens, type AddedToken, type Piece } from './added_tokens';
import { asObject, describe, type JsonObject } from './json';
import { labelToken, type Label, type LabelStyle } from './labels';
import { buildModel, type Model } from './models';
import { NormalizedString } from './normalized';
import { buildNormalizer, type Normalizer } from './normalizers';
import { bosEosTemplate, buildPostProcessor, type EncodedToken, type PostProcessor } from './post_processors';
import { buildPreTokenizer, type PreTokenizer } from './pre_tokenizers';

export interface EncodeOptions {
  /** Add the post-processor's special tokens (BOS, CLS, SEP). Default true. */
  readonly addSpecialTokens?: boolean;
}

/** tokenizer_config.json classes whose add_bos_token and add_eos_token flags rebuild the template, as in transformers. */
const BOS_EOS_FLAG_CLASSES = /^(Llama|CodeLlama|Gemma)Tokenizer(Fast)?$/;

export class Tokenizer {
  /** Number of distinct ids: the model's vocabulary and the added tokens outside it. */
  readonly vocabSize: number;

  private readonly model: Model;
  private readonly normalizer: Normalizer | null;
  private readonly preTokenizer: PreTokenizer | null;
  private readonly postProcessor: PostProcessor | null;
  private readonly originalMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly idToValue = new Map<number, string>();
  private readonly specialIds = new Set<number>();
  private readonly labelStyle: LabelStyle;
  private readonly byteFallback: boolean;
  private readonly labelCache = new Map<number, Label>();

  private constructor(json: JsonObject, config: JsonObject | null) {
    if (json.model === undefined || json.model === null) {
      throw new TokenizerError('tokenizer.json has no "model". It must come from the Hugging Face tokenizers library (Tokenizer.save).');
    }
    // NOTE: "truncation" and "padding" are ignored (the engine truncates to the model's
    // positions itself), and templates are read for a single sequence only.
    this.model = buildModel(json.model);
    this.normalizer = json.normalizer ? buildNormalizer(json.normalizer) : null;
    this.preTokenizer = json.pre_tokenizer ? buildPreTokenizer(json.pre_tokenizer) : null;
    this.postProcessor = json.post_processor ? buildPostProcessor(json.post_processor) : null;

    for (const [value, id] of this.model.vocab) this.idToValue.set(id, value);
    const addedTokens = assignAddedIds(readAddedTokens(json.added_tokens), this.model.vocab);
    for (const token of addedTokens) {
      this.idToValue.set(token.id, token.content);
      if (token.special) this.specialIds.add(token.id);
    }
    this.vocabSize = this.idToValue.size;

    const original = new Map<string, AddedToken>();
    const normalized = new Map<string, AddedToken>();
    for (const token of addedTokens) {
      if (!token.normalized) original.set(token.content, token);
      else normalized.set(this.normalizeText(token.content), token);
    }
    this.originalMatcher = new AddedTokenMatcher(original);
    this.normalizedMatcher = new AddedTokenMatcher(normalized);

    this.labelStyle = containsType(json.pre_tokenizer, 'ByteLevel') || containsType(json.decoder, 'ByteLevel') ? 'byteLevel' : 'text';
    this.byteFallback = asObject(json.model, 'model').byte_fallback === true;
    if (config) this.postProcessor = this.applyConfig(config) ?? this.postProcessor;
  }

  /**
   * Builds a tokenizer from the text of tokenizer.json and, optionally, of
   * tokenizer_config.json. Throws TokenizerError for invalid JSON, a missing model
   * or an unsupported component (the message names the type and lists the supported ones).
   */
  static fromJson(tokenizerJson: string, tokenizerConfigJson?: string): Tokenizer {
    const json = asObject(parseJson(tokenizerJson, 'tokenizer.json'), 'tokenizer.json');
    const config = tokenizerConfigJson === undefined ? null : asObject(parseJson(tokenizerConfigJson, 'tokenizer_config.json'), 'tokenizer_config.json');
    return new Tokenizer(json, config);
  }

  /** Tokenizes `text`; offsets in the table are UTF-16 code units of `text`. */
  encode(text: string, options: EncodeOptions = {}): TokenTable {
    const tokens: EncodedToken[] = [];
    for (const piece of this.splitAddedTokens(text)) {
      if (piece.addedToken) {
        const [start, end] = piece.text.originalRange();
        const token = piece.addedToken;
        tokens.push({ id: token.id, value: token.content, start, end, special: token.special });
        continue;
      }
      const words = this.preTokenizer ? this.preTokenizer([piece.text]) : [piece.text];
      for (const word of words) {
        for (const token of this.model.tokenize(word.text)) {
          const [start, end] = word.originalRangeOf(token.start, token.end);
          tokens.push({ id: token.id, value: this.idToValue.get(token.id) ?? '', start, end, special: false });
        }
      }
    }
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const processed = this.postProcessor ? this.postProcessor(tokens, addSpecialTokens, text) : tokens;
    return this.toTable(processed);
  }

  /** Returns the readable label of a token id (partial characters appear as <0xNN>). */
  decodeLabel(id: number): string {
    const value = this.idToValue.get(id);
    if (value === undefined) throw new TokenizerError(`Token id ${id} is not in the vocabulary (size ${this.vocabSize}).`);
    if (this.specialIds.has(id)) return value;
    return labelToken(value, this.labelStyle, this.byteFallback).label;
  }

  /** Added tokens in the original text, then normalization, then added tokens in the normalized text. */
  private splitAddedTokens(text: string): Piece[] {
    const pieces: Piece[] = [];
    for (const piece of this.originalMatcher.split(NormalizedString.fromOriginal(text))) {
      if (piece.addedToken) {
        pieces.push(piece);
        continue;
      }
      if (this.normalizer) this.normalizer(piece.text);
      for (const part of this.normalizedMatcher.split(piece.text)) {
        if (part.addedToken || part.text.length > 0) pieces.push(part);
      }
    }
    return pieces;
  }

  private normalizeText(text: string): string {
    if (!this.normalizer) return text;
    const normalized = NormalizedString.fromOriginal(text);
    this.normalizer(normalized);
    return normalized.text;
  }

  private toTable(tokens: EncodedToken[]): TokenTable {
    const count = tokens.length;
    const ids = new Int32Array(count); // [count]
    const starts = new Int32Array(count); // [count]
    const ends = new Int32Array(count); // [count]
    const flags = new Uint8Array(count); // [count]
    const labels: string[] = [];
    tokens.forEach((token, i) => {
      ids[i] = token.id;
      starts[i] = token.start;
      ends[i] = token.end;
      if (token.special) {
        flags[i] = TokenFlag.Special;
        labels.push(token.value);
        return;
      }
      const { label, partial } = this.labelOf(token.id, token.value);
      if (partial) flags[i] |= TokenFlag.PartialCharacter;
      labels.push(label);
    });
    return { count, ids, starts, ends, flags, labels };
  }

  /** Labels a model token, caching by id because a text repeats its tokens. */
  private labelOf(id: number, value: string): Label {
    let label = this.labelCache.get(id);
    if (label === undefined) {
      label = labelToken(value, this.labelStyle, this.byteFallback);
      this.labelCache.set(id, label);
    }
    return label;
  }

  /**
   * Reads the special-token settings of tokenizer_config.json. transformers rebuilds
   * the template from add_bos_token and add_eos_token only for the Llama-family
   * classes. For other classes, tokenizer.json's post-processor is used.
   */
  private applyConfig(config: JsonObject): PostProcessor | null {
    const tokenizerClass = typeof config.tokenizer_class === 'string' ? config.tokenizer_class : '';
    if (!BOS_EOS_FLAG_CLASSES.test(tokenizerClass)) return null;
    const addBos = config.add_bos_token;
    const addEos = config.add_eos_token;
    if (typeof addBos !== 'boolean' && typeof addEos !== 'boolean') return null;
    const bos = addBos === false ? null : this.configToken(config, 'bos_token', addBos === true);
    const eos = addEos === true ? this.configToken(config, 'eos_token', true) : null;
    return bosEosTemplate(bos, eos);
  }

  private configToken(config: JsonObject, key: string, required: boolean): { id: number; value: string } | null {
    const raw = config[key];
    // The value is a string or an AddedToken object with a "content" field.
    let content: unknown = raw;
    if (raw !== null && typeof raw === 'object') content = (raw as JsonObject).content;
    if (typeof content !== 'string') {
      if (!required) return null;
      throw new TokenizerError(`tokenizer_config.json: ${key} is needed by add_${key} but is ${describe(raw)}.`);
    }
    for (const [id, value] of this.idToValue) if (value === content) return { id, value };
    throw new TokenizerError(`tokenizer_config.json: ${key} ${JSON.stringify(content)} is not in tokenizer.json's vocabulary.`);
  }
}

/**
 * Gives added tokens the ids the Rust library gives them on load: the id of the same
 * string in the model's vocabulary, or else the next id after the vocabulary. The
 * `id` written in tokenizer.json is not used (the Rust library only warns when it differs).
 */
function assignAddedIds(tokens: AddedToken[], vocab: ReadonlyMap<string, number>): AddedToken[] {
  const assigned = new Map<string, AddedToken>();
  let nextId = vocab.size;
  for (const token of tokens) {
    if (token.content.length === 0) continue;
    const known = assigned.get(token.content)?.id ?? vocab.get(token.content);
    const id = known ?? nextId++;
    assigned.set(token.content, { ...token, id });
  }
  return [...assigned.values()];
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TokenizerError(`${file} is not valid JSON (${reason}). Check that the file is complete.`);
  }
}

/** True if a component, or any component nested in its Sequence, has the given type. */
function containsType(value: unknown, type: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => containsType(item, type));
  const spec = value as JsonObject;
  if (spec.type === type) return true;
  return ['pretokenizers', 'decoders', 'processors', 'normalizers'].some((key) => containsType(spec[key], type));
}
