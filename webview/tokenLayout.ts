import { TokenFlag, type TokenTable } from '../src/protocol';

/**
 * One run of text on a line. `token` is the token index, or -1 for text no
 * token covers (text the tokenizer skipped, such as whitespace some models drop).
 */
export type LinePiece =
  | { readonly kind: 'text'; readonly token: number; readonly text: string }
  /** A line break inside token `token`, drawn as a visible marker so the token can be hovered. */
  | { readonly kind: 'newline'; readonly token: number }
  /** An added special token with no range, such as [CLS] or <s>. */
  | { readonly kind: 'special'; readonly token: number; readonly label: string }
  /**
   * A further token over a character an earlier token already showed (the
   * second half of an emoji split in two). It has nothing of its own to show.
   */
  | { readonly kind: 'continuation'; readonly token: number; readonly label: string };

export interface TokenLine {
  readonly pieces: LinePiece[];
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Lays the tokens out in the text's own lines: line breaks split lines, spaces
 * and tabs stay as they are, and tokens keep their order. Token offsets are
 * UTF-16 code units into `text`; text past `analysedLength` is not shown.
 */
export function layoutTokens(text: string, tokens: TokenTable, analysedLength: number): TokenLine[] {
  const end = Math.min(text.length, Math.max(0, analysedLength));
  const lines: TokenLine[] = [{ pieces: [] }];

  const append = (token: number, from: number, to: number) => {
    const chunk = text.slice(from, to);
    let last = 0;
    for (const match of chunk.matchAll(LINE_BREAK)) {
      const at = match.index ?? 0;
      if (at > last) lines[lines.length - 1].pieces.push({ kind: 'text', token, text: chunk.slice(last, at) });
      if (token >= 0) lines[lines.length - 1].pieces.push({ kind: 'newline', token });
      lines.push({ pieces: [] });
      last = at + match[0].length;
    }
    if (last < chunk.length) lines[lines.length - 1].pieces.push({ kind: 'text', token, text: chunk.slice(last) });
  };

  let cursor = 0;
  for (let index = 0; index < tokens.count; index++) {
    const start = tokens.starts[index];
    const stop = Math.min(tokens.ends[index], end);
    const special = (tokens.flags[index] & TokenFlag.Special) !== 0;

    if (start < 0 || (special && stop <= start)) {
      lines[lines.length - 1].pieces.push({ kind: 'special', token: index, label: tokens.labels[index] ?? '' });
      continue;
    }
    if (start > cursor) {
      append(-1, cursor, Math.min(start, end));
      cursor = Math.min(start, end);
    }
    if (stop <= cursor) {
      lines[lines.length - 1].pieces.push({ kind: 'continuation', token: index, label: tokens.labels[index] ?? '' });
      continue;
    }
    append(index, cursor, stop);
    cursor = stop;
  }
  if (cursor < end) append(-1, cursor, end);
  return lines;
}
