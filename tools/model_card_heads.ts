/**
 * Measures every head of the shipped model with the engine and writes the
 * scores into the "Attention heads" section of media/model/README.md.
 * Run after tools/export_model.py:
 *
 *   node --import tsx tools/model_card_heads.ts
 *
 * Scores come from the held-out text in test/fixtures/shipped/heldout.txt and
 * from the induction probe (random tokens repeated twice) that the engine's
 * head metrics run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFolder } from '../src/cli/model-folder';
import { Engine } from '../src/engine/engine';
import { DEFAULT_LABEL_THRESHOLDS, labelsOf } from '../src/engine/headLabels';
import { HEAD_METRIC_NAMES, type HeadMetricName } from '../src/protocol';

const ROOT = join(__dirname, '..');
const MODEL_DIR = join(ROOT, 'media', 'model');
const CARD = join(MODEL_DIR, 'README.md');
const HELDOUT = join(ROOT, 'test', 'fixtures', 'shipped', 'heldout.txt');
const MARKER = '<!-- head scores:';
/** Columns of the card's table, in this order. */
const COLUMNS: readonly HeadMetricName[] = ['previousToken', 'induction', 'inductionProbe', 'sink', 'duplicateToken', 'entropy', 'distance'];

async function main(): Promise<void> {
  const engine = new Engine();
  const info = await engine.loadModel(readModelFolder(MODEL_DIR));
  const text = readFileSync(HELDOUT, 'utf8');
  const summary = await engine.analyze(text, info.maxPositions);
  const table = await engine.metrics(summary.analysisId, DEFAULT_LABEL_THRESHOLDS);

  const column = (name: HeadMetricName) => HEAD_METRIC_NAMES.indexOf(name);
  const figure = (head: number, name: HeadMetricName) => table.data[head * table.metrics.length + column(name)];
  const rows = [
    `| layer | head | labels | ${COLUMNS.join(' | ')} |`,
    `| --- | --- | --- | ${COLUMNS.map(() => '---:').join(' | ')} |`,
  ];
  const labelled: string[] = [];
  for (let head = 0; head < table.layers * table.heads; head++) {
    const layerIndex = Math.floor(head / table.heads);
    const headIndex = head % table.heads;
    const labels = labelsOf(table.labels[head]);
    const figures = COLUMNS.map((name) => (Number.isNaN(figure(head, name)) ? '–' : figure(head, name).toFixed(3)));
    rows.push(`| ${layerIndex} | ${headIndex} | ${labels.join(', ') || '–'} | ${figures.join(' | ')} |`);
    const named = labels.filter((label) => label !== 'broad' && label !== 'local');
    if (named.length > 0) labelled.push(`layer ${layerIndex} head ${headIndex} (${named.join(', ')})`);
  }

  const probe = table.probe ? `${table.probe.length} random tokens repeated twice` : 'none: the context is too short';
  const section = [
    MARKER + ' `node --import tsx tools/model_card_heads.ts` writes this section after each export -->',
    `Measured by the engine on the ${summary.tokens.count}-token held-out text (test/fixtures/shipped/heldout.txt); `
      + `the induction probe is ${probe}. Scores are mean attention weights (0 to 1), entropy is normalised (1 is uniform), `
      + 'distance is in tokens. Labels use the extension\'s default thresholds '
      + `(${Object.entries(table.thresholds).map(([key, value]) => `${key} ${value}`).join(', ')}).`,
    '',
    ...rows,
    '',
    labelled.length > 0
      ? `Heads with a recognisable pattern: ${labelled.join('; ')}.`
      : 'No head passes the previous-token, induction, duplicate-token or sink threshold: the model has not formed those patterns yet.',
  ].join('\n');

  const card = readFileSync(CARD, 'utf8');
  const start = card.indexOf(MARKER);
  if (start < 0) throw new Error(`${CARD} has no "${MARKER}" line; re-run tools/export_model.py to rewrite the card from its template.`);
  const next = card.indexOf('\n## ', start);
  const end = next < 0 ? card.length : next + 1;
  writeFileSync(CARD, `${card.slice(0, start)}${section}\n\n${card.slice(end)}`);
  console.log(section);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
