import * as vscode from 'vscode';
import type { Analysis, TokenFocus } from './analysisState';
import { Disposable } from './dispose';

/**
 * Lower bounds of the shading buckets, as a fraction of the largest weight in
 * the row: a token below the first bound is left unshaded. Each bucket has its
 * own theme colour (attentionInspector.attentionLevel1 to 5 in package.json),
 * the same hue at rising opacity.
 */
export const BUCKET_BOUNDS = [0.05, 0.15, 0.3, 0.5, 0.75] as const;

/** Highlights last drawn, for the tests. */
export interface HighlightSnapshot {
  readonly documentUri: string;
  readonly focusedToken: number;
  /** The focused token's own range, outlined; null for a special token. */
  readonly focusRange: vscode.Range | null;
  /** [bucket] ranges shaded at that bucket's colour, lowest bucket first. */
  readonly buckets: readonly (readonly vscode.Range[])[];
}

/** Shades the tokens a focused token attends to, in every visible editor of the analysed document. */
export class AttentionDecorations extends Disposable {
  // Created once: one decoration type per bucket plus the focused token's outline.
  private readonly bucketTypes = BUCKET_BOUNDS.map((_, index) =>
    this.register(
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`attentionInspector.attentionLevel${index + 1}`),
        borderRadius: '2px',
      }),
    ),
  );
  private readonly focusType = this.register(
    vscode.window.createTextEditorDecorationType({
      borderWidth: '1px',
      borderStyle: 'solid',
      borderColor: new vscode.ThemeColor('attentionInspector.focusedTokenBorder'),
      borderRadius: '2px',
    }),
  );
  private applied: HighlightSnapshot | undefined;

  get snapshot(): HighlightSnapshot | undefined {
    return this.applied;
  }

  /** Shades by `weights` ([tokenCount], one per token) around `focus`. */
  show(analysis: Analysis, focus: TokenFocus, weights: Float32Array): void {
    const buckets: vscode.Range[][] = BUCKET_BOUNDS.map(() => []);
    let largest = 0;
    for (let i = 0; i < weights.length; i++) if (i !== focus.tokenIndex && analysis.ranges[i]) largest = Math.max(largest, weights[i]);

    // Tokens that share a character's range would stack; the largest weight wins.
    const strongest = new Map<string, { range: vscode.Range; weight: number }>();
    for (let i = 0; i < weights.length; i++) {
      const range = analysis.ranges[i];
      if (!range || range.isEmpty || i === focus.tokenIndex || largest <= 0) continue;
      const key = `${range.start.line}:${range.start.character}`;
      const previous = strongest.get(key);
      if (!previous || previous.weight < weights[i]) strongest.set(key, { range, weight: weights[i] });
    }
    for (const { range, weight } of strongest.values()) {
      const bucket = bucketOf(weight / largest);
      if (bucket >= 0) buckets[bucket].push(range);
    }

    const focusRange = analysis.ranges[focus.tokenIndex] ?? null;
    this.applied = { documentUri: analysis.documentUri.toString(), focusedToken: focus.tokenIndex, focusRange, buckets };
    for (const editor of this.editorsOf(analysis.documentUri)) this.restore(editor);
  }

  /** Removes every highlight from every editor. */
  clear(): void {
    this.applied = undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      for (const type of this.bucketTypes) editor.setDecorations(type, []);
      editor.setDecorations(this.focusType, []);
    }
  }

  /** Re-applies the last highlights to an editor that just became visible. */
  restore(editor: vscode.TextEditor): void {
    const applied = this.applied;
    if (!applied || editor.document.uri.toString() !== applied.documentUri) return;
    this.bucketTypes.forEach((type, index) => editor.setDecorations(type, applied.buckets[index] as vscode.Range[]));
    editor.setDecorations(this.focusType, applied.focusRange ? [applied.focusRange] : []);
  }

  private editorsOf(uri: vscode.Uri): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.toString() === uri.toString());
  }
}

/** Returns the bucket of a weight relative to the row's largest, or -1 below the first bound. */
export function bucketOf(relativeWeight: number): number {
  for (let bucket = BUCKET_BOUNDS.length - 1; bucket >= 0; bucket--) {
    if (relativeWeight >= BUCKET_BOUNDS[bucket]) return bucket;
  }
  return -1;
}
