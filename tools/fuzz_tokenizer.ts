/**
 * Compares the tokenizer with the Rust Hugging Face library (npm `tokenizers`) on
 * random texts built from pieces that tokenizers tend to get wrong: combining marks,
 * compatibility characters, emoji sequences, unusual whitespace, lone surrogates
 * and typed special tokens. Every fixture kind and variant is checked. Run by hand:
 *
 *   node --import tsx tools/fuzz_tokenizer.ts [SEED] [TEXTS] [MAX_PIECES]
 *
 * Prints the first mismatches of each tokenizer and exits with status 1 if any.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as Reference } from 'tokenizers';
import { Tokenizer } from '../src/tokenizer/index';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'tokenizers');
const KINDS = ['gpt2', 'llama3', 'llama2', 'mistral', 'bert', 'bpe-suffix', 'bpe-prefix'];

const PIECES = [
  'a', 'b', 'the', 'The', ' ', '  ', '\t', '\n', '\r\n', '\r', '0', '12', '3.5', ',', '.', '!', '?', "'s", "'LL", '-', '_',
  '(', ')', '{', '}', 'é', 'e\u0301', 'A\u030a', 'ñ', 'ß', 'İ', 'Σ', '\u00a0', '\u3000', '\u0085', '\ufeff', '\u200b',
  '\u200d', '\u{1F600}', '\u{1F469}\u200d\u{1F4BB}', '\u{1F1EB}\u{1F1F7}', '\u2764\ufe0f', '日本', '中文', '한국어',
  '\u1100\u1161\u11a8', 'مرحبا', 'שלום', '\ufb01', '\uff21', '\u00b2', '\u2460', '[SEP]', '[CLS]', '<s>', '</s>', '<unk>',
  '<|endoftext|>', '<|begin_of_text|>', '<mask>', 'word', 'token', ' token', 'THE', 'Late', '\ud800', '\udc00', 'x\u0000y',
  '\u0007', '\u2581', '\u0120', '##', '\u2028', '\u01c5', '\ufb03', '\u0345', '\u01f0',
];

type Json = Record<string, unknown>;

interface Variant {
  name: string;
  base: string;
  patch: Json;
}

function readKind(kind: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, kind, 'tokenizer.json'), 'utf8')) as Json;
}

/** Applies a variant's patch the way tools/make_tokenizer_fixtures.mjs does. */
function applyPatch(json: Json, patch: Json): Json {
  const out = structuredClone(json);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'model') Object.assign(out.model as Json, value);
    else if (key === 'added_tokens_extra') (out.added_tokens as unknown[]).push(...(value as unknown[]));
    else out[key] = value;
  }
  return out;
}

/** A linear congruential generator, so a seed reproduces the texts. */
function randomTexts(seed: number, count: number, maxPieces: number): string[] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const pieces = 1 + next(maxPieces);
    for (let j = 0; j < pieces; j++) text += PIECES[next(PIECES.length)];
    texts.push(text);
  }
  return texts;
}

/** Reference ids and ranges in UTF-16 code units; post-processor tokens get [-1, -1]. */
async function referenceRows(reference: Reference, text: string): Promise<{ ids: number[]; ranges: number[][] }> {
  const encoding = await reference.encode(text);
  const toUnit = [0];
  for (const char of text) toUnit.push(toUnit[toUnit.length - 1] + char.length);
  const special = encoding.getSpecialTokensMask();
  const words = encoding.getWordIds();
  const ranges = encoding.getOffsets().map(([start, end], i) => {
    const added = special[i] === 1 && (words[i] === null || words[i] === undefined) && start === 0 && end === 0;
    return added ? [-1, -1] : [toUnit[start], toUnit[end]];
  });
  return { ids: encoding.getIds(), ranges };
}

async function main(): Promise<number> {
  const seed = Number(process.argv[2] ?? '12345');
  const count = Number(process.argv[3] ?? '250');
  const maxPieces = Number(process.argv[4] ?? '12');
  const texts = randomTexts(seed, count, maxPieces);

  const configs: [string, Json][] = KINDS.map((kind) => [kind, readKind(kind)]);
  const variants = JSON.parse(readFileSync(join(FIXTURES, 'variants.json'), 'utf8')) as Variant[];
  for (const variant of variants) configs.push([variant.name, applyPatch(readKind(variant.base), variant.patch)]);

  let failures = 0;
  for (const [name, json] of configs) {
    const reference = Reference.fromString(JSON.stringify(json));
    const tokenizer = Tokenizer.fromJson(JSON.stringify(json));
    let shown = 0;
    for (const text of texts) {
      const expected = await referenceRows(reference, text);
      const table = tokenizer.encode(text);
      const ranges = [...table.starts].map((start, i) => [start, table.ends[i]]);
      const same = JSON.stringify(expected.ids) === JSON.stringify([...table.ids]) && JSON.stringify(expected.ranges) === JSON.stringify(ranges);
      if (same) continue;
      failures++;
      if (shown++ < 2) {
        process.stdout.write(`${name} ${JSON.stringify(text)}\n  reference ${JSON.stringify(expected)}\n`);
        process.stdout.write(`  this      ${JSON.stringify({ ids: [...table.ids], ranges })}\n`);
      }
    }
  }
  process.stdout.write(`${failures} mismatches in ${texts.length * configs.length} encodings (seed ${seed})\n`);
  return failures === 0 ? 0 : 1;
}

main().then((status) => {
  process.exitCode = status;
});
