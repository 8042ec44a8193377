/**
 * Times the tokenizer on about 1 MB of source text with each fixture tokenizer,
 * and on a quarter of it, so that a non-linear cost shows as a ratio well above 4.
 * Run by hand; nothing is asserted.
 *
 *   node --import tsx tools/bench_tokenizer.ts [MEGABYTES]
 *
 * The text is this repository's src/ and tools/ files and TypeScript's lib/*.d.ts
 * from node_modules, repeated until it is long enough.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '../src/tokenizer/index';

const ROOT = join(__dirname, '..');
const KINDS = ['gpt2', 'llama3', 'llama2', 'mistral', 'bert'];

function collectSources(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collectSources(path, out);
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(readFileSync(path, 'utf8'));
  }
}

function sourceText(length: number): string {
  const parts: string[] = [];
  collectSources(join(ROOT, 'src'), parts);
  collectSources(join(ROOT, 'tools'), parts);
  collectSources(join(ROOT, 'node_modules', 'typescript', 'lib'), parts);
  let text = parts.join('\n');
  while (text.length < length) text += `\n${text}`;
  return text.slice(0, length);
}

function main(): void {
  const megabytes = Number(process.argv[2] ?? '1');
  const length = Math.round(megabytes * 1024 * 1024);
  const text = sourceText(length);
  const quarter = text.slice(0, Math.floor(length / 4));
  process.stdout.write(`${text.length} UTF-16 code units of source text\n`);
  for (const kind of KINDS) {
    const tokenizer = Tokenizer.fromJson(readFileSync(join(ROOT, 'test', 'fixtures', 'tokenizers', kind, 'tokenizer.json'), 'utf8'));
    const quarterRun = timed(() => tokenizer.encode(quarter).count);
    const fullRun = timed(() => tokenizer.encode(text).count);
    process.stdout.write(
      `${kind.padEnd(8)} ${String(fullRun.tokens).padStart(8)} tokens  wall ${fullRun.wallMs.toFixed(0).padStart(5)} ms  ` +
        `CPU ${fullRun.cpuMs.toFixed(0).padStart(5)} ms  (quarter: CPU ${quarterRun.cpuMs.toFixed(0)} ms, ` +
        `ratio ${(fullRun.cpuMs / quarterRun.cpuMs).toFixed(1)})\n`,
    );
  }
}

/** Runs `encode` once; CPU time (user + system) is less disturbed than wall time by other processes. */
function timed(encode: () => number): { tokens: number; wallMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const tokens = encode();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { tokens, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

main();
