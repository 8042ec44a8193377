import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenFlag, type TokenTable } from '../../../src/protocol';
import { layoutTokens, type TokenLine } from '../../../webview/tokenLayout';

interface TokenSpec {
  start: number;
  end: number;
  label?: string;
  flags?: number;
}

function table(specs: TokenSpec[]): TokenTable {
  return {
    count: specs.length,
    ids: Int32Array.from(specs, (_, i) => i),
    starts: Int32Array.from(specs, (spec) => spec.start),
    ends: Int32Array.from(specs, (spec) => spec.end),
    flags: Uint8Array.from(specs, (spec) => spec.flags ?? 0),
    labels: specs.map((spec) => spec.label ?? ''),
  };
}

/** Renders lines as readable strings: [i:text] for tokens, {text} for uncovered text, ⏎i for a newline in token i. */
function show(lines: TokenLine[]): string[] {
  return lines.map((line) =>
    line.pieces
      .map((piece) => {
        switch (piece.kind) {
          case 'text':
            return piece.token < 0 ? `{${piece.text}}` : `[${piece.token}:${piece.text}]`;
          case 'newline':
            return `⏎${piece.token}`;
          case 'special':
            return `<${piece.token}:${piece.label}>`;
          case 'continuation':
            return `+${piece.token}`;
        }
      })
      .join(''),
  );
}

test('indentation and line breaks keep their places', () => {
  const text = 'def f():\n    return 1\n';
  const tokens = table([
    { start: 0, end: 3 },
    { start: 3, end: 5 },
    { start: 5, end: 8 },
    { start: 8, end: 9 },
    { start: 9, end: 13 },
    { start: 13, end: 19 },
    { start: 19, end: 21 },
    { start: 21, end: 22 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), [
    '[0:def][1: f][2:():]⏎3',
    '[4:    ][5:return][6: 1]⏎7',
    '',
  ]);
});

test('token spanning several line breaks', () => {
  const text = 'a.\n\nb';
  const tokens = table([
    { start: 0, end: 1 },
    { start: 1, end: 4 },
    { start: 4, end: 5 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:a][1:.]⏎1', '⏎1', '[2:b]']);
});

test('CRLF counts as one line break', () => {
  const text = 'x\r\ny';
  const tokens = table([
    { start: 0, end: 1 },
    { start: 1, end: 3 },
    { start: 3, end: 4 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:x]⏎1', '[2:y]']);
});

test('special tokens become badges in sequence order', () => {
  const text = 'hi there';
  const tokens = table([
    { start: -1, end: -1, label: '[CLS]', flags: TokenFlag.Special },
    { start: 0, end: 2 },
    { start: 3, end: 8 },
    { start: -1, end: -1, label: '[SEP]', flags: TokenFlag.Special },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['<0:[CLS]>[1:hi]{ }[2:there]<3:[SEP]>']);
});

test('partial-character tokens share one rendering of the character', () => {
  const text = 'a😀b';
  const partial = TokenFlag.PartialCharacter;
  const tokens = table([
    { start: 0, end: 1 },
    { start: 1, end: 3, flags: partial, label: '<0xF0 0x9F>' },
    { start: 1, end: 3, flags: partial, label: '<0x98 0x80>' },
    { start: 3, end: 4 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:a][1:😀]+2[3:b]']);
});

test('text past analysedLength is not shown', () => {
  const text = 'one two three';
  const tokens = table([
    { start: 0, end: 3 },
    { start: 3, end: 7 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, 7)), ['[0:one][1: two]']);
});

test('uncovered text and empty input', () => {
  assert.deepEqual(show(layoutTokens('', table([]), 0)), ['']);
  const text = '  a  ';
  assert.deepEqual(show(layoutTokens(text, table([{ start: 2, end: 3 }]), text.length)), ['{  }[0:a]{  }']);
});

test('tab and right-to-left text stay as written', () => {
  const text = '\tשלום';
  const tokens = table([
    { start: 0, end: 1 },
    { start: 1, end: 5 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:\t][1:שלום]']);
});
