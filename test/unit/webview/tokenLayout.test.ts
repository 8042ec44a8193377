import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenFlag, type TokenTable } from '../../../src/protocol';
import { describeSharedPart, layoutTokens, type LinePiece, type TokenLine } from '../../../webview/tokenLayout';

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

/**
 * Renders lines as readable strings: [i:text] for tokens, {text} for uncovered text, ⏎i for a newline in token i,
 * ␍i for the CR of a CRLF split across tokens, (text|i,j) for a character shared by tokens i and j.
 */
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
          case 'carriageReturn':
            return `␍${piece.token}`;
          case 'shared':
            return `(${piece.text}|${piece.parts.map((part) => part.token).join(',')})`;
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
    { start: 0, end: 1, label: 'a' },
    { start: 1, end: 3, flags: partial, label: '<0xF0><0x9F>' },
    { start: 1, end: 3, flags: partial, label: '<0x98><0x80>' },
    { start: 3, end: 4, label: 'b' },
  ]);
  const lines = layoutTokens(text, tokens, text.length);
  assert.deepEqual(show(lines), ['[0:a](😀|1,2)[3:b]']);
  const shared = lines[0].pieces[1] as Extract<LinePiece, { kind: 'shared' }>;
  assert.deepEqual(shared.parts.map(describeSharedPart), ['part of a character: bytes 1–2 of 4', 'part of a character: bytes 3–4 of 4']);
});

test('token with whole characters and part of the next', () => {
  // As GPT-2 splits " 中": "Ġä" holds the space and the first byte, "¸Ń" the other two.
  const text = 'x 中';
  const partial = TokenFlag.PartialCharacter;
  const tokens = table([
    { start: 0, end: 1, label: 'x' },
    { start: 1, end: 3, flags: partial, label: '␣<0xE4>' },
    { start: 2, end: 3, flags: partial, label: '<0xB8><0xAD>' },
  ]);
  const lines = layoutTokens(text, tokens, text.length);
  assert.deepEqual(show(lines), ['[0:x][1: ](中|1,2)']);
  const shared = lines[0].pieces[2] as Extract<LinePiece, { kind: 'shared' }>;
  assert.deepEqual(shared.parts.map(describeSharedPart), ['part of a character: byte 1 of 3', 'part of a character: bytes 2–3 of 3']);
});

test('emoji sequence is one character for its byte tokens', () => {
  // Family: man ZWJ woman, 4 + 3 + 4 bytes, one byte token each: one grapheme cluster, shown once.
  const text = '👨\u200d👩.';
  const bytes = [...new TextEncoder().encode('👨\u200d👩')];
  const ranges = [0, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3].map((start, i) => ({ start, end: i < 4 ? 2 : i < 7 ? 3 : 5 }));
  const tokens = table([
    ...ranges.map((range, i) => ({ ...range, flags: TokenFlag.PartialCharacter, label: `<0x${bytes[i].toString(16).toUpperCase()}>` })),
    { start: 5, end: 6, label: '.' },
  ]);
  const lines = layoutTokens(text, tokens, text.length);
  assert.deepEqual(show(lines), ['(👨\u200d👩|0,1,2,3,4,5,6,7,8,9,10)[11:.]']);
  const shared = lines[0].pieces[0] as Extract<LinePiece, { kind: 'shared' }>;
  assert.equal(describeSharedPart(shared.parts[5]), 'part of a character: byte 6 of 11');
});

test('combining mark shares its base character', () => {
  const text = 'e\u0301 ';
  const tokens = table([
    { start: 0, end: 1, label: 'e' },
    { start: 1, end: 2, flags: TokenFlag.PartialCharacter, label: '<0xCC>' },
    { start: 1, end: 2, flags: TokenFlag.PartialCharacter, label: '<0x81>' },
    { start: 2, end: 3, label: '␣' },
  ]);
  const lines = layoutTokens(text, tokens, text.length);
  assert.deepEqual(show(lines), ['(e\u0301|0,1,2)[3: ]']);
  const shared = lines[0].pieces[0] as Extract<LinePiece, { kind: 'shared' }>;
  assert.deepEqual(shared.parts.map((part) => [part.firstByte, part.lastByte]), [[1, 1], [2, 2], [3, 3]]);
});

test('unreadable byte counts leave bytes unnumbered', () => {
  const text = '😀';
  const tokens = table([
    { start: 0, end: 2, flags: TokenFlag.PartialCharacter, label: 'unexpected label' },
    { start: 0, end: 2, flags: TokenFlag.PartialCharacter, label: '<0x80>' },
  ]);
  const shared = layoutTokens(text, tokens, text.length)[0].pieces[0] as Extract<LinePiece, { kind: 'shared' }>;
  assert.equal(describeSharedPart(shared.parts[0]), 'part of a character of 4 bytes');
});

test('CRLF split into CR and LF tokens breaks the line once', () => {
  const text = 'a.\r\nb\r\n';
  const tokens = table([
    { start: 0, end: 1 },
    { start: 1, end: 3 },
    { start: 3, end: 4 },
    { start: 4, end: 5 },
    { start: 5, end: 6 },
    { start: 6, end: 7 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:a][1:.]␍1⏎2', '[3:b]␍4⏎5', '']);
});

test('lone CR is a line break', () => {
  const text = 'a\rb';
  const tokens = table([
    { start: 0, end: 2 },
    { start: 2, end: 3 },
  ]);
  assert.deepEqual(show(layoutTokens(text, tokens, text.length)), ['[0:a]⏎0', '[1:b]']);
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

test('line direction follows its first letter', () => {
  const text = 'ab\nשלום: x\n: مرحبا\n123';
  const tokens = table([{ start: 0, end: text.length }]);
  assert.deepEqual(layoutTokens(text, tokens, text.length).map((line) => line.direction), ['ltr', 'rtl', 'rtl', 'ltr']);
});
