/**
 * Malformed files and unsupported components: each ends in a TokenizerError whose
 * message names the file or component and lists what is supported.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenizerError } from '../../../src/engine/errors';
import { Tokenizer } from '../../../src/tokenizer/index';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tokenizers');

type Json = Record<string, unknown>;

function fixture(kind: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, kind, 'tokenizer.json'), 'utf8')) as Json;
}

function withPatch(kind: string, patch: (json: Json) => void): string {
  const json = fixture(kind);
  patch(json);
  return JSON.stringify(json);
}

function model(json: Json): Json {
  return json.model as Json;
}

/** Asserts that loading throws a TokenizerError whose message matches every pattern. */
function assertRejects(tokenizerJson: string, patterns: RegExp[], configJson?: string): void {
  assert.throws(
    () => Tokenizer.fromJson(tokenizerJson, configJson),
    (error: unknown) => {
      assert.ok(error instanceof TokenizerError, `expected TokenizerError, got ${String(error)}`);
      assert.equal(error.name, 'TokenizerError');
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('malformed tokenizer.json', () => {
  test('truncated file is invalid JSON', () => {
    const text = readFileSync(join(FIXTURES, 'gpt2', 'tokenizer.json'), 'utf8');
    assertRejects(text.slice(0, text.length / 2), [/tokenizer\.json is not valid JSON/]);
  });

  test('empty file is invalid JSON', () => {
    assertRejects('', [/not valid JSON/]);
  });

  test('top-level array rejected', () => {
    assertRejects('[]', [/tokenizer\.json: expected an object, found an array/]);
  });

  test('missing model named', () => {
    assertRejects(withPatch('gpt2', (json) => delete json.model), [/has no "model"/]);
  });

  test('null model named', () => {
    assertRejects(withPatch('gpt2', (json) => (json.model = null)), [/has no "model"/]);
  });

  test('vocabulary id not an integer', () => {
    assertRejects(withPatch('gpt2', (json) => ((model(json).vocab as Json).the = 'x')), [/model\.vocab/, /"the"/]);
  });

  test('merge with unknown token', () => {
    assertRejects(withPatch('gpt2', (json) => (model(json).merges as unknown[]).push('zz qq')), [/model\.merges\[\d+\]/, /"zz"/]);
  });

  test('merge of wrong shape', () => {
    assertRejects(withPatch('llama3', (json) => (model(json).merges as unknown[]).push(['a'])), [/model\.merges\[\d+\]: expected/]);
  });

  test('BPE dropout rejected', () => {
    assertRejects(withPatch('gpt2', (json) => (model(json).dropout = 0.1)), [/dropout/, /set it to null/]);
  });

  test('BPE unk_token missing when needed', () => {
    const json = withPatch('llama2', (file) => Object.assign(model(file), { unk_token: '<nope>', byte_fallback: false }));
    // Like the Rust library, loading succeeds and only a word that needs the token fails.
    const tokenizer = Tokenizer.fromJson(json);
    assert.equal(tokenizer.encode('the').count > 0, true);
    assert.throws(
      () => tokenizer.encode('\u2603'),
      (error: unknown) => error instanceof TokenizerError && /model\.unk_token: "<nope>"/.test(error.message) && /"\u2603"/.test(error.message),
    );
  });

  test('WordPiece unk_token missing from vocabulary', () => {
    assertRejects(withPatch('bert', (json) => (model(json).unk_token = '[NOPE]')), [/"\[NOPE\]" is not in the WordPiece vocabulary/]);
  });

  test('added_tokens not an array', () => {
    assertRejects(withPatch('gpt2', (json) => (json.added_tokens = {})), [/added_tokens: expected an array/]);
  });

  test('added token without content', () => {
    assertRejects(withPatch('gpt2', (json) => (json.added_tokens = [{ id: 5, special: true }])), [/added_tokens\[0\]\.content/]);
  });

  test('invalid split behavior', () => {
    const split = { type: 'Split', pattern: { String: ' ' }, behavior: 'Sideways', invert: false };
    assertRejects(withPatch('gpt2', (json) => (json.pre_tokenizer = split)), [/pre_tokenizer\.behavior/, /Sideways/, /MergedWithNext/]);
  });

  test('split pattern of unknown kind', () => {
    const split = { type: 'Split', pattern: { Glob: '*' }, behavior: 'Isolated', invert: false };
    assertRejects(withPatch('gpt2', (json) => (json.pre_tokenizer = split)), [/pre_tokenizer\.pattern/, /"String"/]);
  });

  test('regex JavaScript cannot compile', () => {
    // Possessive quantifiers are Oniguruma syntax that JavaScript lacks.
    const split = { type: 'Split', pattern: { Regex: '\\p{L}++' }, behavior: 'Isolated', invert: false };
    assertRejects(withPatch('gpt2', (json) => (json.pre_tokenizer = split)), [/pre_tokenizer/, /regular expression/, /not supported in JavaScript/]);
  });

  test('Sequence normalizer without list', () => {
    assertRejects(withPatch('gpt2', (json) => (json.normalizer = { type: 'Sequence' })), [/"normalizers" array/]);
  });

  test('template using sequence B', () => {
    const template = { type: 'TemplateProcessing', single: [{ Sequence: { id: 'B', type_id: 0 } }], special_tokens: {} };
    assertRejects(withPatch('gpt2', (json) => (json.post_processor = template)), [/only use sequence A/]);
  });

  test('template special token undefined', () => {
    const template = { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<x>', type_id: 0 } }], special_tokens: {} };
    assertRejects(withPatch('gpt2', (json) => (json.post_processor = template)), [/special_tokens\["<x>"\]/]);
  });

  test('BertProcessing with malformed cls', () => {
    const processor = { type: 'BertProcessing', sep: ['[SEP]', 3], cls: '[CLS]' };
    assertRejects(withPatch('bert', (json) => (json.post_processor = processor)), [/post_processor\.cls: expected \["token", id\]/]);
  });
});

describe('unsupported components', () => {
  const cases: { component: string; kind: string; patch: (json: Json) => void; type: RegExp; supported: RegExp }[] = [
    {
      component: 'Unigram model',
      kind: 'gpt2',
      patch: (json) => (json.model = { type: 'Unigram', unk_id: 0, vocab: [['a', 0]] }),
      type: /model type "Unigram"/,
      supported: /Supported types: BPE, WordPiece/,
    },
    {
      component: 'WordLevel model',
      kind: 'gpt2',
      patch: (json) => (json.model = { type: 'WordLevel', vocab: { a: 0 }, unk_token: 'a' }),
      type: /model type "WordLevel"/,
      supported: /BPE, WordPiece/,
    },
    {
      component: 'Precompiled normalizer',
      kind: 'llama2',
      patch: (json) => (json.normalizer = { type: 'Precompiled', precompiled_charsmap: '' }),
      type: /normalizer type "Precompiled"/,
      supported: /NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, BertNormalizer, Prepend, Replace, Strip, Sequence/,
    },
    {
      component: 'nested Nmt normalizer',
      kind: 'llama2',
      patch: (json) => (json.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nmt' }] }),
      type: /normalizer\.normalizers\[1\]: the normalizer type "Nmt"/,
      supported: /Supported types:/,
    },
    {
      component: 'UnicodeScripts pre-tokenizer',
      kind: 'gpt2',
      patch: (json) => (json.pre_tokenizer = { type: 'UnicodeScripts' }),
      type: /pre-tokenizer type "UnicodeScripts"/,
      supported: /ByteLevel, Split, Metaspace, BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits, Sequence/,
    },
    {
      component: 'CharDelimiterSplit in a sequence',
      kind: 'gpt2',
      patch: (json) => (json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'CharDelimiterSplit', delimiter: '-' }] }),
      type: /pre_tokenizer\.pretokenizers\[0\]: the pre-tokenizer type "CharDelimiterSplit"/,
      supported: /Supported types:/,
    },
    {
      component: 'unknown post-processor',
      kind: 'bert',
      patch: (json) => (json.post_processor = { type: 'PairOnlyProcessing' }),
      type: /post-processor type "PairOnlyProcessing"/,
      supported: /TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence/,
    },
    {
      component: 'normalizer without type',
      kind: 'gpt2',
      patch: (json) => (json.normalizer = { lowercase: true }),
      type: /normalizer\.type: expected a string, found nothing/,
      supported: /./,
    },
  ];
  for (const { component, kind, patch, type, supported } of cases) {
    test(component, () => assertRejects(withPatch(kind, patch), [type, supported]));
  }
});

describe('malformed tokenizer_config.json', () => {
  const tokenizerJson = JSON.stringify(fixture('llama2'));

  test('invalid JSON named', () => {
    assertRejects(tokenizerJson, [/tokenizer_config\.json is not valid JSON/], '{"add_bos_token": tru');
  });

  test('bos token outside vocabulary', () => {
    const config = JSON.stringify({ tokenizer_class: 'LlamaTokenizer', add_bos_token: true, bos_token: '<BOS>' });
    assertRejects(tokenizerJson, [/bos_token "<BOS>" is not in tokenizer\.json's vocabulary/], config);
  });

  test('eos token missing when requested', () => {
    const config = JSON.stringify({ tokenizer_class: 'LlamaTokenizerFast', add_eos_token: true });
    assertRejects(tokenizerJson, [/eos_token is needed by add_eos_token/], config);
  });
});

describe('decodeLabel', () => {
  test('unknown id rejected', () => {
    const tokenizer = Tokenizer.fromJson(JSON.stringify(fixture('gpt2')));
    assert.throws(() => tokenizer.decodeLabel(100000), (error: unknown) => error instanceof TokenizerError && /100000/.test(error.message));
  });
});
