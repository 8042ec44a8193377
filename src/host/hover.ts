import * as vscode from 'vscode';
import type { PatternSelection, TokenTable } from '../protocol';
import { TokenFlag } from '../protocol';
import type { Analysis, AnalysisState } from './analysisState';
import { Disposable } from './dispose';
import { describeError } from './log';
import { topIndices, type PatternCache } from './patternCache';
import { readSettings } from './settings';

/** Rows in the hover's table; with the heading, 5 rows fit the editor hover without a scroll bar. */
export const HOVER_TOP_COUNT = 5;

/**
 * Shows, for the analysed token under the mouse, the tokens it attends to most
 * in the current head or combination. With `highlightFollowsMouse` on, the
 * hovered token also becomes the focused one, so the editor shading follows it.
 */
export class AttentionHoverProvider extends Disposable implements vscode.HoverProvider {
  constructor(
    private readonly state: AnalysisState,
    private readonly patterns: PatternCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.languages.registerHoverProvider('*', this));
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const analysis = this.state.analysis;
    if (!analysis || document.uri.toString() !== analysis.documentUri.toString()) return undefined;

    if (analysis.stale) {
      const markdown = new vscode.MarkdownString(
        '**Attention Inspector:** this document changed after the analysis, so its token ranges are out of date. Run **Analyze Selection** again.',
      );
      return new vscode.Hover(markdown);
    }

    const tokenIndex = this.state.tokenAt(document.offsetAt(position));
    if (tokenIndex === undefined) return undefined;

    const selection = this.state.selection;
    let weights: Float32Array;
    try {
      weights = (await this.patterns.weights(selection, tokenIndex, analysis.summary.tokens.count, 'pays')).weights;
    } catch (error) {
      this.log.warn(`The hover could not get attention for token ${tokenIndex}: ${describeError(error)}`);
      return undefined;
    }
    // The analysis may have been replaced while the pattern was fetched.
    if (this.state.analysis !== analysis) return undefined;

    if (readSettings(document).highlightFollowsMouse) this.state.setFocus({ tokenIndex, direction: 'pays' }, 'editor');
    return new vscode.Hover(hoverMarkdown(analysis, selection, tokenIndex, weights), analysis.ranges[tokenIndex] ?? undefined);
  }
}

/** Builds the hover text: a heading with the token and head, then the top attended tokens as a table of token, weight and line:column. */
export function hoverMarkdown(analysis: Analysis, selection: PatternSelection, tokenIndex: number, weights: Float32Array): vscode.MarkdownString {
  const tokens = analysis.summary.tokens;
  const lines = [
    `**Attention Inspector** · token ${tokenIndex} ${escapeMarkdown(tokenLabel(tokens, tokenIndex))} · ${describeSelection(selection)}`,
    '',
    '| Attends to token | Weight | Line:Col |',
    '|---|---:|---|',
  ];
  for (const index of topIndices(weights, Math.min(HOVER_TOP_COUNT, tokens.count))) {
    const range = analysis.ranges[index];
    // Special tokens have no place in the document.
    const where = range ? `${range.start.line + 1}:${range.start.character + 1}` : '\u2014';
    lines.push(`| ${escapeMarkdown(tokenLabel(tokens, index))} | ${weights[index].toFixed(4)} | ${where} |`);
  }
  const markdown = new vscode.MarkdownString(lines.join('\n'));
  markdown.isTrusted = false;
  markdown.supportHtml = false;
  return markdown;
}

export function describeSelection(selection: PatternSelection): string {
  const layer = `layer ${selection.layer}`;
  if (selection.head === 'mean') return `${layer}, mean of heads`;
  if (selection.head === 'max') return `${layer}, maximum over heads`;
  return `${layer}, head ${selection.head}`;
}

function tokenLabel(tokens: TokenTable, index: number): string {
  const label = tokens.labels[index];
  const flags = tokens.flags[index];
  if (flags & TokenFlag.Special) return `${label} (special)`;
  if (flags & TokenFlag.PartialCharacter) return `${label} (part of a character)`;
  return label;
}

/** Escapes Markdown punctuation, including the table's `|`, so a token shows as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (character) => `\\${character}`);
}
