import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const MODELS = join(ROOT, 'test', 'fixtures', 'models');
/** A real source file of this repository, as the command would be used. */
const SOURCE = join(ROOT, 'src', 'engine', 'tensor.ts');

interface CliOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: string[]): CliOutput {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonToken {
  readonly id: number;
  readonly label: string;
  /** Null for special tokens. */
  readonly start: number | null;
  readonly end: number | null;
  readonly special: boolean;
}

interface JsonOutput {
  readonly model: { readonly modelType: string; readonly layers: number; readonly heads: number };
  readonly tokens: JsonToken[];
  readonly droppedTokens: number;
  readonly attention: { readonly layer: number; readonly head: number | string; readonly rows: number[][] };
}

function assertRowsAreDistributions(rows: number[][], causal: boolean): void {
  rows.forEach((row, query) => {
    assert.equal(row.length, rows.length);
    const sum = row.reduce((total, value) => total + value, 0);
    assert.ok(Math.abs(sum - 1) <= 1e-5, `row ${query} sums to ${sum}`);
    if (causal) {
      for (let key = query + 1; key < row.length; key++) assert.equal(row[key], 0, `row ${query} sees future key ${key}`);
    }
  });
}

describe('attention-inspector analyze', () => {
  test('gpt2 fixture on a source range as JSON', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--range', '2:4-3:6', '--layer', '0', '--head', '3', '--json']);
    assert.equal(output.status, 0, output.stderr);
    const json = JSON.parse(output.stdout) as JsonOutput;
    assert.equal(json.model.modelType, 'gpt2');
    assert.deepEqual({ layer: json.attention.layer, head: json.attention.head }, { layer: 0, head: 3 });

    const fileText = readFileSync(SOURCE, 'utf8');
    const lineStarts = [0, ...[...fileText.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1)];
    const rangeStart = lineStarts[1] + 3;
    const rangeEnd = lineStarts[2] + 5;
    assert.equal(json.droppedTokens, 0);
    assert.equal(json.tokens[0].start, rangeStart, 'offsets count from the start of the file');
    assert.equal(json.tokens.at(-1)?.end, rangeEnd);
    for (const token of json.tokens) {
      assert.ok(token.start !== null, `token ${JSON.stringify(token)} has no start offset`);
      assert.ok(token.end !== null, `token ${JSON.stringify(token)} has no end offset`);
      assert.ok(token.start >= rangeStart, `token ${JSON.stringify(token)} starts before the range`);
      assert.ok(token.end <= rangeEnd, `token ${JSON.stringify(token)} ends after the range`);
      assert.ok(token.start < token.end, `token ${JSON.stringify(token)} is empty`);
    }
    assert.equal(json.tokens.map((token) => fileText.slice(token.start ?? 0, token.end ?? 0)).join(''), fileText.slice(rangeStart, rangeEnd));
    assertRowsAreDistributions(json.attention.rows, true);
  });

  test('bert fixture marks special tokens', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'bert'), '--file', SOURCE, '--range', '1:1-3:1', '--head', 'mean', '--json']);
    assert.equal(output.status, 0, output.stderr);
    const json = JSON.parse(output.stdout) as JsonOutput;
    assert.equal(json.attention.layer, json.model.layers - 1, 'the last layer by default');
    assert.equal(json.attention.head, 'mean');
    assert.deepEqual([json.tokens[0].label, json.tokens[0].special, json.tokens[0].start, json.tokens[0].end], ['[CLS]', true, null, null]);
    assert.match(output.stdout, /"start":null,"end":null/, 'special tokens have null offsets in the JSON text');
    assert.deepEqual([json.tokens.at(-1)?.label, json.tokens.at(-1)?.special], ['[SEP]', true]);
    assertRowsAreDistributions(json.attention.rows, false);
  });

  test('text output of the mistral fixture', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'mistral'), '--file', SOURCE, '--range', '1:1-12:1', '--max-tokens', '20', '--top', '2']);
    assert.equal(output.status, 0, output.stderr);
    assert.match(output.stdout, /^Model {4}mistral \(mistral, F32\): 3 layers, 4 heads \(1 key\/value\), head dim 8/);
    assert.match(output.stdout, /sliding window 8/);
    assert.match(output.stdout, /, 20 tokens\n/);
    assert.match(output.stdout, /tokens beyond the limit were dropped; raise --max-tokens/);
    assert.match(output.stdout, /\n {4}0 +1 +special/, 'BOS is listed as a special token');
    assert.match(output.stdout, /\nAttention, layer 2, head 0: the 2 keys each token attends to most\n/);
    assert.match(output.stdout, /\n {4}0  <s> +-> 0:<s> 1\.000\n/);
    assert.match(output.stdout, /\nTime {5}load \d+ ms, tokenize \d+ ms, forward \d+ ms, pattern \d+ ms, total \d+ ms\n$/);
  });

  test('invalid arguments exit with code 2 and usage', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2')]);
    assert.equal(output.status, 2);
    assert.equal(output.stdout, '');
    assert.match(output.stderr, /^attention-inspector: Missing --file PATH\.\nUsage: attention-inspector analyze --model DIR --file PATH \[options\]\n/);
  });

  test('layer out of range exits with code 2', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--layer', '2']);
    assert.equal(output.status, 2);
    assert.match(output.stderr, /--layer 2 is out of range; gpt2 has layers 0 to 1\./);
  });

  test('folder without model files exits with code 1', () => {
    const folder = join(ROOT, 'test', 'fixtures');
    const output = runCli(['analyze', '--model', 'test/fixtures', '--file', SOURCE]);
    assert.equal(output.status, 1);
    assert.equal(output.stdout, '');
    assert.ok(
      output.stderr.startsWith(`attention-inspector: The model folder ${folder} is missing config.json, tokenizer.json and model.safetensors. `),
      output.stderr,
    );
    assert.doesNotMatch(output.stderr, /Error:|Usage:/);
  });

  test('missing model folder exits with code 1', () => {
    const output = runCli(['analyze', '--model', '/nonexistent-model-folder', '--file', SOURCE]);
    assert.equal(output.status, 1);
    assert.match(output.stderr, /^attention-inspector: The model folder \/nonexistent-model-folder was not found\. Pass a Hugging Face model folder/);
    assert.doesNotMatch(output.stderr, /ENOENT|Usage:/);
  });

  test('model that fails to load names its full path', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-model-'));
    try {
      for (const name of ['config.json', 'tokenizer.json', 'model.safetensors']) writeFileSync(join(root, name), name === 'config.json' ? '{"model_type": ' : '{}');
      const output = runCli(['analyze', '--model', root, '--file', SOURCE]);
      assert.equal(output.status, 1);
      assert.match(output.stderr, new RegExp(`^attention-inspector: The model in ${root} could not be loaded: config\\.json is not valid JSON`));
      assert.doesNotMatch(output.stderr, /ConfigError/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('unusable text exits with code 2 without usage', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-text-'));
    try {
      const cases = [
        { content: '', expected: /^attention-inspector: The file \S+empty\.txt is empty: there is no text to analyze\.\n$/ },
        { content: ' \n\t\n', expected: /^attention-inspector: The file \S+whitespace\.txt contains only whitespace/ },
        { content: 'ab\ncd\u0000ef', expected: /^attention-inspector: The text looks binary: it contains a NUL character at line 2, column 3\. Attention Inspector analyzes text only\.\n$/ },
      ];
      for (const [index, name] of ['empty.txt', 'whitespace.txt', 'binary.txt'].entries()) {
        const file = join(root, name);
        writeFileSync(file, cases[index].content);
        const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', file]);
        assert.equal(output.status, 2, `${name}: ${output.stderr}`);
        assert.match(output.stderr, cases[index].expected);
      }
      const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', join(root, 'whitespace.txt'), '--range', '1:1-1:2']);
      assert.match(output.stderr, /^attention-inspector: The range 1:1-1:2 of \S+ contains only whitespace/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('missing text file exits with code 2', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', 'no-such-file.txt']);
    assert.equal(output.status, 2);
    assert.equal(output.stderr, 'attention-inspector: --file no-such-file.txt was not found.\n');
  });

  test('negative numbers get the usual message', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--layer', '-1']);
    assert.equal(output.status, 2);
    assert.match(output.stderr, /^attention-inspector: --layer -1 is invalid; expected an integer of at least 0\.\nUsage: /);
  });

  test('unknown option exits with code 2 and usage', () => {
    const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', SOURCE, '--bogus']);
    assert.equal(output.status, 2);
    assert.match(output.stderr, /^attention-inspector: Unknown option --bogus\.\nUsage: attention-inspector analyze/);
  });

  test('one character is counted in the singular', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-one-'));
    try {
      const file = join(root, 'one.txt');
      writeFileSync(file, 'x');
      const output = runCli(['analyze', '--model', join(MODELS, 'gpt2'), '--file', file, '--top', '1']);
      assert.equal(output.status, 0, output.stderr);
      assert.match(output.stdout, /\nText {5}\S+ 1:1-1:2, 1 character, 1 token\n/);
      assert.match(output.stdout, /: the key each token attends to most\n/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('--help prints the options', () => {
    const output = runCli(['--help']);
    assert.equal(output.status, 0);
    assert.match(output.stdout, /--range L:C-L:C/);
    assert.match(output.stdout, /null for special tokens/);
    assert.match(output.stdout, /Exit codes: 0 on success; 1 when the model folder is missing or the model\ncannot be loaded, or the analysis fails; 2 on invalid arguments/);
  });
});
