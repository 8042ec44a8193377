/**
 * Token ids, offsets and special flags against the Rust Hugging Face tokenizers
 * library, on every fixture text for every tokenizer kind and variant. The
 * reference outputs come from tools/make_tokenizer_fixtures.mjs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenFlag } from '../../../src/protocol';
import { Tokenizer } from '../../../src/tokenizer/index';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tokenizers');

interface ReferenceRow {
  ids: number[];
  starts: number[];
  ends: number[];
  special: number[];
}
interface Variant {
  name: string;
  base: string;
  patch: Record<string, unknown>;
}

const texts = JSON.parse(readFileSync(join(FIXTURES, 'texts.json'), 'utf8')) as { name: string; text: string }[];
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, ReferenceRow[]>;
const variants = JSON.parse(readFileSync(join(FIXTURES, 'variants.json'), 'utf8')) as Variant[];

const KINDS = ['gpt2', 'llama3', 'llama2', 'mistral', 'bert', 'bpe-suffix', 'bpe-prefix'];

function readKind(kind: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, kind, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
}

/** Applies a variant's patch the way the fixture script does. */
function applyPatch(json: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(json);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'model') Object.assign(out.model as object, value);
    else if (key === 'added_tokens_extra') (out.added_tokens as unknown[]).push(...(value as unknown[]));
    else out[key] = value;
  }
  return out;
}

/** Ids of added tokens marked special; typed into the input they also get the Special flag. */
function specialContents(json: Record<string, unknown>): string[] {
  const tokens = json.added_tokens as { content: string; special: boolean }[];
  return tokens.filter((token) => token.special).map((token) => token.content);
}

/**
 * Checks ids, offsets and Special flags on every fixture text. The reference's
 * special-tokens mask marks only tokens the post-processor added.
 * The token table also flags special tokens typed into the input, but not an
 * unknown token the model produced, whose range contains other text.
 */
function checkAll(name: string, json: Record<string, unknown>, addSpecialTokens = true): void {
  const tokenizer = Tokenizer.fromJson(JSON.stringify(json));
  const typedSpecial = specialContents(json);
  const rows = expected[name];
  assert.ok(rows, `no reference rows for ${name}`);
  texts.forEach(({ name: textName, text }, i) => {
    const table = tokenizer.encode(text, { addSpecialTokens });
    const row = rows[i];
    const where = `${name}, text "${textName}"`;
    assert.deepEqual([...table.ids], row.ids, `${where}: ids`);
    assert.deepEqual([...table.starts], row.starts, `${where}: starts`);
    assert.deepEqual([...table.ends], row.ends, `${where}: ends`);
    const special = [...table.flags].map((flag) => (flag & TokenFlag.Special ? 1 : 0));
    const isTyped = (k: number): boolean =>
      row.starts[k] >= 0 && typedSpecial.some((content) => text.slice(row.starts[k], row.ends[k]).includes(content));
    const expectedSpecial = row.ids.map((_, k) => (row.special[k] === 1 || isTyped(k) ? 1 : 0));
    assert.deepEqual(special, expectedSpecial, `${where}: special flags`);
  });
}

describe('tokenizer against the Rust reference', () => {
  for (const kind of KINDS) {
    test(`${kind} kind`, () => {
      checkAll(kind, readKind(kind));
    });
  }
  for (const kind of ['llama2', 'bert']) {
    test(`${kind} without special tokens`, () => {
      checkAll(`${kind} without special tokens`, readKind(kind), false);
    });
  }
  for (const variant of variants) {
    test(`variant ${variant.name}`, () => {
      checkAll(variant.name, applyPatch(readKind(variant.base), variant.patch));
    });
  }
});
