import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseCommand, UsageError } from '../../../src/cli/args';
import { LineIndex, parseRange } from '../../../src/cli/text-range';

const REQUIRED = ['analyze', '--model', 'models/gpt2', '--file', 'a.ts'];

function assertUsageError(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseCommand(argv), (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected UsageError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parseCommand', () => {
  test('defaults', () => {
    assert.deepEqual(parseCommand(REQUIRED), {
      kind: 'analyze',
      options: { model: 'models/gpt2', file: 'a.ts', range: null, layer: null, head: 0, maxTokens: null, top: 3, json: false },
    });
  });

  test('every option', () => {
    const command = parseCommand([...REQUIRED, '--range', '2:3-4:1', '--layer', '1', '--head', 'max', '--max-tokens', '32', '--top', '5', '--json']);
    assert.deepEqual(command, {
      kind: 'analyze',
      options: {
        model: 'models/gpt2',
        file: 'a.ts',
        range: { start: { line: 2, column: 3 }, end: { line: 4, column: 1 } },
        layer: 1,
        head: 'max',
        maxTokens: 32,
        top: 5,
        json: true,
      },
    });
  });

  test('help wins over other arguments', () => {
    assert.deepEqual(parseCommand(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommand(['analyze', '-h', '--layer', 'x']), { kind: 'help' });
  });

  test('missing command', () => {
    assertUsageError([], /Missing command/);
  });

  test('unknown command', () => {
    assertUsageError(['explain', '--model', 'm', '--file', 'f'], /Unknown command "explain"/);
  });

  test('missing --model and --file', () => {
    assertUsageError(['analyze', '--file', 'a.ts'], /Missing --model DIR/);
    assertUsageError(['analyze', '--model', 'm'], /Missing --file PATH/);
  });

  test('unknown option', () => {
    assertUsageError([...REQUIRED, '--heads', '2'], /^Unknown option --heads\.$/);
    assertUsageError([...REQUIRED, '--bogus'], /^Unknown option --bogus\.$/);
    assertUsageError([...REQUIRED, '-x'], /^Unknown option -x\.$/);
  });

  test('option without its value', () => {
    assertUsageError(['analyze', '--file', 'a.ts', '--model'], /^--model requires a value\.$/);
    assertUsageError(['analyze', '--model', '--file', 'a.ts'], /^--model requires a value, but is followed by the option --file; write --model=--file/);
  });

  test('value that starts with a dash', () => {
    const command = parseCommand(['analyze', '--model=-models', '--file', 'a.ts']);
    assert.equal(command.kind === 'analyze' && command.options.model, '-models');
  });

  test('flag with a value', () => {
    assertUsageError([...REQUIRED, '--json=yes'], /^--json takes no value, but got "yes"\.$/);
  });

  test('extra positional argument', () => {
    assertUsageError([...REQUIRED, 'b.ts'], /Unexpected argument "b\.ts"/);
  });

  test('invalid numbers', () => {
    assertUsageError([...REQUIRED, '--layer=-1'], /^--layer -1 is invalid; expected an integer of at least 0\.$/);
    assertUsageError([...REQUIRED, '--layer', '-1'], /^--layer -1 is invalid; expected an integer of at least 0\.$/);
    assertUsageError([...REQUIRED, '--top', '-3'], /^--top -3 is invalid; expected an integer of at least 1\.$/);
    assertUsageError([...REQUIRED, '--layer', '1.5'], /^--layer 1\.5 is invalid/);
    assertUsageError([...REQUIRED, '--head', 'all'], /^--head all is invalid; expected a head number from 0, "mean" or "max"\.$/);
    assertUsageError([...REQUIRED, '--head', '-2'], /^--head -2 is invalid/);
    assertUsageError([...REQUIRED, '--max-tokens', '0'], /^--max-tokens 0 is invalid; expected an integer of at least 1\.$/);
    assertUsageError([...REQUIRED, '--top', ''], /^--top "" is invalid/);
  });

  test('invalid ranges', () => {
    for (const range of ['3:1', '0:1-2:1', '1:0-2:1', '1:1-2', 'a:b-c:d', '1:1 - 2:1']) {
      assertUsageError([...REQUIRED, '--range', range], /^--range .* is invalid; expected LINE:COLUMN-LINE:COLUMN/);
    }
  });
});

describe('LineIndex', () => {
  const text = 'ab\r\ncd\nef\rg';
  const lines = new LineIndex(text);

  test('counts lines for each line break style', () => {
    assert.equal(lines.lineCount, 4);
  });

  test('offsets of positions', () => {
    assert.equal(lines.offsetOf({ line: 1, column: 1 }), 0);
    assert.equal(lines.offsetOf({ line: 1, column: 3 }), 2, 'the end of a line is a valid position');
    assert.equal(lines.offsetOf({ line: 2, column: 2 }), 5);
    assert.equal(lines.offsetOf({ line: 4, column: 2 }), 11);
  });

  test('positions out of range are explained', () => {
    assert.equal(lines.offsetOf({ line: 1, column: 4 }), 'column 4 is past the end of line 1, which has 2 characters');
    assert.equal(lines.offsetOf({ line: 5, column: 1 }), 'line 5 is past the last line, 4');
  });

  test('positions of offsets', () => {
    assert.deepEqual(lines.positionOf(0), { line: 1, column: 1 });
    assert.deepEqual(lines.positionOf(3), { line: 1, column: 4 }, 'the \\n of \\r\\n belongs to line 1');
    assert.deepEqual(lines.positionOf(4), { line: 2, column: 1 });
    assert.deepEqual(lines.positionOf(10), { line: 4, column: 1 });
  });

  test('parseRange rejects zero', () => {
    assert.equal(parseRange('1:1-1:0'), null);
    assert.deepEqual(parseRange('10:2-11:30'), { start: { line: 10, column: 2 }, end: { line: 11, column: 30 } });
  });
});
