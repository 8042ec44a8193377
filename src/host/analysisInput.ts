import * as vscode from 'vscode';
import { checkInputText } from '../engine/inputText';

/**
 * Characters sent per allowed token. Source code averages 3 to 4 characters a
 * token with GPT-2's byte-level BPE; 32 leaves room for long identifiers and
 * whitespace runs while keeping a 1 MB selection from reaching the worker.
 */
export const CHARACTERS_PER_TOKEN_BOUND = 32;

/** Text to analyze, cut and checked, with where it starts in the document. */
export interface AnalysisInput {
  readonly kind: 'input';
  readonly text: string;
  /** Offset of `text` in the document, in UTF-16 code units. */
  readonly startOffset: number;
  /** True when there was no selection and the whole document is used. */
  readonly wholeDocument: boolean;
  /** UTF-16 length of the selection (or document) before it was cut. */
  readonly originalLength: number;
}

export interface RejectedInput {
  readonly kind: 'rejected';
  /** Why, in a sentence the person can act on. */
  readonly message: string;
}

/**
 * Reads the selection (or the whole document when the selection is empty),
 * cuts it to a bounded number of characters so the tokenizer never receives a
 * huge string, and rejects empty, whitespace-only and binary-looking text with
 * the checks the command-line interface uses too.
 */
export function prepareInput(document: vscode.TextDocument, selection: vscode.Selection, maxTokens: number): AnalysisInput | RejectedInput {
  const wholeDocument = selection.isEmpty;
  const startOffset = wholeDocument ? 0 : document.offsetAt(selection.start);
  const endOffset = wholeDocument ? document.offsetAt(document.lineAt(document.lineCount - 1).range.end) : document.offsetAt(selection.end);
  const originalLength = endOffset - startOffset;

  const characterLimit = maxTokens * CHARACTERS_PER_TOKEN_BOUND;
  const cutEnd = Math.min(endOffset, startOffset + characterLimit);
  const uncut = document.getText(rangeOf(document, startOffset, cutEnd));
  // A cut must not split a surrogate pair, so a trailing high surrogate goes too.
  const lastCode = uncut.charCodeAt(uncut.length - 1);
  const text = cutEnd < endOffset && lastCode >= 0xd800 && lastCode <= 0xdbff ? uncut.slice(0, -1) : uncut;

  const rejected = checkInputText(text, wholeDocument ? 'The document' : 'The selection', (offset) => {
    const position = document.positionAt(startOffset + offset);
    return { line: position.line + 1, column: position.character + 1 };
  });
  if (rejected) return { kind: 'rejected', message: rejected.message };

  return { kind: 'input', text, startOffset, wholeDocument, originalLength };
}

function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}
