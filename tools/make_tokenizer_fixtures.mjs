#!/usr/bin/env node
/**
 * Writes small tokenizers of each kind the engine supports, and the reference
 * token ids and offsets for a set of fixture texts, into test/fixtures/tokenizers/.
 *
 *   node tools/make_tokenizer_fixtures.mjs
 *
 * Each tokenizer.json has the structure of a real model's file: GPT-2, Llama 3 and
 * Qwen2, Llama 2 and TinyLlama, Mistral, BERT uncased. The vocabularies have a few
 * hundred entries, trained here by a small deterministic BPE trainer on the corpus
 * below. The reference is the npm package `tokenizers` (the Rust Hugging Face
 * library through napi), so the fixtures hold what the real library outputs. Its
 * offsets are counted in Unicode code points; this script converts them to UTF-16
 * code units, the unit the engine's token table uses.
 *
 * Outputs:
 *   <kind>/tokenizer.json, <kind>/tokenizer_config.json
 *   texts.json                  [{ name, text }]
 *   expected.json               { [kind or variant]: [{ ids, starts, ends, special }] }, one row per text
 *   variants.json               [{ name, base, patch, config? }]: a kind with one component replaced
 *
 * The output is deterministic: the same script and library version write the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from 'tokenizers';

const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'tokenizers');

// ---------------------------------------------------------------------------
// Training corpus (written for this project) and fixture texts
// ---------------------------------------------------------------------------

const CORPUS = `
Attention Inspector shows how a transformer model attends over the text you are editing.
Select some code or prose, run the command, and the panel draws every layer and every head.
Each token is a range in the document, so a highlight lands on the characters it came from.
The engine reads the model folder: config.json, the weights in safetensors, and tokenizer.json.
A forward pass keeps the queries and keys of each layer; a view asks for the heads it shows.
The quick brown fox jumps over the lazy dog. The lazy dog sleeps in the sun all afternoon.
We measure the time it takes, and we compare the patterns with the reference implementation.
When the text is longer than the model allows, the extension says how many tokens were dropped.
Numbers such as 1024, 2048, 3.14159 and 2026-12-04 appear in logs, tables and timestamps.
It's a small model, but it's trained here; we'll ship it with the extension. They've said so.
Café, naïve, résumé and façade keep their accents; Straße and Ærø are spelled as written.
日本語の文章と中文的句子也会出现。 Привет, мир! Γειά σου κόσμε. مرحبا بالعالم. שלום עולם.

export function softmaxRow(row: Float32Array, length: number): void {
  let max = -Infinity;
  for (let i = 0; i < length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const value = Math.exp(row[i] - max);
    row[i] = value;
    sum += value;
  }
  for (let i = 0; i < length; i++) row[i] /= sum;
}

export class TokenCache {
  private readonly entries = new Map<string, number[]>();
  get(word: string): number[] | undefined {
    return this.entries.get(word);
  }
  set(word: string, ids: number[]): void {
    if (this.entries.size > 10000) this.entries.clear();
    this.entries.set(word, ids);
  }
}

def attention(query, key, value, mask=None):
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask == 0, float("-inf"))
    return scores.softmax(dim=-1) @ value
`;

/** Fixture texts: each covers a case where tokenizers tend to differ. */
const TEXTS = [
  { name: 'code', text: 'function add(a, b) {\n  return a + b; // the sum\n}\n' },
  { name: 'prose', text: 'The quick brown fox jumps over the lazy dog. Attention is what the model reads.' },
  { name: 'contractions', text: "It's late, we'll see; they've GONE and I'M here. Don't." },
  { name: 'emoji', text: 'I \u2764\ufe0f tokens \u{1F600} \u{1F469}\u200d\u{1F4BB} \u{1F468}\u200d\u{1F469}\u200d\u{1F467} \u{1F1EB}\u{1F1F7}\u{1F1EF}\u{1F1F5} done' },
  { name: 'cjk', text: '日本語のテキストと中文文本。模型' },
  { name: 'combining', text: 'cafe\u0301 nai\u0308ve Cafe\u0301 r\u00e9sum\u00e9 \u00c0\u00c9\u00ce' },
  { name: 'compatibility', text: '\uff21\uff42\uff43 \ufb01le x\u00b2 \u2460 \u2126' },
  { name: 'rtl', text: 'مرحبا بالعالم and שלום עולם 123' },
  { name: 'tabs', text: '\tindented\t\tline\n\t}\t' },
  { name: 'crlf', text: 'line one\r\nline two\r\n\r\nend' },
  { name: 'edge spaces', text: '  leading and trailing  ' },
  { name: 'multiple spaces', text: 'a    b      c  d' },
  { name: 'newlines', text: '\n\n\nx\n \n' },
  { name: 'digits', text: '12345 3.14159 2026-12-04 1,000,000 x2y' },
  { name: 'typed bert specials', text: 'before [SEP] after [CLS]x [MASK]' },
  { name: 'typed sentencepiece specials', text: '<s> hello </s>x<unk>' },
  { name: 'typed gpt specials', text: 'a<|endoftext|>b <|begin_of_text|> c' },
  { name: 'empty', text: '' },
  { name: 'one space', text: ' ' },
  { name: 'lone surrogate', text: 'a\ud83dz \udc00' },
  { name: 'long word', text: 'supercalifragilisticexpialidociousness antidisestablishmentarianism' },
  { name: 'symbols', text: '\u2603 \u2318 \u00a7 \u00b6 ~!@#$%^&*()_+ \u00a0nbsp\u3000ideographic' },
  { name: 'mixed case', text: 'HELLO World hELLo ÀÉÎ Straße' },
  { name: 'control chars', text: 'a\u0000b\u0007c\u200bd\ufeffe' },
  { name: 'added token words', text: 'the mask <mask> token, word words sword word.' },
];

