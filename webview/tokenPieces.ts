/**
 * Renders the pieces of one laid-out line (webview/tokenLayout.ts) as DOM, for
 * the Attention tab's token text and the comparison strips alike, so both show
 * line breaks, special tokens and partial characters the same way.
 *
 * A character that several tokens share (an emoji, a CJK or Hebrew letter
 * split into byte tokens) appears once, with one segment per token laid over
 * it that takes the hover, the shading and the focus. A CRLF whose CR and LF
 * are two tokens appears as one line-break marker split the same way.
 */
import { describeSharedPart, type LinePiece, type TokenLine } from './tokenLayout';

/** Marker drawn for a line break inside a token. */
const NEWLINE_MARKER = '\u21b5';
/** Marker drawn for a CR whose LF is not shown (past the analysed text, or covered by no token). */
const CARRIAGE_RETURN_MARKER = '\u240d';
/** Narrowest segment in CSS pixels, so that a character of 25 byte tokens still has a target for each. */
const MIN_SEGMENT_PX = 3;

/**
 * Makes `span` the element of token `token`: the caller sets `data-token`,
 * classes and roles, records it, and returns it.
 */
export type TokenSpanFactory = (span: HTMLElement, token: number) => HTMLElement;

/** Returns the line's nodes; `tokenSpan` is called once for each element that stands for a token. */
export function renderLinePieces(line: TokenLine, tokenSpan: TokenSpanFactory): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const pieces = line.pieces;
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k];
    const next = pieces[k + 1];
    if (piece.kind === 'carriageReturn' && next?.kind === 'newline') {
      fragment.appendChild(renderCrLf(piece.token, next.token, tokenSpan));
      k++;
      continue;
    }
    fragment.appendChild(renderPiece(piece, tokenSpan));
  }
  return fragment;
}

function renderPiece(piece: LinePiece, tokenSpan: TokenSpanFactory): Node {
  if (piece.kind === 'text' && piece.token < 0) return document.createTextNode(piece.text);
  if (piece.kind === 'shared') {
    return segmentedGlyph(piece.text, piece.parts.map((part) => {
      const span = document.createElement('span');
      const description = describeSharedPart(part);
      span.title = description;
      span.setAttribute('aria-label', description);
      return tokenSpan(span, part.token);
    }));
  }

  const span = document.createElement('span');
  switch (piece.kind) {
    case 'text':
      span.textContent = piece.text;
      break;
    case 'newline':
      span.textContent = NEWLINE_MARKER;
      span.classList.add('newline');
      break;
    case 'carriageReturn':
      span.textContent = CARRIAGE_RETURN_MARKER;
      span.classList.add('newline');
      break;
    case 'special':
      span.textContent = piece.label;
      span.classList.add('special');
      break;
  }
  return tokenSpan(span, piece.token);
}

/** One line-break marker for a CRLF whose CR is token `cr` and LF token `lf`. */
function renderCrLf(cr: number, lf: number, tokenSpan: TokenSpanFactory): HTMLElement {
  const segments = [
    ['carriage return (CR) of a CRLF line break', cr],
    ['line feed (LF) of a CRLF line break', lf],
  ] as const;
  const group = segmentedGlyph(NEWLINE_MARKER, segments.map(([description, token]) => {
    const span = document.createElement('span');
    span.title = description;
    span.setAttribute('aria-label', description);
    return tokenSpan(span, token);
  }));
  group.classList.add('newline');
  return group;
}

/** Returns `<span class="char-group"><span class="char-glyph">text</span>segments…</span>`, the segments side by side over the glyph. */
function segmentedGlyph(text: string, segments: HTMLElement[]): HTMLElement {
  const group = document.createElement('span');
  group.className = 'char-group';
  group.style.minWidth = `${segments.length * MIN_SEGMENT_PX}px`;

  const glyph = document.createElement('span');
  glyph.className = 'char-glyph';
  glyph.textContent = text;
  group.appendChild(glyph);

  segments.forEach((segment, k) => {
    segment.classList.add('char-part');
    segment.style.left = `${(100 * k) / segments.length}%`;
    segment.style.width = `${100 / segments.length}%`;
    group.appendChild(segment);
  });
  return group;
}
