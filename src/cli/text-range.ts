/**
 * Positions in a text as editors show them: 1-based lines and columns, a
 * column counting UTF-16 code units. A line ends at "\r\n", "\n" or "\r".
 */

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** From `start` to the position just after the last character, like an editor selection. */
export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** Parses "L:C-L:C"; returns null when the text has another form or a number below 1. */
export function parseRange(text: string): TextRange | null {
  const match = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(text);
  if (match === null) return null;
  const [startLine, startColumn, endLine, endColumn] = match.slice(1).map(Number);
  if ([startLine, startColumn, endLine, endColumn].some((value) => !Number.isSafeInteger(value) || value < 1)) return null;
  return { start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } };
}

/** UTF-16 offsets of each line's first character, and each line's length without its line break. */
export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly lengths: number[] = [];

  constructor(text: string) {
    const lineBreak = /\r\n|\n|\r/g;
    let lineStart = 0;
    for (let match = lineBreak.exec(text); match !== null; match = lineBreak.exec(text)) {
      this.lengths.push(match.index - lineStart);
      lineStart = match.index + match[0].length;
      this.starts.push(lineStart);
    }
    this.lengths.push(text.length - lineStart);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /**
   * Returns the offset of a position, or an explanation when it is out of range.
   * The column may be one past the line's last character, the end of the line.
   */
  offsetOf(position: TextPosition): number | string {
    if (position.line > this.lineCount) return `line ${position.line} is past the last line, ${this.lineCount}`;
    const length = this.lengths[position.line - 1];
    if (position.column > length + 1) return `column ${position.column} is past the end of line ${position.line}, which has ${length} characters`;
    return this.starts[position.line - 1] + position.column - 1;
  }

  /** Position of an offset; an offset at a line break belongs to the line it ends. */
  positionOf(offset: number): TextPosition {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low] + 1 };
  }
}