// ---------------------------------------------------------------------------
// Byte-level alphabet (the GPT-2 byte-to-character table)
// ---------------------------------------------------------------------------

/** Byte value to character, in GPT-2's vocabulary order: printable bytes first. */
function byteLevelTable() {
  const order = [];
  for (let b = 0x21; b <= 0x7e; b++) order.push(b);
  for (let b = 0xa1; b <= 0xac; b++) order.push(b);
  for (let b = 0xae; b <= 0xff; b++) order.push(b);
  const chars = new Map(order.map((b) => [b, String.fromCodePoint(b)]));
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (!chars.has(b)) {
      order.push(b);
      chars.set(b, String.fromCodePoint(256 + next));
      next++;
    }
  }
  return order.map((b) => chars.get(b));
}

// ---------------------------------------------------------------------------
// Deterministic BPE trainer
// ---------------------------------------------------------------------------

/**
 * Learns merges on words given as symbol arrays until the vocabulary has
 * `vocabSize` entries or no pair occurs twice. Ties go to the pair whose
 * "a b" string sorts first, so the result does not depend on Map order.
 * `prefix` marks continuing symbols (WordPiece style "##"), stripped when merged.
 */
function trainBpe(words, vocab, vocabSize, prefix = '') {
  const merges = [];
  const pieces = words.map(({ symbols, count }) => ({ symbols: [...symbols], count }));
  while (Object.keys(vocab).length < vocabSize) {
    const pairCounts = new Map();
    for (const { symbols, count } of pieces) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best = null;
    let bestCount = 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null) break;
    const [left, right] = best.split(' ');
    const merged = left + (prefix && right.startsWith(prefix) ? right.slice(prefix.length) : right);
    merges.push([left, right]);
    if (!(merged in vocab)) vocab[merged] = Object.keys(vocab).length;
    for (const piece of pieces) {
      const out = [];
      for (let i = 0; i < piece.symbols.length; i++) {
        if (i + 1 < piece.symbols.length && piece.symbols[i] === left && piece.symbols[i + 1] === right) {
          out.push(merged);
          i++;
        } else {
          out.push(piece.symbols[i]);
        }
      }
      piece.symbols = out;
    }
  }
  return merges;
}

/** Counts equal words; returns them sorted so training order is fixed. */
function countWords(wordList, toSymbols) {
  const counts = new Map();
  for (const word of wordList) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts.keys()].sort().map((word) => ({ symbols: toSymbols(word), count: counts.get(word) }));
}

// ---------------------------------------------------------------------------
// tokenizer.json building blocks, with the field layout the Rust library writes
// ---------------------------------------------------------------------------

function addedToken(id, content, special, options = {}) {
  return {
    id,
    content,
    single_word: options.singleWord ?? false,
    lstrip: options.lstrip ?? false,
    rstrip: options.rstrip ?? false,
    normalized: options.normalized ?? !special,
    special,
  };
}

