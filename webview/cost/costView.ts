/**
 * The cost view: what attention over the current selection costs for the loaded
 * model or a preset, on a chosen device. Mount it with renderCostView; call
 * update() with each new analysis and dispose() when the panel goes away.
 */

import {
  attentionCrossoverLength, CostInputError, type CostModelConfig, configFromModelInfo, DEVICES, deviceById, doublingEffect,
  type DType, estimateCost, MODEL_PRESETS, presetById, sweep, type SweepPoint, thisMachine,
} from '../../src/cost/index';
import type { ModelInfo } from '../../src/protocol';
import { registerToolkit } from '../toolkit';
import { crossover } from './chartGeometry';
import { type ChartSeries, type ChartSpec, drawChart } from './costChart';
import { type Choice, createDropdown } from './costControls';
import { formatBytes, formatCount, formatFlops } from './costFormat';
import { adoptCostStyles } from './costStyles';
import { doublingTable, figuresTable, measuredTable, memoryBars, type ParameterCheck } from './costTables';
import { readChartTheme } from './costTheme';

export interface CostViewInput {
  /** The loaded model, or null before one loads (then only presets are offered). */
  readonly model: ModelInfo | null;
  /** Tokens in the last analysis of the selection, or null before any analysis. */
  readonly tokenCount: number | null;
  /** Engine forward time of that analysis in milliseconds, shown next to this machine's estimate. */
  readonly measuredForwardMs?: number | null;
}

export interface CostViewHandle {
  /** Redraws for a new analysis or model, keeping the chosen preset, device, dtype and batch. */
  update(input: CostViewInput): void;
  /** Removes the view and its observers. */
  dispose(): void;
}

/** Length shown before any selection is analyzed. */
const DEFAULT_LENGTH = 128;
const LOADED = 'loaded';
const DTYPE_CHOICES: readonly DType[] = ['F32', 'BF16', 'INT8', 'INT4'];
const BATCH_CHOICES = [1, 4, 16, 64];

interface Selection {
  readonly config: CostModelConfig;
  readonly check: ParameterCheck | null;
  readonly isLoadedModel: boolean;
}

class CostView implements CostViewHandle {
  private input: CostViewInput;
  private modelChoice: string;
  private deviceId = 'this-machine';
  private dtype: DType = 'F32';
  private batch = 1;
  private readonly charts: Array<{ canvas: HTMLCanvasElement; spec: ChartSpec }> = [];
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;

  constructor(private readonly container: HTMLElement, input: CostViewInput) {
    this.input = input;
    this.modelChoice = input.model === null ? 'gpt2' : LOADED;
    registerToolkit();
    adoptCostStyles(container.ownerDocument);
    this.resizeObserver = new ResizeObserver(() => this.redrawCharts());
    this.resizeObserver.observe(container);
    // VS Code changes the body's class when the colour theme changes.
    this.themeObserver = new MutationObserver(() => this.redrawCharts());
    this.themeObserver.observe(container.ownerDocument.body, { attributes: true, attributeFilter: ['class'] });
    this.render();
  }

  update(input: CostViewInput): void {
    this.input = input;
    if (input.model === null && this.modelChoice === LOADED) this.modelChoice = 'gpt2';
    this.render();
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.container.replaceChildren();
  }

  private selection(): Selection {
    const model = this.input.model;
    if (this.modelChoice === LOADED && model !== null) {
      const { config } = configFromModelInfo(model);
      return { config, check: { against: 'checkpoint count', expected: model.parameterCount }, isLoadedModel: true };
    }
    const preset = presetById(this.modelChoice);
    return { config: preset.config, check: { against: 'published count', expected: preset.publishedParameters }, isLoadedModel: false };
  }

  private render(): void {
    const root = document.createElement('div');
    root.className = 'cost-view';
    this.charts.length = 0;
    root.append(this.controls());
    try {
      root.append(...this.content());
    } catch (error) {
      if (!(error instanceof CostInputError)) throw error;
      // An invalid ModelInfo (a zero head count, a head count that does not divide) is shown, not thrown at the panel.
      const message = note(`${error.message} Choose a preset to see its figures.`);
      message.className = 'cost-warning';
      root.append(message);
    }
    this.container.replaceChildren(root);
    this.redrawCharts();
  }

