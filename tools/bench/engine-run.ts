/**
 * One engine measurement in its own process, so the peak memory is the engine's alone. It loads a
 * model folder on the given kernels and times the forward pass of LENGTH tokens. It prints one JSON
 * line with the load and forward times and the process's peak resident set size (RSS).
 *
 *   node --expose-gc --import tsx tools/bench/engine-run.ts FOLDER LENGTH KERNELS THREADS
 *
 * KERNELS is wasm or typescript; THREADS 1 or 2. Token ids are (7919 i + 13) mod vocab_size, as
 * tools/bench/torch_forward.py uses.
 */
import { Checkpoint } from '../../src/engine/checkpoint';
import { parseModelConfig, type ModelConfig } from '../../src/engine/config';
import type { KernelBackend } from '../../src/engine/kernels/backend';
import type { LanguageModel } from '../../src/engine/models/model';
import { createModel } from '../../src/engine/models/index';
import { createKernelBackend } from '../../src/engine/wasm/select';
import { readModelFolder } from '../../src/cli/model-folder';
import { startNodeThread } from '../../src/worker/node-threads';

export function benchTokenIds(n: number, vocabSize: number): Int32Array {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = (7919 * i + 13) % vocabSize;
  return ids;
}

/** Loads in its own frame, so no local of the caller keeps the checkpoint's bytes reachable. */
function loadModel(folderPath: string, kernels: KernelBackend): { config: ModelConfig; model: LanguageModel } {
  const folder = readModelFolder(folderPath);
  const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
  return { config, model: createModel(config, Checkpoint.open(folder), kernels) };
}

async function main(): Promise<void> {
  const [folderPath, lengthText, kernelsText, threadsText] = process.argv.slice(2);
  const length = Number(lengthText);
  if (folderPath === undefined || !Number.isInteger(length) || (kernelsText !== 'wasm' && kernelsText !== 'typescript')) {
    throw new Error('usage: engine-run.ts FOLDER LENGTH wasm|typescript THREADS');
  }
  const loadStarted = performance.now();
  const kernels = await createKernelBackend({ kernels: kernelsText, threads: Number(threadsText), startThread: startNodeThread });
  const { config, model } = loadModel(folderPath, kernels);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  // The checkpoint's bytes are garbage once loaded; collect them so RSS shows what the model keeps.
  globalThis.gc?.();

  // Best of two runs up to 512 tokens, one above, as tools/bench/torch_forward.py times PyTorch.
  const ids = benchTokenIds(length, config.vocabSize);
  let forwardSeconds = Infinity;
  for (let run = 0; run < (length <= 512 ? 2 : 1); run++) {
    const started = performance.now();
    await model.forward(ids);
    forwardSeconds = Math.min(forwardSeconds, (performance.now() - started) / 1000);
  }
  globalThis.gc?.();
  const usage = process.resourceUsage();
  console.log(JSON.stringify({
    length,
    kernels: kernels.description,
    loadSeconds,
    forwardSeconds,
    peakRssBytes: usage.maxRSS * 1024,
    rssAfterBytes: process.memoryUsage().rss,
  }));
  kernels.dispose();
}

if (process.argv[1]?.endsWith('engine-run.ts')) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
