import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatCount, formatNumber } from '../../../src/host/format';

test('formatNumber groups digits', () => {
  assert.equal(formatNumber(1032226), '1,032,226');
  assert.equal(formatNumber(5778), '5,778');
  assert.equal(formatNumber(512), '512');
});

test('formatCount is singular for one', () => {
  assert.equal(formatCount(1, 'token'), '1 token');
  assert.equal(formatCount(0, 'token'), '0 tokens');
  assert.equal(formatCount(5778, 'more token'), '5,778 more tokens');
});