  private content(): HTMLElement[] {
    const { config, check, isLoadedModel } = this.selection();
    const tokenCount = validTokenCount(this.input.tokenCount);
    const requested = tokenCount ?? DEFAULT_LENGTH;
    const n = Math.min(requested, config.maxPositions);
    const elements = this.lengthNotes(tokenCount, n, config);

    const device = this.deviceId === 'this-machine' ? thisMachine() : deviceById(this.deviceId);
    const options = { batch: this.batch, dtype: this.dtype, device };
    const estimate = estimateCost(config, n, options);

    const columns = document.createElement('div');
    columns.className = 'cost-columns';
    const figures = section('Figures for the selection', figuresTable(estimate, check));
    figures.append(note('A multiply-add counts as 2 FLOPs. Attention counts the full n × n matrix, as eager implementations compute it. '
      + 'Time bounds are rooflines: the larger of FLOPs ÷ peak FLOP/s and bytes ÷ memory bandwidth.'));
    const side = document.createElement('div');
    side.append(section('Attention memory side by side', memoryBars(estimate)));
    side.append(section('Doubling the context', doublingTable(doublingEffect(config, n, options), config.maxPositions)));
    const measuredMs = this.input.measuredForwardMs ?? null;
    if (isLoadedModel && measuredMs !== null && measuredMs > 0 && tokenCount !== null && n === tokenCount) {
      // The engine computes in fp32, one sequence at a time.
      const local = estimateCost(config, n, { batch: 1, dtype: 'F32', device: thisMachine() });
      side.append(section('Measured against estimated', measuredTable(local, measuredMs)));
    }
    columns.append(figures, side);
    elements.push(columns);

    // Below 16 tokens the chart starts at the selection, so its marker stays on the chart.
    const points = sweep(config, { ...options, min: Math.min(16, n), pointsPerOctave: 4 });
    elements.push(this.computeChart(config, points, n), this.memoryChart(config, points, n));
    return elements;
  }

  private controls(): HTMLElement {
    const controls = document.createElement('div');
    controls.className = 'cost-controls';
    const models: Choice[] = [];
    if (this.input.model !== null) models.push({ value: LOADED, label: `${this.input.model.name} (loaded)` });
    for (const preset of MODEL_PRESETS) models.push({ value: preset.id, label: preset.config.name });
    controls.append(
      createDropdown('Model', models, this.modelChoice, (value) => this.change(() => (this.modelChoice = value))),
      createDropdown('Device', DEVICES.map((d) => ({ value: d.id, label: d.name })), this.deviceId,
        (value) => this.change(() => (this.deviceId = value))),
      createDropdown('Data type', DTYPE_CHOICES.map((d) => ({ value: d, label: d })), this.dtype,
        (value) => this.change(() => (this.dtype = value as DType))),
      createDropdown('Batch', BATCH_CHOICES.map((b) => ({ value: String(b), label: String(b) })), String(this.batch),
        (value) => this.change(() => (this.batch = Number(value)))),
    );
    return controls;
  }

  private change(apply: () => void): void {
    apply();
    this.render();
  }

  private lengthNotes(tokenCount: number | null, n: number, config: CostModelConfig): HTMLElement[] {
    if (tokenCount === null) {
      return [note(`No selection analyzed yet; the figures are for ${formatCount(n)} tokens.`)];
    }
    if (tokenCount > n) {
      const warning = note(`The selection has ${formatCount(tokenCount)} tokens, more than ${config.name}'s `
        + `${formatCount(config.maxPositions)} positions; the figures are for ${formatCount(n)}.`);
      warning.className = 'cost-warning';
      return [warning];
    }
    return [note(`The selection has ${formatCount(n)} ${n === 1 ? 'token' : 'tokens'}.`)];
  }

  private computeChart(config: CostModelConfig, points: readonly SweepPoint[], n: number): HTMLElement {
    const lengths = points.map((p) => p.sequenceLength);
    const attention = points.map((p) => p.attentionFlops);
    const linear = points.map((p) => p.linearFlops);
    const crossing = crossover(lengths, attention, linear);
    const analytic = attentionCrossoverLength(config);
    const markers = [{ length: n, label: `selection, ${formatCount(n)}`, dashed: false }];
    if (crossing !== null) markers.push({ length: crossing, label: `n² overtakes n at ≈ ${formatCount(analytic)}`, dashed: true });
    const spec: ChartSpec = {
      lengths,
      series: [
        { label: 'Attention: QK^T, softmax, × V (n²)', values: attention, colorIndex: 4 },
        { label: 'Projections and MLP (n)', values: linear, colorIndex: 0 },
        { label: 'Total forward', values: points.map((p) => p.totalFlops), colorIndex: 3, dashed: true },
      ],
      markers,
      formatValue: formatFlops,
      yAxis: 'decimal',
    };
    const caption = crossing === null
      ? `Attention's n² terms stay below the projections and MLP up to ${formatCount(config.maxPositions)} positions; they would overtake at ≈ ${formatCount(analytic)}.`
      : `Attention's n² terms overtake the projections and MLP at n ≈ ${formatCount(analytic)}.`;
    return this.chartSection('Forward FLOPs against sequence length', spec, caption);
  }