function bpeModel(vocab, merges, options = {}) {
  return {
    type: 'BPE',
    dropout: null,
    unk_token: options.unkToken ?? null,
    continuing_subword_prefix: options.continuingSubwordPrefix ?? null,
    end_of_word_suffix: options.endOfWordSuffix ?? null,
    fuse_unk: options.fuseUnk ?? false,
    byte_fallback: options.byteFallback ?? false,
    ignore_merges: options.ignoreMerges ?? false,
    vocab,
    merges,
  };
}

function templateSingle(prefixTokens, suffixTokens, ids) {
  const special = (id) => ({ SpecialToken: { id, type_id: 0 } });
  const single = [...prefixTokens.map(special), { Sequence: { id: 'A', type_id: 0 } }, ...suffixTokens.map(special)];
  const pair = [...single, ...prefixTokens.map(special), { Sequence: { id: 'B', type_id: 1 } }, ...suffixTokens.map(special)];
  const specialTokens = {};
  for (const token of [...prefixTokens, ...suffixTokens]) specialTokens[token] = { id: token, ids: [ids[token]], tokens: [token] };
  return { type: 'TemplateProcessing', single, pair, special_tokens: specialTokens };
}

function tokenizerJson({ addedTokens, normalizer = null, preTokenizer = null, postProcessor = null, decoder = null, model }) {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer,
    pre_tokenizer: preTokenizer,
    post_processor: postProcessor,
    decoder,
    model,
  };
}

/** Runs a component of a draft tokenizer over the corpus, through the reference library. */
function referenceWords(draftJson, text) {
  const draft = Tokenizer.fromString(JSON.stringify(draftJson));
  const normalizer = draft.getNormalizer();
  const normalized = normalizer ? normalizer.normalizeString(text) : text;
  const preTokenizer = draft.getPreTokenizer();
  return preTokenizer ? preTokenizer.preTokenizeString(normalized).map(([word]) => word) : [normalized];
}

// ---------------------------------------------------------------------------
// The kinds
// ---------------------------------------------------------------------------

const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function byteLevelVocab() {
  const vocab = {};
  for (const char of byteLevelTable()) vocab[char] = Object.keys(vocab).length;
  return vocab;
}

function makeGpt2() {
  const preTokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const vocab = byteLevelVocab();
  const draft = tokenizerJson({ addedTokens: [], preTokenizer, model: bpeModel(vocab, []) });
  const words = countWords(referenceWords(draft, CORPUS), (word) => [...word]);
  const merges = trainBpe(words, vocab, 399);
  const endOfText = Object.keys(vocab).length;
  vocab['<|endoftext|>'] = endOfText;
  const json = tokenizerJson({
    addedTokens: [addedToken(endOfText, '<|endoftext|>', true, { normalized: true })],
    preTokenizer,
    postProcessor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    // GPT-2's file stores merges as "a b" strings.
    model: bpeModel(vocab, merges.map(([a, b]) => `${a} ${b}`), { continuingSubwordPrefix: '', endOfWordSuffix: '' }),
  });
  const config = {
    add_bos_token: false,
    add_prefix_space: false,
    bos_token: '<|endoftext|>',
    eos_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    model_max_length: 1024,
    tokenizer_class: 'GPT2Tokenizer',
  };
  return { json, config };
}

