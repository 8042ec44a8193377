#!/usr/bin/env node
/** Entry point of the `attention-inspector` command; bundled to dist/cli/main.js. */
import { EngineError } from '../engine/errors';
import { InputFileError, SYNOPSIS, UsageError, USAGE, parseCommand } from './args';
import { runAnalyze } from './analyze';
import { ModelError } from './model-folder';

/** Runs the command line and returns the exit code: 0 success, 1 a missing or broken model or a failed analysis, 2 invalid arguments. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stdout.write(await runAnalyze(command.options));
    return 0;
  } catch (error) {
    if (error instanceof InputFileError) {
      process.stderr.write(`attention-inspector: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`attention-inspector: ${error.message}\n${SYNOPSIS}\nRun "attention-inspector --help" for the options.\n`);
      return 2;
    }
    if (error instanceof ModelError || error instanceof EngineError) {
      process.stderr.write(`attention-inspector: ${error.message}\n`);
      return 1;
    }
    // Anything else is a bug in the engine or the CLI, so print the stack for the bug report.
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    process.stderr.write(`attention-inspector: unexpected error: ${detail}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
