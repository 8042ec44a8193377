/** The cost view's tables: figures at the selection's length, the effect of doubling it, and attention memory side by side. */

import {
  type CostEstimate, type DoublingEffect, DTYPES, linearLayerFlops, quadraticAttentionFlops, type RooflineBound,
  SOFTMAX_FLOPS_PER_SCORE,
} from '../../src/cost/index';
import { formatBytes, formatCount, formatFlopRate, formatFlops, formatRatio, formatSeconds, formatSi } from './costFormat';

type Row = readonly [label: string, value: string, detail?: string];

function table(groups: ReadonlyArray<readonly [heading: string, rows: readonly Row[]]>, totalLabels: readonly string[] = []): HTMLTableElement {
  const element = document.createElement('table');
  element.className = 'cost-table';
  for (const [heading, rows] of groups) {
    const body = element.createTBody();
    const headingRow = body.insertRow();
    headingRow.className = 'cost-group';
    const headingCell = document.createElement('th');
    headingCell.colSpan = 3;
    headingCell.scope = 'colgroup';
    headingCell.textContent = heading;
    headingRow.append(headingCell);
    for (const [label, value, detail] of rows) {
      const row = body.insertRow();
      if (totalLabels.includes(label)) row.className = 'cost-total';
      const labelCell = document.createElement('th');
      labelCell.scope = 'row';
      labelCell.textContent = label;
      row.append(labelCell);
      const valueCell = row.insertCell();
      valueCell.className = 'cost-number';
      valueCell.textContent = value;
      row.insertCell().textContent = detail ?? '';
    }
  }
  return element;
}

function bound(time: RooflineBound): string {
  return `${time.limitedBy}-bound, ${time.arithmeticIntensity.toFixed(1)} FLOP/byte`;
}

export interface ParameterCheck {
  /** Name of the reference count, e.g. "published count" or "checkpoint count". */
  readonly against: string;
  readonly expected: number;
}

/** Builds the table of every figure at the estimate's length, grouped: model, forward FLOPs, memory, time bounds. */
export function figuresTable(estimate: CostEstimate, check: ParameterCheck | null): HTMLTableElement {
  const { config, flops, memory, time, sequenceLength: n, batch, dtype } = estimate;
  const total = estimate.parameters.total;
  const checkText = check === null ? '' : total === check.expected
    ? `equals the ${check.against} ${formatCount(check.expected)}`
    : `differs from the ${check.against} ${formatCount(check.expected)}`;
  const window = config.slidingWindow === null ? 'none' : `${formatCount(config.slidingWindow)} tokens`;
  let headName = 'output head';
  if (config.lmHead) headName = 'LM head (every position)';
  else if (config.pooler) headName = 'pooler (first token)';

  const model: Row[] = [
    ['Parameters', formatCount(total), checkText],
    ['Shape', `${config.layers} × ${config.heads}`, `layers × heads; ${config.kvHeads} key/value heads; head dimension ${config.headDim}`],
    ['Sliding window', window],
  ];
  const forward: Row[] = [
    ['q projection', formatFlops(flops.query)],
    ['k projection', formatFlops(flops.key)],
    ['v projection', formatFlops(flops.value)],
    ['QK^T', formatFlops(flops.qkProduct), 'full n × n'],
    ['softmax', formatFlops(flops.softmax), `${SOFTMAX_FLOPS_PER_SCORE} FLOPs a score`],
    ['attention × V', formatFlops(flops.attentionValues)],
    ['output projection', formatFlops(flops.attentionOutput)],
    ['MLP', formatFlops(flops.mlp), config.mlp === 'gated' ? 'gate, up, down' : 'up, down'],
    [headName, formatFlops(flops.outputHead)],
    ['norms, biases, activations', formatFlops(flops.elementwise)],
    ['Total', formatFlops(flops.total)],
  ];
  if (config.causal) {
    forward.push(['Total, masked scores skipped', formatFlops(flops.unmasked.total),
      `${formatCount(flops.scores.unmasked)} of ${formatCount(flops.scores.full)} scores a head`]);
  }
  const memoryRows: Row[] = [
    ['Weights', formatBytes(memory.weights), DTYPES.filter((d) => d !== dtype && d !== 'F16').map((d) => `${d} ${formatBytes(memory.weightsByDtype[d])}`).join(', ')],
    ['Eager attention, one layer', formatBytes(memory.eager.perLayer), 'batch × heads × n² — the peak when layers run one at a time'],
    ['Eager attention, every layer', formatBytes(memory.eager.allLayers), 'held when all layers\u2019 attention is returned'],
    ['Tiled attention', formatBytes(memory.tiled.peak),
      `row max and sum ${formatBytes(memory.tiled.rowStatistics)} + one ${memory.tiled.tile.rows}×${memory.tiled.tile.columns} tile ${formatBytes(memory.tiled.tileBuffers)}`],
    config.causal
      ? ['KV cache', formatBytes(memory.kvCache.total), `${formatCount(memory.kvCache.cachedTokens)} tokens × ${formatBytes(memory.kvCache.bytesPerToken)}`]
      : ['KV cache', '–', 'an encoder generates no tokens, so it keeps no cache'],
  ];
  const timeRows: Row[] = [
    ['Forward, eager', formatSeconds(time.eager.seconds), bound(time.eager)],
    ['Forward, tiled', formatSeconds(time.tiled.seconds), bound(time.tiled)],
  ];
  if (config.causal) timeRows.push(['One generated token', formatSeconds(time.decodeStep.seconds), bound(time.decodeStep)]);
  return table([
    [config.name, model],
    [`Forward FLOPs, n = ${formatCount(n)}, batch ${batch}`, forward],
    [`Memory, ${dtype}`, memoryRows],
    // A device name is a label ("This machine (engine, measured)", "NVIDIA T4"), so it follows a colon, not a preposition.
    [`Time bounds: ${estimate.device.name}`, timeRows],
  ], ['Total']);
}