function makeLlama3(pattern, name) {
  const preTokenizer = {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
  const vocab = byteLevelVocab();
  const draft = tokenizerJson({ addedTokens: [], preTokenizer, model: bpeModel(vocab, []) });
  const words = countWords(referenceWords(draft, CORPUS), (word) => [...word]);
  const merges = trainBpe(words, vocab, 448);

  const begin = Object.keys(vocab).length;
  const specials = ['<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>'];
  const addedTokens = specials.map((token, i) => addedToken(begin + i, token, true));
  for (const token of addedTokens) vocab[token.content] = token.id;

  const json = tokenizerJson({
    addedTokens,
    preTokenizer,
    postProcessor: {
      type: 'Sequence',
      processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        templateSingle(['<|begin_of_text|>'], [], vocab),
      ],
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    // Newer files (Llama 3.1, Qwen2.5) store merges as [a, b] pairs.
    model: bpeModel(vocab, merges, { ignoreMerges: true }),
  });

  const config = {
    bos_token: '<|begin_of_text|>',
    eos_token: '<|end_of_text|>',
    model_max_length: 131072,
    tokenizer_class: 'PreTrainedTokenizerFast',
    name_or_path: name,
  };
  return { json, config };
}

/** SentencePiece-converted BPE: <unk> <s> </s>, then <0x00>..<0xFF>, then pieces. */
function sentencePieceVocab(normalizedWords) {
  const vocab = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  // Characters seen at least twice become pieces; rarer ones fall back to bytes.
  const charCounts = new Map();
  for (const word of normalizedWords) for (const char of word) charCounts.set(char, (charCounts.get(char) ?? 0) + 1);
  const chars = [...charCounts.keys()].filter((char) => charCounts.get(char) >= 2).sort();
  for (const char of chars) vocab[char] = Object.keys(vocab).length;
  const known = new Set(chars);
  const words = countWords(normalizedWords, (word) => [...word]).filter(({ symbols }) => symbols.every((s) => known.has(s)));
  const merges = trainBpe(words, vocab, 560);
  return { vocab, merges };
}

function sentencePieceAddedTokens() {
  return [addedToken(0, '<unk>', true), addedToken(1, '<s>', true), addedToken(2, '</s>', true)];
}

const SENTENCEPIECE_DECODER = {
  type: 'Sequence',
  decoders: [
    { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
    { type: 'ByteFallback' },
    { type: 'Fuse' },
    { type: 'Strip', content: ' ', start: 1, stop: 0 },
  ],
};

/** Splits normalized SentencePiece text into words that each start at a '▁'. */
function metaspaceWords(normalized) {
  return normalized.split(/(?=▁)/u).filter((word) => word.length > 0);
}

function makeLlama2() {
  const normalizer = {
    type: 'Sequence',
    normalizers: [
      { type: 'Prepend', prepend: '▁' },
      { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    ],
  };
  const draft = tokenizerJson({ addedTokens: [], normalizer, model: bpeModel({ '<unk>': 0 }, [], { unkToken: '<unk>' }) });
  const normalizedWords = referenceWords(draft, CORPUS).flatMap(metaspaceWords);
  const { vocab, merges } = sentencePieceVocab(normalizedWords);
  const json = tokenizerJson({
    addedTokens: sentencePieceAddedTokens(),
    normalizer,
    postProcessor: templateSingle(['<s>'], [], vocab),
    decoder: SENTENCEPIECE_DECODER,
    model: bpeModel(vocab, merges.map(([a, b]) => `${a} ${b}`), { unkToken: '<unk>', fuseUnk: true, byteFallback: true }),
  });
  const config = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    legacy: false,
    model_max_length: 2048,
    tokenizer_class: 'LlamaTokenizer',
  };
  return { json, config, vocab, merges };
}

function makeMistral(llama2) {
  const preTokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false };
  const json = tokenizerJson({
    addedTokens: sentencePieceAddedTokens(),
    preTokenizer,
    postProcessor: templateSingle(['<s>'], [], llama2.vocab),
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
    model: bpeModel(llama2.vocab, llama2.merges, { unkToken: '<unk>', fuseUnk: true, byteFallback: true }),
  });
  const config = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    legacy: false,
    model_max_length: 32768,
    tokenizer_class: 'LlamaTokenizer',
  };
  return { json, config };
}

const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

function makeBert() {
  const normalizer = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };
  const preTokenizer = { type: 'BertPreTokenizer' };
  const draft = tokenizerJson({
    addedTokens: [],
    normalizer,
    preTokenizer,
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0 } },
  });
  const words = referenceWords(draft, CORPUS);

  const vocab = {};
  for (const token of BERT_SPECIALS) vocab[token] = Object.keys(vocab).length;
  const chars = [...new Set(words.flatMap((word) => [...word]))].sort();
  for (const char of chars) vocab[char] = Object.keys(vocab).length;
  for (const char of chars) vocab[`##${char}`] = Object.keys(vocab).length;
  const counted = countWords(words, (word) => [...word].map((char, i) => (i === 0 ? char : `##${char}`)));
  trainBpe(counted, vocab, 520, '##');

  const json = tokenizerJson({
    addedTokens: BERT_SPECIALS.map((token, i) => addedToken(i, token, true)),
    normalizer,
    preTokenizer,
    postProcessor: templateSingle(['[CLS]'], ['[SEP]'], vocab),
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });

  const config = {
    do_lower_case: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    model_max_length: 512,
    tokenizer_class: 'BertTokenizer',
  };
  return { json, config };
}

