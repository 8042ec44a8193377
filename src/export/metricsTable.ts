/**
 * The head metrics table as CSV (every figure, full float32 precision) and as
 * a Markdown table to paste (three decimals).
 */
import type { HeadMetricsTable } from '../protocol';
import { labelsOf } from '../engine/headLabels';
import { csvDocument, csvLine } from './csv';
import { float32ToString } from './numbers';

function value(table: HeadMetricsTable, layer: number, head: number, metric: number): number {
  return table.data[(layer * table.heads + head) * table.metrics.length + metric];
}

function checkTable(table: HeadMetricsTable): void {
  const expected = table.layers * table.heads * table.metrics.length;
  if (table.data.length !== expected) {
    throw new RangeError(`The metrics table has ${table.data.length} values; ${table.layers} x ${table.heads} heads x ${table.metrics.length} metrics need ${expected}.`);
  }
}

/** CSV: layer, head, labels (separated by ";"), then one column per metric. An undefined (NaN) figure is an empty field. */
export function metricsCsv(table: HeadMetricsTable): string {
  checkTable(table);
  const lines = [csvLine(['layer', 'head', 'labels', ...table.metrics])];
  for (let layer = 0; layer < table.layers; layer++) {
    for (let head = 0; head < table.heads; head++) {
      const figures = table.metrics.map((_, metric) => {
        const figure = value(table, layer, head, metric);
        return Number.isNaN(figure) ? '' : float32ToString(figure);
      });
      const labels = labelsOf(table.labels[layer * table.heads + head]).join(';');
      lines.push(csvLine([String(layer), String(head), labels, ...figures]));
    }
  }
  return csvDocument(lines);
}

/** Markdown (GitHub table syntax): one row per head, figures to `decimals` places, "–" for undefined. */
export function metricsMarkdown(table: HeadMetricsTable, decimals = 3): string {
  checkTable(table);
  const header = ['layer', 'head', 'labels', ...table.metrics];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (let layer = 0; layer < table.layers; layer++) {
    for (let head = 0; head < table.heads; head++) {
      const figures = table.metrics.map((_, metric) => {
        const figure = value(table, layer, head, metric);
        return Number.isNaN(figure) ? '–' : figure.toFixed(decimals);
      });
      const labels = labelsOf(table.labels[layer * table.heads + head]).join(', ');
      lines.push(`| ${[String(layer), String(head), labels, ...figures].join(' | ')} |`);
    }
  }
  return lines.join('\n') + '\n';
}
