// Train the byte-level BPE tokenizer of the shipped model and write the token ids of the corpus.
//
// Usage: node tools/train_tokenizer.mjs [--vocab-size 4096]
// Reads .cache/corpus/{train.txt,train.jsonl,validation.jsonl} from tools/corpus/gather.py.
// Writes .cache/tokens/tokenizer.json and .cache/tokens/{train,validation}.u16: each split's
// documents, tokenized one by one and each followed by <|endoftext|>, as little-endian uint16.
//
// The Node binding of Hugging Face tokenizers (npm `tokenizers` 0.23) trains only with the
// model's default BpeTrainer (vocabulary 30,000, alphabet limited to the bytes seen). BPE
// training is greedy, so the first k merges of that run are the merges a run stopped at
// k merges would learn. This script keeps all 256 byte symbols, then merges in training
// order until the vocabulary reaches the requested size less one, and gives the last id
// to <|endoftext|>, as GPT-2 does.

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import tokenizers from 'tokenizers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS_DIR = path.join(ROOT, '.cache', 'corpus');
const TOKENS_DIR = path.join(ROOT, '.cache', 'tokens');
const END_OF_TEXT = '<|endoftext|>';

function parseVocabSize(argv) {
  const index = argv.indexOf('--vocab-size');
  const size = index >= 0 ? Number(argv[index + 1]) : 4096;
  if (!Number.isInteger(size) || size < 512 || size > 65536) {
    throw new Error(`--vocab-size must be an integer from 512 to 65536 (uint16 ids), got ${argv[index + 1]}`);
  }
  return size;
}

// GPT-2's map from bytes to printable characters: printable Latin-1 bytes map to themselves
// and the rest to U+0100 onwards, in byte order.
function byteToUnicode() {
  const keep = [];
  for (let b = 0x21; b <= 0x7e; b++) keep.push(b);
  for (let b = 0xa1; b <= 0xac; b++) keep.push(b);
  for (let b = 0xae; b <= 0xff; b++) keep.push(b);
  const table = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = keep.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

function trainMerges(trainText) {
  const tokenizer = new tokenizers.Tokenizer(tokenizers.BPE.empty());
  tokenizer.setPreTokenizer(tokenizers.byteLevelPreTokenizer(false, true));
  tokenizer.train([trainText]);
  const scratch = path.join(TOKENS_DIR, 'untruncated-tokenizer.json');
  tokenizer.save(scratch, false);
  const merges = JSON.parse(fs.readFileSync(scratch, 'utf8')).model.merges;
  return merges.map((merge) => (Array.isArray(merge) ? merge : merge.split(' ')));
}

function buildVocabulary(allMerges, vocabSize) {
  // A prototype-free object, so that merged symbols such as "toString" are not already "in" it.
  const vocab = Object.create(null);
  byteToUnicode().forEach((symbol, byte) => { vocab[symbol] = byte; });
  let nextId = 256;
  const merges = [];
  for (const [left, right] of allMerges) {
    if (nextId >= vocabSize - 1) break;
    if (!(left in vocab) || !(right in vocab)) {
      throw new Error(`merge "${left} ${right}" uses a symbol that no earlier merge produced`);
    }
    merges.push([left, right]);
    const merged = left + right;
    if (!(merged in vocab)) vocab[merged] = nextId++;
  }
  if (nextId !== vocabSize - 1) {
    throw new Error(`training produced only ${nextId} symbols, fewer than ${vocabSize - 1}: use a larger corpus or a smaller --vocab-size`);
  }
  vocab[END_OF_TEXT] = vocabSize - 1;
  return { vocab, merges };
}

// The layout Hugging Face uses for GPT-2's tokenizer.json.
function tokenizerJson(vocab, merges, vocabSize) {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{
      id: vocabSize - 1, content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false,
      normalized: true, special: true,
    }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  };
}

async function encodeSplit(tokenizer, split, endOfTextId) {
  const input = readline.createInterface({ input: fs.createReadStream(path.join(CORPUS_DIR, `${split}.jsonl`)) });
  const chunks = [];
  let batch = [];
  let total = 0;
  let documents = 0;
  const flush = async () => {
    const encodings = await tokenizer.encodeBatch(batch);
    for (const encoding of encodings) {
      const ids = encoding.getIds();
      const chunk = new Uint16Array(ids.length + 1);
      chunk.set(ids);
      chunk[ids.length] = endOfTextId;
      chunks.push(chunk);
      total += chunk.length;
    }
    documents += batch.length;
    batch = [];
  };
  for await (const line of input) {
    batch.push(JSON.parse(line).text);
    if (batch.length === 256) await flush();
  }
  if (batch.length > 0) await flush();
  const all = new Uint16Array(total);
  let offset = 0;
  for (const chunk of chunks) { all.set(chunk, offset); offset += chunk.length; }
  fs.writeFileSync(path.join(TOKENS_DIR, `${split}.u16`), Buffer.from(all.buffer));
  return { documents, tokens: total };
}

async function checkRoundTrip(tokenizer) {
  const samples = [
    'function add(a, b) {\n    return a + b;\n}\n',
    'Ünïcödé, emoji \u{1F600} and CJK \u6F22\u5B57 must tokenize: \u0000\t\r\n',
    `text with ${END_OF_TEXT} inside`,
  ];
  for (const sample of samples) {
    const ids = (await tokenizer.encode(sample)).getIds();
    const decoded = await tokenizer.decode(ids, false);
    if (decoded !== sample) {
      throw new Error(`round trip failed for ${JSON.stringify(sample)}: decoded ${JSON.stringify(decoded)}`);
    }
  }
}

async function main() {
  const vocabSize = parseVocabSize(process.argv);
  fs.mkdirSync(TOKENS_DIR, { recursive: true });
  const started = Date.now();
  const { vocab, merges } = buildVocabulary(trainMerges(path.join(CORPUS_DIR, 'train.txt')), vocabSize);
  const json = JSON.stringify(tokenizerJson(vocab, merges, vocabSize));
  const tokenizerPath = path.join(TOKENS_DIR, 'tokenizer.json');
  fs.writeFileSync(tokenizerPath, json);
  console.log(`trained ${merges.length} merges, vocabulary ${vocabSize}, in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const tokenizer = tokenizers.Tokenizer.fromString(json);
  if (tokenizer.getVocabSize(true) !== vocabSize) {
    throw new Error(`${tokenizerPath} loads with ${tokenizer.getVocabSize(true)} tokens, expected ${vocabSize}`);
  }
  await checkRoundTrip(tokenizer);
  const endOfTextId = tokenizer.tokenToId(END_OF_TEXT);
  for (const split of ['train', 'validation']) {
    const { documents, tokens } = await encodeSplit(tokenizer, split, endOfTextId);
    console.log(`${split}: ${documents} documents, ${tokens} tokens -> ${path.join(TOKENS_DIR, `${split}.u16`)}`);
  }
}

await main();
