/** Command-line argument parsing for `attention-inspector`. */
import { parseArgs } from 'node:util';

import { parseRange, type TextRange } from './text-range';

export const SYNOPSIS = 'Usage: attention-inspector analyze --model DIR --file PATH [options]';

export const USAGE = `${SYNOPSIS}

Runs a Hugging Face model over a text file and prints its tokens and one
attention head: for each token, the tokens it attends to most.

Options:
  --model DIR       Hugging Face model folder: config.json, tokenizer.json and
                    model.safetensors (or a sharded model.safetensors.index.json).
  --file PATH       Text file to analyse (UTF-8).
  --range L:C-L:C   Part of the file to analyse, from the first position to the
                    position just after the last character, as an editor's
                    cursor shows them (1-based lines and columns; a column
                    counts UTF-16 code units). Default: the whole file.
  --layer N         Layer to show, counted from 0. Default: the last layer.
  --head N          Head to show, counted from 0, or "mean" or "max" to
                    combine the layer's heads. Default: 0.
  --max-tokens N    Maximum tokens, counting special tokens; tokens beyond it
                    are dropped from the end. Default and upper limit: the
                    model's maximum positions.
  --top N           Attended tokens listed per token. Default: 3.
  --json            Print one JSON object with model, tokens and attention
                    (the chosen head's rows) instead of text.
  -h, --help        Print this help.

Exit codes: 0 on success, 1 when the model or the analysis fails, 2 on
invalid arguments.`;

export interface AnalyzeArguments {
  readonly model: string;
  readonly file: string;
  readonly range: TextRange | null;
  /** Null: the model's last layer. */
  readonly layer: number | null;
  readonly head: number | 'mean' | 'max';
  /** Null: the model's maximum positions. */
  readonly maxTokens: number | null;
  readonly top: number;
  readonly json: boolean;
}

export type Command = { readonly kind: 'help' } | { readonly kind: 'analyze'; readonly options: AnalyzeArguments };

/** Invalid command-line arguments; the CLI prints the message and the usage and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // parseArgs throws TypeError with a code ERR_PARSE_ARGS_* for unknown options and missing values.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };

  if (positionals.length === 0) throw new UsageError('Missing command; the only command is "analyze".');
  if (positionals[0] !== 'analyze') throw new UsageError(`Unknown command "${positionals[0]}"; the only command is "analyze".`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}".`);
  if (values.model === undefined) throw new UsageError('Missing --model DIR.');
  if (values.file === undefined) throw new UsageError('Missing --file PATH.');

  return {
    kind: 'analyze',
    options: {
      model: values.model,
      file: values.file,
      range: values.range === undefined ? null : parseRangeArgument(values.range),
      layer: values.layer === undefined ? null : parseCount('--layer', values.layer, 0),
      head: parseHead(values.head),
      maxTokens: values['max-tokens'] === undefined ? null : parseCount('--max-tokens', values['max-tokens'], 1),
      top: values.top === undefined ? 3 : parseCount('--top', values.top, 1),
      json: values.json === true,
    },
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string' },
      file: { type: 'string' },
      range: { type: 'string' },
      layer: { type: 'string' },
      head: { type: 'string' },
      'max-tokens': { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parseRangeArgument(text: string): TextRange {
  const range = parseRange(text);
  if (range === null) {
    throw new UsageError(`--range "${text}" is invalid; expected LINE:COLUMN-LINE:COLUMN with 1-based numbers, e.g. 3:1-7:12.`);
  }
  return range;
}

/** Parses a decimal integer of at least `minimum`. */
function parseCount(option: string, text: string, minimum: number): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < minimum) {
    throw new UsageError(`${option} "${text}" is invalid; expected an integer of at least ${minimum}.`);
  }
  return Number(text);
}

function parseHead(text: string | undefined): number | 'mean' | 'max' {
  if (text === undefined) return 0;
  if (text === 'mean' || text === 'max') return text;
  return parseCount('--head', text, 0);
}