  private memoryChart(config: CostModelConfig, points: readonly SweepPoint[], n: number): HTMLElement {
    const lengths = points.map((p) => p.sequenceLength);
    const eager = points.map((p) => p.eagerMemory);
    const cache = points.map((p) => p.kvCache);
    // An encoder keeps no KV cache, so there is nothing for eager attention to overtake.
    const crossing = config.causal ? crossover(lengths, eager, cache) : null;
    const markers = [{ length: n, label: `selection, ${formatCount(n)}`, dashed: false }];
    if (crossing !== null) markers.push({ length: crossing, label: `eager > KV cache at ≈ ${formatCount(crossing)}`, dashed: true });
    const series: ChartSeries[] = [
      { label: 'Eager attention, one layer (n²)', values: eager, colorIndex: 4 },
      { label: 'Tiled attention (n)', values: points.map((p) => p.tiledMemory), colorIndex: 2 },
    ];
    if (config.causal) series.push({ label: 'KV cache (n, capped by a window)', values: cache, colorIndex: 0 });
    series.push({ label: 'Weights', values: points.map((p) => p.weights), colorIndex: 5, dashed: true });
    const spec: ChartSpec = { lengths, series, markers, formatValue: formatBytes, yAxis: 'binary' };
    const caption = !config.causal
      ? `${config.name} encodes the whole text at once and keeps no KV cache.`
      : crossing === null
        ? 'One layer\u2019s eager attention matrices stay smaller than the whole KV cache up to the maximum length.'
        : `One layer\u2019s eager attention matrices outgrow the whole KV cache at n ≈ ${formatCount(crossing)}.`;
    return this.chartSection('Memory against sequence length', spec, caption);
  }

  private chartSection(title: string, spec: ChartSpec, caption: string): HTMLElement {
    const figure = document.createElement('figure');
    figure.className = 'cost-chart';
    const heading = document.createElement('h3');
    heading.textContent = title;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${title}, log-log. ${caption}`);
    const legend = document.createElement('ul');
    legend.className = 'cost-legend';
    const theme = readChartTheme(this.container);
    for (const series of spec.series) {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = series.dashed ? 'cost-swatch cost-dashed' : 'cost-swatch';
      swatch.style.backgroundColor = theme.series[series.colorIndex % theme.series.length]!;
      item.append(swatch, series.label);
      legend.append(item);
    }
    const figcaption = document.createElement('figcaption');
    figcaption.className = 'cost-note';
    figcaption.textContent = caption;
    figure.append(heading, canvas, legend, figcaption);
    this.charts.push({ canvas, spec });
    return figure;
  }

  private redrawCharts(): void {
    if (!this.container.isConnected) return;
    const theme = readChartTheme(this.container);
    for (const { canvas, spec } of this.charts) drawChart(canvas, spec, theme);
  }
}

/** Returns the token count when it is a positive integer, else null. */
function validTokenCount(count: number | null): number | null {
  return count !== null && Number.isSafeInteger(count) && count >= 1 ? count : null;
}

function section(title: string, content: HTMLElement): HTMLElement {
  const element = document.createElement('section');
  const heading = document.createElement('h3');
  heading.textContent = title;
  element.append(heading, content);
  return element;
}

function note(text: string): HTMLElement {
  const element = document.createElement('p');
  element.className = 'cost-note';
  element.textContent = text;
  return element;
}

/**
 * Renders the cost view into `container`, replacing its children, and returns
 * a handle to update or remove it. Registers the toolkit (through webview/toolkit.ts)
 * and adopts the view's stylesheet.
 */
export function renderCostView(container: HTMLElement, input: CostViewInput): CostViewHandle {
  return new CostView(container, input);
}

