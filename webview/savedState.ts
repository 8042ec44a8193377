import type { AnalysisView, AttentionDirection, ModelInfo, PatternSelection } from '../src/protocol';

/**
 * What the webview keeps across a window reload through `vscode.setState`.
 * The analysis itself is not kept: the host sends it again after `ready`.
 */
export interface SavedState {
  readonly version: 1;
  /** The document and token ids the pinned token belongs to (see `fingerprintTokens`). */
  readonly documentUri: string | null;
  readonly tokenFingerprint: number | null;
  readonly pinnedToken: number | null;
  readonly selection: PatternSelection | null;
  readonly direction: AttentionDirection;
}

export const EMPTY_SAVED_STATE: SavedState = {
  version: 1,
  documentUri: null,
  tokenFingerprint: null,
  pinnedToken: null,
  selection: null,
  direction: 'pays',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function parseSelection(value: unknown): PatternSelection | null {
  if (!isRecord(value) || !isIndex(value.layer)) return null;
  const head = value.head;
  if (head === 'mean' || head === 'max' || isIndex(head)) return { layer: value.layer, head };
  return null;
}

/**
 * Reads what `vscode.getState` returned. Anything missing or malformed (an
 * older version, a hand-edited value) falls back to the empty state field by field.
 */
export function parseSavedState(value: unknown): SavedState {
  if (!isRecord(value) || value.version !== 1) return EMPTY_SAVED_STATE;
  return {
    version: 1,
    documentUri: typeof value.documentUri === 'string' ? value.documentUri : null,
    tokenFingerprint: isIndex(value.tokenFingerprint) ? value.tokenFingerprint : null,
    pinnedToken: isIndex(value.pinnedToken) ? value.pinnedToken : null,
    selection: parseSelection(value.selection),
    direction: value.direction === 'receives' ? 'receives' : 'pays',
  };
}

/** Returns the saved selection if the model has that layer and head, otherwise null. */
export function restoreSelection(saved: SavedState, model: ModelInfo): PatternSelection | null {
  const selection = saved.selection;
  if (!selection || selection.layer >= model.layers) return null;
  if (typeof selection.head === 'number' && selection.head >= model.heads) return null;
  return selection;
}

/**
 * Hashes the token ids with 32-bit FNV-1a. Analysis ids start again after a
 * window reload, so the pinned token is matched by document and token ids instead.
 */
export function fingerprintTokens(ids: Int32Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ids.length; i++) {
    hash ^= ids[i] & 0xff;
    hash = Math.imul(hash, 0x01000193);
    hash ^= (ids[i] >>> 8) & 0xffffff;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Returns the saved pinned token if it belongs to this analysis's document and tokens, otherwise null. */
export function restorePinnedToken(saved: SavedState, analysis: AnalysisView): number | null {
  if (saved.pinnedToken === null) return null;
  const tokens = analysis.summary.tokens;
  if (saved.documentUri !== analysis.documentUri) return null;
  if (saved.tokenFingerprint !== fingerprintTokens(tokens.ids)) return null;
  return saved.pinnedToken < tokens.count ? saved.pinnedToken : null;
}
