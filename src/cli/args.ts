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
  --file PATH       Text file to analyze (UTF-8).
  --range L:C-L:C   Part of the file to analyze, from the first position to the
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
  --json            Print one JSON object instead of text: model, tokens
                    (id, label, start, end, special, partialCharacter) and
                    attention (the chosen head's rows). start and end are
                    UTF-16 offsets from the start of the file, the end
                    exclusive, and null for special tokens such as BOS.
  -h, --help        Print this help.

Exit codes: 0 on success; 1 when the model folder is missing or the model
cannot be loaded, or the analysis fails; 2 on invalid arguments, including
a file that is missing, empty, only whitespace or binary.`;

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
    this.name = new.target.name;
  }
}

/** A --file that is missing, unreadable, empty, only whitespace or binary; the CLI exits with code 2 without the usage. */
export class InputFileError extends UsageError {}

const OPTIONS = {
  model: { type: 'string' },
  file: { type: 'string' },
  range: { type: 'string' },
  layer: { type: 'string' },
  head: { type: 'string' },
  'max-tokens': { type: 'string' },
  top: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

export function parseCommand(argv: readonly string[]): Command {
  // Non-strict parsing keeps a value that starts with a dash, such as "--layer -1",
  // and reports unknown options as tokens, so the checks below word every error.
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const values: Partial<Record<OptionName, string | true>> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (!isOptionName(token.name)) throw new UsageError(`Unknown option ${token.rawName}.`);
    values[token.name] = optionValue(token.name, token.rawName, token.value, token.inlineValue);
  }
  if (values.help === true) return { kind: 'help' };

  if (positionals.length === 0) throw new UsageError('Missing command; the only command is "analyze".');
  if (positionals[0] !== 'analyze') throw new UsageError(`Unknown command "${positionals[0]}"; the only command is "analyze".`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}".`);
  const model = stringValue(values.model);
  const file = stringValue(values.file);
  if (model === undefined) throw new UsageError('Missing --model DIR.');
  if (file === undefined) throw new UsageError('Missing --file PATH.');

  const range = stringValue(values.range);
  const layer = stringValue(values.layer);
  const maxTokens = stringValue(values['max-tokens']);
  const top = stringValue(values.top);
  return {
    kind: 'analyze',
    options: {
      model,
      file,
      range: range === undefined ? null : parseRangeArgument(range),
      layer: layer === undefined ? null : parseCount('--layer', layer, 0),
      head: parseHead(stringValue(values.head)),
      maxTokens: maxTokens === undefined ? null : parseCount('--max-tokens', maxTokens, 1),
      top: top === undefined ? 3 : parseCount('--top', top, 1),
      json: values.json === true,
    },
  };
}

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

/** Checks one option's value: a string option needs one, a flag takes none. */
function optionValue(name: OptionName, rawName: string, value: string | undefined, inlineValue: boolean | undefined): string | true {
  if (OPTIONS[name].type === 'boolean') {
    if (value !== undefined) throw new UsageError(`${rawName} takes no value, but got "${value}".`);
    return true;
  }
  // "--model --json" means the value was forgotten; "--layer -1" is a value to check later.
  if (value === undefined) throw new UsageError(`${rawName} requires a value.`);
  if (inlineValue === false && /^--?[a-z]/i.test(value)) {
    throw new UsageError(`${rawName} requires a value, but is followed by the option ${value}; write ${rawName}=${value} if that is the value.`);
  }
  return value;
}

function stringValue(value: string | true | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseRangeArgument(text: string): TextRange {
  const range = parseRange(text);
  if (range === null) {
    throw new UsageError(`--range ${quoteValue(text)} is invalid; expected LINE:COLUMN-LINE:COLUMN with 1-based numbers, e.g. 3:1-7:12.`);
  }
  return range;
}

/** Parses a decimal integer of at least `minimum`. */
function parseCount(option: string, text: string, minimum: number): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < minimum) {
    throw new UsageError(`${option} ${quoteValue(text)} is invalid; expected an integer of at least ${minimum}.`);
  }
  return Number(text);
}

function parseHead(text: string | undefined): number | 'mean' | 'max' {
  if (text === undefined) return 0;
  if (text === 'mean' || text === 'max') return text;
  if (!/^\d+$/.test(text)) throw new UsageError(`--head ${quoteValue(text)} is invalid; expected a head number from 0, "mean" or "max".`);
  return parseCount('--head', text, 0);
}

/** Shows a value as typed, in quotes only when it is empty or contains whitespace. */
function quoteValue(text: string): string {
  return /^\S+$/.test(text) ? text : JSON.stringify(text);
}
