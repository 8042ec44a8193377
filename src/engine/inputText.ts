/**
 * Checks that text is worth sending to a model: not empty, not only
 * whitespace, and not binary. The extension and the command-line interface
 * both run these checks, so they reject the same text with the same message.
 */

/** A place in the text as editors show it: 1-based line and column, the column counting UTF-16 code units. */
export interface TextLocation {
  readonly line: number;
  readonly column: number;
}

export type InputTextProblem = 'empty' | 'whitespace' | 'binary';

/** Why the text was rejected, in a sentence the person can act on. */
export interface RejectedText {
  readonly problem: InputTextProblem;
  readonly message: string;
}

/**
 * Returns why `text` cannot be analyzed, or null when it can. `subject` names
 * the text at the start of a sentence ("The selection", "The file a.txt"), and
 * `locate` turns an offset in `text` into the line and column the person sees.
 */
export function checkInputText(text: string, subject: string, locate: (offset: number) => TextLocation): RejectedText | null {
  if (text.length === 0) {
    return { problem: 'empty', message: `${subject} is empty: there is no text to analyze.` };
  }
  if (text.trim() === '') {
    return { problem: 'whitespace', message: `${subject} contains only whitespace: choose text with at least one other character to analyze.` };
  }
  // A NUL character does not occur in text files, and tokenizers turn it into noise tokens.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const location = locate(nul);
    return {
      problem: 'binary',
      message: `The text looks binary: it contains a NUL character at line ${location.line}, column ${location.column}. Attention Inspector analyzes text only.`,
    };
  }
  return null;
}