/** BPE with a suffix and a prefix, as CLIP and some WordPiece-style BPE files use. */
function makeSuffixBpe() {
  const preTokenizer = { type: 'Whitespace' };
  const draft = tokenizerJson({ addedTokens: [], preTokenizer, model: bpeModel({ '<unk>': 0 }, [], { unkToken: '<unk>' }) });
  const words = referenceWords(draft, CORPUS.toLowerCase());
  const vocab = { '<unk>': 0 };
  const chars = [...new Set(words.flatMap((word) => [...word]))].filter((char) => char.charCodeAt(0) < 0x250).sort();
  for (const char of chars) vocab[char] = Object.keys(vocab).length;
  for (const char of chars) vocab[`${char}</w>`] = Object.keys(vocab).length;
  const known = new Set(chars);
  const counted = countWords(
    words.filter((word) => [...word].every((char) => known.has(char))),
    (word) => [...word].map((char, i, all) => (i === all.length - 1 ? `${char}</w>` : char)),
  );
  const merges = trainBpe(counted, vocab, 420);
  const json = tokenizerJson({
    addedTokens: [addedToken(0, '<unk>', true)],
    normalizer: { type: 'Lowercase' },
    preTokenizer,
    model: bpeModel(vocab, merges, { unkToken: '<unk>', endOfWordSuffix: '</w>' }),
  });
  return { json, config: null };
}

/** BPE with a continuing-subword prefix ("##" on every symbol after a word's first). */
function makePrefixBpe() {
  const preTokenizer = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }] };
  const draft = tokenizerJson({ addedTokens: [], preTokenizer, model: bpeModel({ '[UNK]': 0 }, [], { unkToken: '[UNK]' }) });
  const words = referenceWords(draft, CORPUS);
  const vocab = { '[UNK]': 0 };
  const chars = [...new Set(words.flatMap((word) => [...word]))].filter((char) => char.charCodeAt(0) < 0x250).sort();
  for (const char of chars) vocab[char] = Object.keys(vocab).length;
  for (const char of chars) vocab[`##${char}`] = Object.keys(vocab).length;

  const known = new Set(chars);
  const counted = countWords(
    words.filter((word) => [...word].every((char) => known.has(char))),
    (word) => [...word].map((char, i) => (i === 0 ? char : `##${char}`)),
  );
  const merges = trainBpe(counted, vocab, 480, '##');
  const json = tokenizerJson({
    addedTokens: [addedToken(0, '[UNK]', true)],
    normalizer: { type: 'NFKC' },
    preTokenizer,
    model: bpeModel(vocab, merges, { unkToken: '[UNK]', continuingSubwordPrefix: '##', fuseUnk: true }),
  });
  return { json, config: null };
}

// ---------------------------------------------------------------------------
// Variants: one component of a kind replaced, to cover each pipeline option
// ---------------------------------------------------------------------------

const byteLevelNoRegex = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
const splitThen = (split) => ({ type: 'Sequence', pretokenizers: [split, byteLevelNoRegex] });
const stringSplit = (behavior, invert = false) => splitThen({ type: 'Split', pattern: { String: ' ' }, behavior, invert });

