/**
 * The status bar's attention memory for the model `attentionInspector.costPreset`
 * names, from the cost model in src/cost. No `vscode` import, so unit tests run it.
 */
import { attentionMemorySummary, type AttentionMemorySummary } from '../cost/attentionSummary';
import type { CostModelConfig } from '../cost/config';
import { configFromModelInfo } from '../cost/from-model-info';
import { MODEL_PRESETS, presetById } from '../cost/presets';
import type { ModelInfo } from '../protocol';
import { formatBytes } from '../../webview/cost/costFormat';

/** The `attentionInspector.costPreset` value that means the model the last analysis ran on. */
export const LOADED_MODEL = 'loaded model';

/** True for the values `attentionInspector.costPreset` accepts: LOADED_MODEL and the preset ids. */
export function isCostPresetChoice(value: unknown): value is string {
  return value === LOADED_MODEL || MODEL_PRESETS.some((preset) => preset.id === value);
}

/** Resolves a `costPreset` value to a configuration: the loaded model's, or a preset's. */
export function costConfig(choice: string, model: ModelInfo): CostModelConfig {
  return choice === LOADED_MODEL ? configFromModelInfo(model).config : presetById(choice).config;
}

/** Computes the status bar's figures; throws CostInputError for an unknown preset or invalid model dimensions. */
export function computeCostStatus(choice: string, model: ModelInfo, tokenCount: number): AttentionMemorySummary {
  return attentionMemorySummary(costConfig(choice, model), tokenCount);
}

/** Status bar text without the icon: "312 tokens · attention 4.5 MiB/layer". */
export function costStatusText(status: AttentionMemorySummary): string {
  return `${status.tokenCount.toLocaleString('en-US')} tokens \u00b7 attention ${formatBytes(status.eagerPerLayer)}/layer`;
}

/** Markdown lines for the tooltip, one figure each. */
export function costStatusDetails(status: AttentionMemorySummary): string[] {
  const capped =
    status.sequenceLength < status.tokenCount
      ? ` (the selection's ${status.tokenCount.toLocaleString('en-US')} tokens are more than its ${status.sequenceLength.toLocaleString('en-US')} positions)`
      : '';
  const lines = [
    `Attention memory of **${status.modelName}** at ${status.sequenceLength.toLocaleString('en-US')} tokens, fp32, batch 1${capped}:`,
    `- eager, one layer: ${formatBytes(status.eagerPerLayer)}`,
    `- eager, every layer kept: ${formatBytes(status.eagerAllLayers)}`,
    `- tiled (FlashAttention-style): ${formatBytes(status.tiled)}`,
  ];
  if (status.kvCache !== null) lines.push(`- KV cache: ${formatBytes(status.kvCache)}`);
  return lines;
}
