/**
 * `npm run bench`: the engine against PyTorch on a random-weight GPT-2-small-shaped checkpoint,
 * and the time to the first attention pattern with the shipped model. Prints the figures and
 * writes them to docs/benchmarks.md with the machine they ran on.
 *
 * It writes the checkpoint with tools/bench/make_checkpoint.py unless it exists. It times the
 * engine's forward pass at 128, 512 and 1,024 tokens on 1 and 2 threads, each run in its own
 * process (tools/bench/engine-run.ts), which also gives peak RSS; 2,048 tokens is run for memory
 * only. PyTorch runs on the same weights and tokens (tools/bench/torch_forward.py). Then come
 * matmul GFLOP/s at the forward pass's shapes, and one 256-token analysis with media/model up to
 * its first pattern.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/engine/engine';
import { TypeScriptKernels, type KernelBackend } from '../../src/engine/kernels/backend';
import { WasmKernels } from '../../src/engine/wasm/kernels';
import { readModelFolder } from '../../src/cli/model-folder';
import { startNodeThread } from '../../src/worker/node-threads';
import { Tokenizer } from '../../src/tokenizer/index';

const root = path.resolve(import.meta.dirname, '..', '..');
const python = '/usr/bin/python3';
const checkpoint = path.join(root, '.cache', 'bench', 'gpt2-small-random');
const FORWARD_LENGTHS = [128, 512, 1024];
const MEMORY_LENGTHS = [128, 512, 1024, 2048];
const D_MODEL = 768;
/** The four products of a GPT-2-small block at 512 tokens: qkv, attention output, MLP up, MLP down. */
const MATMUL_SHAPES: Array<[number, number, number]> = [[512, 768, 2304], [512, 768, 768], [512, 768, 3072], [512, 3072, 768]];

interface EngineRun {
  length: number;
  kernels: string;
  loadSeconds: number;
  forwardSeconds: number;
  peakRssBytes: number;
  rssAfterBytes: number;
}

interface TorchResult {
  torch: string;
  threads: number;
  forward: Record<string, number>;
  matmul: Array<{ m: number; k: number; n: number; gflops: number }>;
}

const lines: string[] = [];
function report(line = ''): void {
  console.log(line);
  lines.push(line);
}

function machine(): string {
  const cpuInfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.+)/.exec(cpuInfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const flags = /flags\s*:\s*(.+)/.exec(cpuInfo)?.[1].split(' ') ?? [];
  const simd = ['avx2', 'fma', 'avx512f'].filter((flag) => flags.includes(flag)).join(', ') || 'none listed';
  return `${model}, ${os.cpus().length} logical CPUs (${simd}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.versions.node} (V8 ${process.versions.v8})`;
}

/** Other processes using the CPU, from ps: the load that skews timings. */
function concurrentLoad(): string {
  const ps = spawnSync('ps', ['-eo', 'pcpu,comm,args', '--sort=-pcpu'], { encoding: 'utf8' });
  if (ps.status !== 0) return `load average ${os.loadavg().map((value) => value.toFixed(2)).join(', ')}`;
  const busy = ps.stdout.split('\n').slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '' && Number(line.split(/\s+/)[0]) >= 20 && !line.includes('ps -eo') && !line.includes('tools/bench'));
  const loadAverage = os.loadavg().map((value) => value.toFixed(2)).join(', ');
  return busy.length === 0
    ? `no other busy process; load average ${loadAverage}`
    : `${busy.map((line) => line.replace(/\s+/g, ' ').slice(0, 90)).join('; ')}; load average ${loadAverage}`;
}

function ensureCheckpoint(): boolean {
  if (existsSync(path.join(checkpoint, 'model.safetensors'))) return true;
  const result = spawnSync(python, [path.join(root, 'tools/bench/make_checkpoint.py')], { stdio: 'inherit' });
  if (result.error !== undefined || result.status !== 0) {
    report(`The benchmark checkpoint could not be written (${python} tools/bench/make_checkpoint.py needs NumPy); skipping the GPT-2-small figures.`);
    return false;
  }
  return true;
}