const VARIANTS = [
  // Normalizers, on the GPT-2 kind.
  { name: 'gpt2 nfc', base: 'gpt2', patch: { normalizer: { type: 'NFC' } } },
  { name: 'gpt2 nfd', base: 'gpt2', patch: { normalizer: { type: 'NFD' } } },
  { name: 'gpt2 nfkc', base: 'gpt2', patch: { normalizer: { type: 'NFKC' } } },
  { name: 'gpt2 nfkd', base: 'gpt2', patch: { normalizer: { type: 'NFKD' } } },
  { name: 'gpt2 lowercase', base: 'gpt2', patch: { normalizer: { type: 'Lowercase' } } },
  {
    name: 'gpt2 strip accents',
    base: 'gpt2',
    patch: { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }] } },
  },
  { name: 'gpt2 strip', base: 'gpt2', patch: { normalizer: { type: 'Strip', strip_left: true, strip_right: true } } },
  { name: 'gpt2 strip right', base: 'gpt2', patch: { normalizer: { type: 'Strip', strip_left: false, strip_right: true } } },
  {
    name: 'gpt2 replace regex',
    base: 'gpt2',
    patch: { normalizer: { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' } },
  },
  {
    name: 'gpt2 replace string',
    base: 'gpt2',
    patch: { normalizer: { type: 'Replace', pattern: { String: 'the' }, content: 'THE ONE' } },
  },
  { name: 'gpt2 prepend', base: 'gpt2', patch: { normalizer: { type: 'Prepend', prepend: '>>' } } },
  {
    name: 'bert cased accents',
    base: 'bert',
    patch: {
      normalizer: { type: 'BertNormalizer', clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false },
    },
  },
  {
    name: 'bert strip accents cased',
    base: 'bert',
    patch: {
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: false },
    },
  },
  // Pre-tokenizers, on the Llama 3 kind (byte-level BPE after the split).
  { name: 'split removed', base: 'llama3', patch: { pre_tokenizer: stringSplit('Removed') } },
  { name: 'split isolated', base: 'llama3', patch: { pre_tokenizer: stringSplit('Isolated') } },
  { name: 'split merged previous', base: 'llama3', patch: { pre_tokenizer: stringSplit('MergedWithPrevious') } },
  { name: 'split merged next', base: 'llama3', patch: { pre_tokenizer: stringSplit('MergedWithNext') } },
  { name: 'split contiguous', base: 'llama3', patch: { pre_tokenizer: stringSplit('Contiguous') } },
  { name: 'split removed inverted', base: 'llama3', patch: { pre_tokenizer: stringSplit('Removed', true) } },
  {
    name: 'split regex merged next',
    base: 'llama3',
    patch: { pre_tokenizer: splitThen({ type: 'Split', pattern: { Regex: '\\d+|[,;.]' }, behavior: 'MergedWithNext', invert: false }) },
  },
  {
    name: 'split regex inverted',
    base: 'llama3',
    patch: { pre_tokenizer: splitThen({ type: 'Split', pattern: { Regex: '\\p{L}+' }, behavior: 'Isolated', invert: true }) },
  },
  { name: 'whitespace', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'Whitespace' }) } },
  { name: 'whitespace split', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'WhitespaceSplit' }) } },
  { name: 'punctuation', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'Punctuation', behavior: 'Isolated' }) } },
  {
    name: 'punctuation merged previous',
    base: 'llama3',
    patch: { pre_tokenizer: splitThen({ type: 'Punctuation', behavior: 'MergedWithPrevious' }) },
  },
  { name: 'digits', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'Digits', individual_digits: false }) } },
  { name: 'digits individual', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'Digits', individual_digits: true }) } },
  { name: 'bert pre-tokenizer on bytes', base: 'llama3', patch: { pre_tokenizer: splitThen({ type: 'BertPreTokenizer' }) } },
  {
    name: 'qwen2 pattern',
    base: 'llama3',
    patch: {
      pre_tokenizer: splitThen({ type: 'Split', pattern: { Regex: QWEN2_PATTERN }, behavior: 'Isolated', invert: false }),
    },
  },
  {
    name: 'llama3 merges applied',
    base: 'llama3',
    patch: { model: { ignore_merges: false } },
  },
  {
    name: 'byte level prefix space',
    base: 'gpt2',
    patch: { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } },
  },
  // Post-processors.
  {
    name: 'byte level trim offsets',
    base: 'gpt2',
    patch: {
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    },
  },
  {
    name: 'roberta',
    base: 'gpt2',
    patch: {
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true },
    },
  },
  {
    name: 'roberta untrimmed',
    base: 'gpt2',
    patch: {
      post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: false, add_prefix_space: false },
    },
  },
  { name: 'bert processing', base: 'bert', patch: { post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } } },
  { name: 'bert short words', base: 'bert', patch: { model: { max_input_chars_per_word: 6 } } },
  // Metaspace options, on the Mistral kind.
  {
    name: 'metaspace always split',
    base: 'mistral',
    patch: { pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true } },
  },
  {
    name: 'metaspace never',
    base: 'mistral',
    patch: { pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false } },
  },
  {
    name: 'metaspace first split',
    base: 'mistral',
    patch: { pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true } },
  },
  {
    name: 'sentencepiece unk unfused',
    base: 'llama2',
    patch: { model: { byte_fallback: false, fuse_unk: false } },
  },
  {
    name: 'sentencepiece unk fused',
    base: 'llama2',
    patch: { model: { byte_fallback: false, fuse_unk: true } },
  },
  // Added tokens with each flag. Ids past the vocabulary are fine: added tokens get their own ids.
  {
    name: 'added token flags',
    base: 'gpt2',
    patch: {
      added_tokens_extra: [
        addedToken(400, '<mask>', true, { lstrip: true, rstrip: true }),
        addedToken(401, 'word', false, { singleWord: true }),
        addedToken(402, ' token', false, { rstrip: true }),
        addedToken(403, 'THE', false, { normalized: true }),
        addedToken(404, 'Late', false, { normalized: false }),
      ],
      normalizer: { type: 'Lowercase' },
    },
  },
  {
    name: 'added token lstrip only',
    base: 'bert',
    patch: {
      added_tokens_extra: [addedToken(600, '<mask>', true, { lstrip: true }), addedToken(601, 'sword', false, { singleWord: true })],
    },
  },
];

