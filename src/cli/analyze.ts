/** `attention-inspector analyze`: loads a model, analyzes a file or part of it, and prints one head's attention. */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import type { ModelFolder } from '../engine/checkpoint';
import { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { checkInputText } from '../engine/inputText';
import type { ModelInfo, PatternSelection } from '../protocol';
import { InputFileError, UsageError, type AnalyzeArguments } from './args';
import { errorCode, ModelError, readModelFolder } from './model-folder';
import { formatJson, formatText } from './report';
import { LineIndex } from './text-range';

/** Runs the analysis and returns the text to print on standard output. */
export async function runAnalyze(options: AnalyzeArguments): Promise<string> {
  const started = performance.now();
  const folder = readModelFolder(options.model);
  checkFile(options.file);

  const fileText = readText(options.file);
  const lines = new LineIndex(fileText);
  const [begin, end] = selectOffsets(lines, options);
  const text = fileText.slice(begin, end);
  const subject = options.range === null ? `The file ${options.file}` : `The range ${formatRange(options)} of ${options.file}`;
  const rejected = checkInputText(text, subject, (offset) => lines.positionOf(begin + offset));
  if (rejected) throw new InputFileError(rejected.message);

  const engine = new Engine();
  const model = await loadModel(engine, folder, options.model);
  const loadMs = performance.now() - started;

  const layer = options.layer ?? model.layers - 1;
  if (layer >= model.layers) throw new UsageError(`--layer ${layer} is out of range; ${model.name} has layers 0 to ${model.layers - 1}.`);
  if (typeof options.head === 'number' && options.head >= model.heads) {
    throw new UsageError(`--head ${options.head} is out of range; ${model.name} has heads 0 to ${model.heads - 1}.`);
  }
  if (options.maxTokens !== null && options.maxTokens > model.maxPositions) {
    throw new UsageError(`--max-tokens ${options.maxTokens} is more than the model's ${model.maxPositions} positions.`);
  }

  const summary = await engine.analyze(text, options.maxTokens ?? model.maxPositions);
  const patternStarted = performance.now();
  const selection: PatternSelection = { layer, head: options.head };
  const block = engine.patterns(summary.analysisId, [selection]);
  const patternMs = performance.now() - patternStarted;

  const report = {
    file: options.file,
    model,
    summary,
    baseOffset: begin,
    lines,
    selection,
    pattern: block.data.subarray(0, block.tokenCount * block.tokenCount),
    top: options.top,
    timings: { loadMs, patternMs, totalMs: performance.now() - started },
  };
  return options.json ? formatJson(report) : formatText(report);
}

/** Loads the model, turning an engine error into one that names the folder's full path. */
async function loadModel(engine: Engine, folder: ModelFolder, directory: string): Promise<ModelInfo> {
  try {
    return await engine.loadModel(folder);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    throw new ModelError(`The model in ${resolve(directory)} could not be loaded: ${error.message}`);
  }
}

function checkFile(path: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new InputFileError(`--file ${path} was not found.`);
    throw new InputFileError(`--file ${path} cannot be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (isDirectory) throw new InputFileError(`--file ${path} is a folder; pass a text file.`);
}

function formatRange(options: AnalyzeArguments): string {
  const range = options.range;
  return range === null ? '' : `${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column}`;
}

/** Reads UTF-8 text, dropping a byte order mark as editors do, so columns match theirs. */
function readText(path: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    throw new InputFileError(`--file ${path} is not UTF-8 text (${error instanceof Error ? error.message : String(error)}).`);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function selectOffsets(lines: LineIndex, options: AnalyzeArguments): [number, number] {
  if (options.range === null) return [0, Number.MAX_SAFE_INTEGER];
  const start = lines.offsetOf(options.range.start);
  const end = lines.offsetOf(options.range.end);
  if (typeof start === 'string') throw new UsageError(`--range start is invalid: ${start}.`);
  if (typeof end === 'string') throw new UsageError(`--range end is invalid: ${end}.`);
  if (end < start) throw new UsageError('--range ends before it starts.');
  return [start, end];
}
