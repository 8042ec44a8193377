/**
 * Labels, flags, special tokens and tokenizer_config.json settings of the token
 * table, on the fixture tokenizers written by tools/make_tokenizer_fixtures.mjs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenFlag, type TokenTable } from '../../../src/protocol';
import { Tokenizer } from '../../../src/tokenizer/index';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tokenizers');

function readFixture(kind: string, file = 'tokenizer.json'): string {
  return readFileSync(join(FIXTURES, kind, file), 'utf8');
}

function load(kind: string): Tokenizer {
  return Tokenizer.fromJson(readFixture(kind));
}

/** Rows of the table as [label, start, end, flags], for readable failures. */
function rows(table: TokenTable): [string, number, number, number][] {
  return table.labels.map((label, i) => [label, table.starts[i], table.ends[i], table.flags[i]]);
}

describe('token labels', () => {
  test('byte-level markers for space, newline, tab, CR', () => {
    const table = load('gpt2').encode(' \n\t\r');
    const labels = table.labels.join('');
    assert.equal(labels, '␣↵⇥␍');
    assert.ok(!/[ĠĊĉč]/.test(labels), `labels still hold byte-level characters: ${labels}`);
  });

  test('byte-level word keeps its space marker', () => {
    const table = load('gpt2').encode('in the sun');
    assert.ok(table.labels.includes('␣the'), `labels: ${table.labels.join(' | ')}`);
  });

  test('sentencepiece metaspace shown as space marker', () => {
    const table = load('llama2').encode('the sun');
    assert.ok(table.labels.every((label) => !label.includes('▁')), `labels: ${table.labels.join(' | ')}`);
    assert.ok(table.labels.some((label) => label.startsWith('␣')), `labels: ${table.labels.join(' | ')}`);
  });

  test('sentencepiece byte token for tab shown as tab', () => {
    // The fixture vocabulary has no tab piece, so byte fallback gives <0x09> (id 3 + 9).
    const table = load('llama2').encode('a\tb', { addSpecialTokens: false });
    const index = table.labels.indexOf('⇥');
    assert.ok(index >= 0, `labels: ${table.labels.join(' | ')}`);
    assert.equal(table.ids[index], 12);
    assert.equal(table.flags[index] & TokenFlag.PartialCharacter, 0);
  });

  test('wordpiece continuation keeps ## prefix', () => {
    const table = load('bert').encode('tokens');
    assert.deepEqual(table.labels, ['[CLS]', 'token', '##s', '[SEP]']);
  });

  test('decodeLabel matches encode labels', () => {
    const tokenizer = load('gpt2');
    const table = tokenizer.encode('the lazy\tdog\n');
    table.ids.forEach((id, i) => assert.equal(tokenizer.decodeLabel(id), table.labels[i]));
  });

  test('decodeLabel of a special token', () => {
    const tokenizer = load('bert');
    assert.equal(tokenizer.decodeLabel(2), '[CLS]');
  });
});

describe('partial characters', () => {
  for (const kind of ['gpt2', 'llama3', 'llama2', 'mistral']) {
    test(`${kind}: emoji bytes share its range`, () => {
      const text = 'x \u{1F600} y';
      const table = load(kind).encode(text, { addSpecialTokens: false });
      const emojiStart = text.indexOf('\u{1F600}');
      const partial = rows(table).filter(([, , , flags]) => flags & TokenFlag.PartialCharacter);
      assert.equal(partial.length, 4, `rows: ${JSON.stringify(rows(table))}`);
      for (const [label, start, end] of partial) {
        assert.equal(start, emojiStart);
        assert.equal(end, emojiStart + 2);
        assert.match(label, /^<0x[0-9A-F]{2}>$/);
      }
    });
  }

  test('whole multibyte character is not partial', () => {
    const table = load('gpt2').encode('\u00e9');
    assert.deepEqual(rows(table), [['é', 0, 1, 0]]);
  });

  test('ZWJ sequence keeps each character range', () => {
    const text = '\u{1F469}\u200d\u{1F4BB}';
    const table = load('gpt2').encode(text);
    const ranges = new Set(rows(table).map(([, start, end]) => `${start}-${end}`));
    assert.deepEqual([...ranges], ['0-2', '2-3', '3-5']);
  });

  test('wordpiece never marks partial characters', () => {
    const table = load('bert').encode('\u{1F600} 日本');
    assert.ok(table.flags.every((flag) => (flag & TokenFlag.PartialCharacter) === 0));
  });
});