/** Applies a variant's patch: top-level components are replaced, model fields merged. */
function applyPatch(json, patch) {
  const out = structuredClone(json);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'model') Object.assign(out.model, value);
    else if (key === 'added_tokens_extra') out.added_tokens.push(...value);
    else out[key] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reference encodings
// ---------------------------------------------------------------------------

/** Maps code point index to UTF-16 index, for each position 0..length. */
function codePointToUtf16(text) {
  const table = [0];
  let unit = 0;
  for (const char of text) {
    unit += char.length;
    table.push(unit);
  }
  return table;
}

async function referenceEncode(json, text, addSpecialTokens = true) {
  const tokenizer = Tokenizer.fromString(JSON.stringify(json));
  const encoding = await tokenizer.encode(text, null, { addSpecialTokens });
  const toUtf16 = codePointToUtf16(text);
  const offsets = encoding.getOffsets();
  const specialMask = encoding.getSpecialTokensMask();
  const wordIds = encoding.getWordIds();
  const starts = [];
  const ends = [];
  offsets.forEach(([start, end], i) => {
    // A token the post-processor added has no word and an empty range at 0.
    const addedByProcessor = specialMask[i] === 1 && (wordIds[i] === null || wordIds[i] === undefined) && start === 0 && end === 0;
    starts.push(addedByProcessor ? -1 : toUtf16[start]);
    ends.push(addedByProcessor ? -1 : toUtf16[end]);
  });
  return { ids: encoding.getIds(), starts, ends, special: specialMask };
}

async function encodeAll(json) {
  const rows = [];
  for (const { text } of TEXTS) rows.push(await referenceEncode(json, text));
  return rows;
}

function writeJson(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);
}

/**
 * Writes a tokenizer.json as built (the Rust library's save() would rewrite "a b"
 * merges as pairs) and checks that the reference loads the file.
 */
function writeTokenizer(kind, { json, config }) {
  const dir = join(OUTPUT_DIR, kind);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), `${JSON.stringify(json)}\n`);
  if (config) writeJson(join(dir, 'tokenizer_config.json'), config);
  Tokenizer.fromFile(join(dir, 'tokenizer.json'));
}

async function main() {
  const llama2 = makeLlama2();
  const kinds = {
    gpt2: makeGpt2(),
    llama3: makeLlama3(LLAMA3_PATTERN, 'llama3-style'),
    llama2,
    mistral: makeMistral(llama2),
    bert: makeBert(),
    'bpe-suffix': makeSuffixBpe(),
    'bpe-prefix': makePrefixBpe(),
  };
  const expected = {};
  for (const [kind, built] of Object.entries(kinds)) {
    writeTokenizer(kind, built);
    expected[kind] = await encodeAll(built.json);
    const vocabSize = Tokenizer.fromString(JSON.stringify(built.json)).getVocabSize(true);
    console.log(`${kind}: vocabulary ${vocabSize}`);
  }
  // Without special tokens, for one kind of each post-processor family.
  for (const kind of ['llama2', 'bert']) {
    const rows = [];
    for (const { text } of TEXTS) rows.push(await referenceEncode(kinds[kind].json, text, false));
    expected[`${kind} without special tokens`] = rows;
  }
  for (const variant of VARIANTS) {
    expected[variant.name] = await encodeAll(applyPatch(kinds[variant.base].json, variant.patch));
  }
  writeJson(join(OUTPUT_DIR, 'texts.json'), TEXTS);
  writeJson(join(OUTPUT_DIR, 'variants.json'), VARIANTS);
  writeFileSync(join(OUTPUT_DIR, 'expected.json'), `${JSON.stringify(expected)}\n`);
  console.log(`${Object.keys(expected).length} reference sets over ${TEXTS.length} texts written to ${OUTPUT_DIR}`);
}

await main();
