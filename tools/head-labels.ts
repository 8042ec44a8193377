/**
 * Prints every head's metrics and labels for a model folder and a text, as
 * the Markdown table the panel exports.
 *
 *   node --import tsx tools/head-labels.ts <model folder> <text file> [max tokens, default 512]
 *
 * For the closing note of a model: which heads of it get which labels.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine';
import { DEFAULT_LABEL_THRESHOLDS, labelsOf } from '../src/engine/headLabels';
import { metricsMarkdown } from '../src/export/metricsTable';

async function main(): Promise<void> {
  const [folder, textFile, limit] = process.argv.slice(2);
  if (!folder || !textFile) {
    console.error('usage: node --import tsx tools/head-labels.ts <model folder> <text file> [max tokens]');
    process.exitCode = 2;
    return;
  }
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(folder)) {
    if (statSync(join(folder, name)).isFile()) files.set(name, new Uint8Array(readFileSync(join(folder, name))));
  }
  const engine = new Engine();
  const info = await engine.loadModel({ name: folder, fileNames: () => [...files.keys()], read: (name) => files.get(name) });
  const summary = await engine.analyze(readFileSync(textFile, 'utf8'), Number(limit ?? 512));
  const started = performance.now();
  const table = await engine.metrics(summary.analysisId, DEFAULT_LABEL_THRESHOLDS);
  const seconds = (performance.now() - started) / 1000;

  console.log(`${info.name}: ${info.layers} layers x ${info.heads} heads; ${summary.tokens.count} tokens of ${textFile}; metrics in ${seconds.toFixed(2)} s`);
  console.log(table.probe ? `induction probe: ${table.probe.length} random tokens repeated twice (seed ${table.probe.seed})` : 'induction probe: none (context too short)');
  console.log(`thresholds: ${JSON.stringify(table.thresholds)}\n`);
  for (let index = 0; index < table.layers * table.heads; index++) {
    const labels = labelsOf(table.labels[index]);
    if (labels.length > 0) console.log(`layer ${Math.floor(index / table.heads)} head ${index % table.heads}: ${labels.join(', ')}`);
  }
  console.log('');
  console.log(metricsMarkdown(table));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