/** Builds the table of the last analysis's measured time against the estimate for this machine. */
export function measuredTable(estimate: CostEstimate, measuredMs: number): HTMLTableElement {
  const seconds = measuredMs / 1000;
  const bound = estimate.time.eager;
  return table([[`Measured on this machine, n = ${formatCount(estimate.sequenceLength)}`, [
    ['Forward pass, measured', formatSeconds(seconds), 'engine time of the last analysis'],
    ['Speed, measured', formatFlopRate(estimate.flops.total / seconds), 'full-matrix FLOPs ÷ measured time'],
    ['Roofline bound', formatSeconds(bound.seconds), `at ${formatFlopRate(estimate.device.peakFlopsF32)} and ${formatSi(estimate.device.memoryBandwidth, 'B/s')}`],
    ['Measured ÷ bound', formatRatio(seconds / bound.seconds)],
  ]]]);
}

/** Builds the table of each figure at n and at 2n, with their ratio. */
export function doublingTable(effect: DoublingEffect, maxPositions: number): HTMLElement {
  const { from, to, ratios } = effect;
  const rows: Row[] = [
    ['Total FLOPs', formatRatio(ratios.totalFlops), `${formatFlops(from.flops.total)} → ${formatFlops(to.flops.total)}`],
    ['Attention FLOPs (n²)', formatRatio(ratios.attentionFlops),
      `${formatFlops(quadraticAttentionFlops(from.flops))} → ${formatFlops(quadraticAttentionFlops(to.flops))}`],
    ['Projections and MLP (n)', formatRatio(ratios.linearFlops),
      `${formatFlops(linearLayerFlops(from.flops))} → ${formatFlops(linearLayerFlops(to.flops))}`],
    ['Eager attention memory', formatRatio(ratios.eagerMemory), `${formatBytes(from.memory.eager.peak)} → ${formatBytes(to.memory.eager.peak)}`],
    ['Tiled attention memory', formatRatio(ratios.tiledMemory), `${formatBytes(from.memory.tiled.peak)} → ${formatBytes(to.memory.tiled.peak)}`],
    ...(from.config.causal
      ? [['KV cache', formatRatio(ratios.kvCache), `${formatBytes(from.memory.kvCache.total)} → ${formatBytes(to.memory.kvCache.total)}`] as const]
      : []),
    ['Forward time bound, eager', formatRatio(ratios.eagerSeconds), `${formatSeconds(from.time.eager.seconds)} → ${formatSeconds(to.time.eager.seconds)}`],
    ['Forward time bound, tiled', formatRatio(ratios.tiledSeconds), `${formatSeconds(from.time.tiled.seconds)} → ${formatSeconds(to.time.tiled.seconds)}`],
  ];
  const wrapper = document.createElement('div');
  wrapper.append(table([[`n = ${formatCount(from.sequenceLength)} → ${formatCount(to.sequenceLength)}`, rows]]));
  if (to.sequenceLength > maxPositions) {
    const note = document.createElement('p');
    note.className = 'cost-note';
    note.textContent = `${formatCount(to.sequenceLength)} tokens is past this model's ${formatCount(maxPositions)} positions; the figures extrapolate the formulas.`;
    wrapper.append(note);
  }
  return wrapper;
}

/** Draws eager attention, tiled attention and (for decoders) the KV cache as bars on one linear scale. */
export function memoryBars(estimate: CostEstimate): HTMLElement {
  const entries: Array<readonly [string, number, string]> = [
    ['Eager, one layer', estimate.memory.eager.peak, 'var(--vscode-charts-red, #f14c4c)'],
    ['Tiled (FlashAttention-style)', estimate.memory.tiled.peak, 'var(--vscode-charts-green, #89d185)'],
  ];
  if (estimate.config.causal) entries.push(['KV cache, all layers', estimate.memory.kvCache.total, 'var(--vscode-charts-blue, #3794ff)']);
  const largest = Math.max(...entries.map(([, bytes]) => bytes));
  const grid = document.createElement('div');
  grid.className = 'cost-bars';
  for (const [label, bytes, color] of entries) {
    const name = document.createElement('span');
    name.textContent = label;
    const track = document.createElement('div');
    track.className = 'cost-bar-track';
    const bar = document.createElement('div');
    bar.className = 'cost-bar';
    bar.style.width = `${largest > 0 ? (100 * bytes) / largest : 0}%`;
    bar.style.background = color;
    track.append(bar);
    const value = document.createElement('span');
    value.textContent = formatBytes(bytes);
    track.setAttribute('aria-hidden', 'true');
    grid.append(name, track, value);
  }
  return grid;
}