function engineRun(length: number, kernels: 'wasm' | 'typescript', threads: number): EngineRun {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(root, 'tools/bench/engine-run.ts'), checkpoint, String(length), kernels, String(threads)],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as EngineRun;
}

function torchRun(): TorchResult | string {
  const result = spawnSync(python, [path.join(root, 'tools/bench/torch_forward.py'), checkpoint, '2', ...FORWARD_LENGTHS.map(String)], {
    encoding: 'utf8', maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) return `${python} could not be run (${result.error.message})`;
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0) {
    const message = last.startsWith('{') ? (JSON.parse(last) as { error?: string }).error : undefined;
    return message ?? `torch_forward.py failed: ${result.stderr.trim().split('\n').pop()}`;
  }
  return JSON.parse(last) as TorchResult;
}

/** Best of five, in GFLOP/s, for out[m, n] = a[m, k] @ B + bias on `kernels`. */
function matmulRate(kernels: KernelBackend, m: number, k: number, n: number): number {
  const a = kernels.allocate(m * k);
  const weight = new Float32Array(k * n);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
  for (let i = 0; i < weight.length; i++) weight[i] = Math.cos(i);
  const packed = kernels.pack(weight, k, n, 'inOut');
  const bias = kernels.allocate(n);
  const out = kernels.allocate(m * n);
  kernels.matmul(out, a, m, packed, bias);
  let best = Infinity;
  for (let repeat = 0; repeat < 5; repeat++) {
    const started = performance.now();
    kernels.matmul(out, a, m, packed, bias);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  for (const buffer of [a, bias, out, packed.panels]) kernels.free(buffer);
  return (2 * m * k * n) / best / 1e9;
}

/** A paragraph repeated until the shipped tokenizer gives at least 256 tokens. */
const SAMPLE =
  'The engine keeps each layer\'s queries and keys, and a view asks for the heads it shows. ' +
  'Attention is computed on demand, so memory grows with the number of tokens, not with its square. ';

async function firstPattern(): Promise<{ model: string; tokens: number; loadMs: number; firstPatternMs: number; kernels: string }> {
  const shipped = path.join(root, 'media', 'model');
  const folderPath = existsSync(path.join(shipped, 'model.safetensors')) ? shipped : path.join(root, 'test/fixtures/models/gpt2');
  const engine = new Engine({ startThread: startNodeThread });
  const loadStarted = performance.now();
  const info = await engine.loadModel(readModelFolder(folderPath));
  const loadMs = performance.now() - loadStarted;
  const tokenizer = Tokenizer.fromJson(readFileSync(path.join(folderPath, 'tokenizer.json'), 'utf8'));
  let text = SAMPLE;
  while (tokenizer.encode(text, { addSpecialTokens: true }).count < 256) text += SAMPLE;
  const started = performance.now();
  const summary = await engine.analyze(text, 256);
  engine.patterns(summary.analysisId, [{ layer: 0, head: 0 }]);
  const firstPatternMs = performance.now() - started;
  return { model: `${path.relative(root, folderPath)} (${info.parameterCount.toLocaleString('en')} parameters)`, tokens: summary.tokens.count, loadMs, firstPatternMs, kernels: engine.kernelsDescription ?? '' };
}

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

async function main(): Promise<void> {
  const loadBefore = concurrentLoad();
  report('# Benchmarks');
  report();
  report(`Machine: ${machine()}.`);
  report(`Run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench\` (tools/bench/run.ts).`);
  report(`Other CPU load at the start: ${loadBefore}.`);
  report();

  if (ensureCheckpoint()) {
    const weightsBytes = statSync(path.join(checkpoint, 'model.safetensors')).size;
    report(`## GPT-2-small-shaped model, random weights (${mib(weightsBytes)} of F32 weights)`);
    report();
    report('Forward pass of the whole model with every layer\'s attention, one process per engine run (load excluded).');
    report();
    const torch = torchRun();
    const engine = new Map<string, EngineRun>();
    for (const threads of [1, 2]) {
      for (const length of FORWARD_LENGTHS) engine.set(`${threads}/${length}`, engineRun(length, 'wasm', threads));
    }
    report('| tokens | engine, 1 thread | engine, 2 threads | PyTorch, 2 threads | engine (2) / PyTorch |');
    report('|---:|---:|---:|---:|---:|');
    for (const length of FORWARD_LENGTHS) {
      const one = engine.get(`1/${length}`)!.forwardSeconds;
      const two = engine.get(`2/${length}`)!.forwardSeconds;
      const reference = typeof torch === 'string' ? undefined : torch.forward[String(length)];
      report(`| ${length} | ${one.toFixed(2)} s | ${two.toFixed(2)} s | ${reference === undefined ? 'n/a' : `${reference.toFixed(2)} s`} | ` +
        `${reference === undefined ? 'n/a' : (two / reference).toFixed(2)} |`);
    }
    report();
    if (typeof torch === 'string') report(`PyTorch: not measured, because ${torch}.`);
    else report(`PyTorch ${torch.torch}, ${torch.threads} threads, tools/gpt2_model.py with attention returned. Both are the best of 2 runs up to 512 tokens and 1 run at 1,024.`);
    report();

    report('### Matrix multiplication, GFLOP/s (out = a @ B + bias, best of 5)');
    report();
    const one = await WasmKernels.create({ threads: 1 });
    const two = await WasmKernels.create({ threads: 2, startThread: startNodeThread });
    const plain = new TypeScriptKernels();
    report('| shape [m, k] @ [k, n] | TypeScript | wasm, 1 thread | wasm, 2 threads | PyTorch, 2 threads |');
    report('|---|---:|---:|---:|---:|');
    for (const [index, [m, k, n]] of MATMUL_SHAPES.entries()) {
      const reference = typeof torch === 'string' ? undefined : torch.matmul[index]?.gflops;
      // The TypeScript kernel is measured on 64 rows to keep the run short; its rate barely depends on m.
      report(`| [${m}, ${k}] @ [${k}, ${n}] | ${matmulRate(plain, 64, k, n).toFixed(1)} | ${matmulRate(one, m, k, n).toFixed(1)} | ` +
        `${matmulRate(two, m, k, n).toFixed(1)} | ${reference === undefined ? 'n/a' : reference.toFixed(1)} |`);
    }
    one.dispose();
    two.dispose();
    report();
    report('The WebAssembly kernels use 128-bit SIMD without fused multiply-add, because relaxed SIMD needs a process-wide V8 flag. ' +
      'One core then does at most 4 multiplies and 4 adds a cycle in them. ' +
      'A native BLAS can use the widest vectors and FMA of the CPU listed above.');
    report();

    report('### Memory of the engine process, 2 threads');
    report();
    report('Peak RSS over the whole process (loading included: the checkpoint file and the packed weights are both in memory ' +
      'while loading), and RSS after the forward pass once the checkpoint bytes are collected.');
    report();
    report(`| tokens | peak RSS | RSS after forward | weights | after forward minus weights |`);
    report('|---:|---:|---:|---:|---:|');
    for (const length of MEMORY_LENGTHS) {
      const run = length === 2048 ? engineRun(length, 'wasm', 2) : engine.get(`2/${length}`)!;
      report(`| ${length} | ${mib(run.peakRssBytes)} | ${mib(run.rssAfterBytes)} | ${mib(weightsBytes)} | ${mib(run.rssAfterBytes - weightsBytes)} |`);
    }
    report();
  }

  report('## Shipped model: request to first attention pattern');
  report();
  const first = await firstPattern();
  report(`${first.model}, kernels ${first.kernels}: analysis of ${first.tokens} tokens (tokenizing, forward pass, ` +
    `pattern of layer 0 head 0) took ${first.firstPatternMs.toFixed(1)} ms after the model was loaded (loading: ${first.loadMs.toFixed(0)} ms).`);
  report();
  report(`Other CPU load at the end: ${concurrentLoad()}.`);

  const docs = path.join(root, 'docs', 'benchmarks.md');
  mkdirSync(path.dirname(docs), { recursive: true });
  writeFileSync(docs, `${lines.join('\n')}\n`);
  console.log(`\nwrote ${path.relative(root, docs)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