describe('special tokens', () => {
  test('bert adds CLS and SEP without a range', () => {
    const table = load('bert').encode('the dog');
    assert.deepEqual(rows(table)[0], ['[CLS]', -1, -1, TokenFlag.Special]);
    assert.deepEqual(rows(table)[table.count - 1], ['[SEP]', -1, -1, TokenFlag.Special]);
  });

  test('typed [SEP] is special with its range', () => {
    const text = 'a [SEP] b';
    const table = load('bert').encode(text, { addSpecialTokens: false });
    const index = table.labels.indexOf('[SEP]');
    assert.equal(table.starts[index], 2);
    assert.equal(table.ends[index], 7);
    assert.equal(table.flags[index], TokenFlag.Special);
    assert.equal(table.ids[index], 3);
  });

  test('llama3 adds begin_of_text first', () => {
    const table = load('llama3').encode('hello');
    assert.equal(table.labels[0], '<|begin_of_text|>');
    assert.equal(table.starts[0], -1);
    assert.equal(table.flags[0], TokenFlag.Special);
  });

  test('addSpecialTokens false adds none', () => {
    const table = load('llama2').encode('hello', { addSpecialTokens: false });
    assert.ok(table.flags.every((flag) => (flag & TokenFlag.Special) === 0));
    assert.ok(table.starts.every((start) => start >= 0));
  });

  test('empty text gives only added tokens', () => {
    assert.deepEqual(rows(load('bert').encode('')), [
      ['[CLS]', -1, -1, TokenFlag.Special],
      ['[SEP]', -1, -1, TokenFlag.Special],
    ]);
    assert.equal(load('gpt2').encode('').count, 0);
  });

  test('model unknown token is not special', () => {
    const table = load('bert').encode('\u2603', { addSpecialTokens: false });
    assert.deepEqual(rows(table), [['[UNK]', 0, 1, 0]]);
  });
});

describe('tokenizer_config.json', () => {
  const llamaConfig = JSON.parse(readFixture('llama2', 'tokenizer_config.json')) as Record<string, unknown>;

  test('llama add_bos_token false drops BOS', () => {
    const config = JSON.stringify({ ...llamaConfig, add_bos_token: false });
    const table = Tokenizer.fromJson(readFixture('llama2'), config).encode('hello');
    assert.ok(!table.labels.includes('<s>'), `labels: ${table.labels.join(' | ')}`);
  });

  test('llama add_eos_token true appends EOS', () => {
    const config = JSON.stringify({ ...llamaConfig, add_eos_token: true });
    const table = Tokenizer.fromJson(readFixture('llama2'), config).encode('hello');
    assert.equal(table.labels[0], '<s>');
    assert.equal(table.labels[table.count - 1], '</s>');
    assert.equal(table.ids[table.count - 1], 2);
    assert.equal(table.starts[table.count - 1], -1);
  });

  test('fixture config keeps the template ids', () => {
    const plain = load('llama2').encode('hello there');
    const configured = Tokenizer.fromJson(readFixture('llama2'), readFixture('llama2', 'tokenizer_config.json')).encode('hello there');
    assert.deepEqual([...configured.ids], [...plain.ids]);
  });

  test('flags ignored for other tokenizer classes', () => {
    const config = JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', add_bos_token: false, bos_token: '<|begin_of_text|>' });
    const table = Tokenizer.fromJson(readFixture('llama3'), config).encode('hello');
    assert.equal(table.labels[0], '<|begin_of_text|>');
  });

  test('bos_token object form accepted', () => {
    const config = JSON.stringify({ ...llamaConfig, add_eos_token: true, eos_token: { content: '</s>', special: true } });
    const table = Tokenizer.fromJson(readFixture('llama2'), config).encode('a');
    assert.equal(table.labels[table.count - 1], '</s>');
  });
});

describe('offsets in UTF-16 code units', () => {
  test('CRLF, tabs and astral characters keep their places', () => {
    const text = 'a\r\n\tb \u{1F600}c';
    const tokenizer = load('llama3');
    const table = tokenizer.encode(text, { addSpecialTokens: false });
    for (let i = 0; i < table.count; i++) {
      assert.ok(table.starts[i] >= 0, `token ${i} starts at ${table.starts[i]}`);
      assert.ok(table.ends[i] <= text.length, `token ${i} ends at ${table.ends[i]}`);
      assert.ok(table.starts[i] < table.ends[i], `token ${i} is empty`);
    }
    assert.equal(table.ends[table.count - 1], text.length);
  });

  test('vocabSize counts model and added tokens', () => {
    assert.equal(load('gpt2').vocabSize, 400);
    assert.equal(load('llama3').vocabSize, 451);
    assert.equal(load('bert').vocabSize, 393);
  });
});
