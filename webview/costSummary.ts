/** The one-line cost summary above the attention view, from the cost model in src/cost; the Cost tab has every figure. */
import { attentionMemorySummary } from '../src/cost/attentionSummary';
import { CostInputError } from '../src/cost/errors';
import { configFromModelInfo } from '../src/cost/from-model-info';
import type { ModelInfo } from '../src/protocol';
import { formatBytes, formatCount } from './cost/costFormat';

function allLayers(layers: number): string {
  return layers === 1 ? '1 layer' : `all ${formatCount(layers)} layers`;
}

/** Formats the summary line for the loaded model; with invalid model dimensions it names the token count and the problem. */
export function formatCostSummary(model: ModelInfo, tokens: number): string {
  const count = `${formatCount(tokens)} ${tokens === 1 ? 'token' : 'tokens'}`;
  let summary;
  try {
    summary = attentionMemorySummary(configFromModelInfo(model).config, tokens);
  } catch (error) {
    if (!(error instanceof CostInputError)) throw error;
    return `${count} \u00b7 no cost estimate: ${error.message}`;
  }
  const parts = [
    count,
    `eager attention (fp32) ${formatBytes(summary.eagerPerLayer)} per layer, ${formatBytes(summary.eagerAllLayers)} for ${allLayers(model.layers)}`,
    `tiled ${formatBytes(summary.tiled)}`,
  ];
  if (summary.kvCache !== null) parts.push(`KV cache ${formatBytes(summary.kvCache)}`);
  return parts.join(' \u00b7 ');
}
