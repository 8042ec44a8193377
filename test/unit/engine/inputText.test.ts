import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { checkInputText, type TextLocation } from '../../../src/engine/inputText';

/** Locates offsets in `text` by counting "\n" line breaks, as an editor would. */
function locator(text: string): (offset: number) => TextLocation {
  return (offset) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  };
}

function check(text: string, subject = 'The selection') {
  return checkInputText(text, subject, locator(text));
}

describe('checkInputText', () => {
  test('ordinary text passes', () => {
    assert.equal(check('def f():\n    return 1\n'), null);
    assert.equal(check(' x '), null);
  });

  test('empty text', () => {
    assert.deepEqual(check('', 'The document'), { problem: 'empty', message: 'The document is empty: there is no text to analyze.' });
  });

  test('whitespace only', () => {
    for (const text of [' ', '\n\n', '\t \r\n', '\u00a0\u2003']) {
      const rejected = check(text);
      assert.equal(rejected?.problem, 'whitespace', JSON.stringify(text));
      assert.equal(rejected?.message, 'The selection contains only whitespace: choose text with at least one other character to analyze.');
    }
  });

  test('NUL character names its line and column', () => {
    const rejected = check('PK\u0003\u0004\nab\u0000cd');
    assert.equal(rejected?.problem, 'binary');
    assert.equal(rejected?.message, 'The text looks binary: it contains a NUL character at line 2, column 3. Attention Inspector analyzes text only.');
  });

  test('whitespace around NUL is binary, not whitespace', () => {
    assert.equal(check(' \u0000 ')?.problem, 'binary');
  });
});
