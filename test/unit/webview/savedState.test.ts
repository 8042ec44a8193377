import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisView, ModelInfo } from '../../../src/protocol';
import {
  EMPTY_SAVED_STATE,
  fingerprintTokens,
  parseSavedState,
  restorePinnedToken,
  restoreSelection,
  type SavedState,
} from '../../../webview/savedState';

const model: ModelInfo = {
  name: 'test',
  modelType: 'gpt2',
  causal: true,
  layers: 2,
  heads: 4,
  kvHeads: 4,
  headDim: 8,
  dModel: 32,
  intermediateSize: 128,
  vocabSize: 100,
  maxPositions: 64,
  slidingWindow: null,
  parameterCount: 1000,
  dtype: 'F32',
};

function analysis(ids: number[], documentUri = 'file:///a.ts', analysisId = 1): AnalysisView {
  const count = ids.length;
  return {
    summary: {
      analysisId,
      model,
      tokens: {
        count,
        ids: Int32Array.from(ids),
        starts: new Int32Array(count),
        ends: new Int32Array(count),
        flags: new Uint8Array(count),
        labels: ids.map(String),
      },
      droppedTokens: 0,
      analysedLength: count,
      timings: { tokenizeMs: 0, forwardMs: 0 },
    },
    text: 'x'.repeat(count),
    documentUri,
    firstLine: 0,
    stale: false,
    untokenizedCharacters: 0,
  };
}

function saved(view: AnalysisView, fields: Partial<SavedState>): SavedState {
  return {
    ...EMPTY_SAVED_STATE,
    documentUri: view.documentUri,
    tokenFingerprint: fingerprintTokens(view.summary.tokens.ids),
    ...fields,
  };
}

test('parseSavedState survives a JSON round trip', () => {
  const state: SavedState = {
    version: 1,
    documentUri: 'file:///b.md',
    tokenFingerprint: 12345,
    pinnedToken: 3,
    selection: { layer: 1, head: 'max' },
    direction: 'receives',
  };
  assert.deepEqual(parseSavedState(JSON.parse(JSON.stringify(state))), state);
});

test('parseSavedState falls back field by field', () => {
  assert.deepEqual(parseSavedState(undefined), EMPTY_SAVED_STATE);
  assert.deepEqual(parseSavedState({ version: 2, pinnedToken: 1 }), EMPTY_SAVED_STATE);
  const parsed = parseSavedState({
    version: 1,
    pinnedToken: -1,
    selection: { layer: 0, head: 'median' },
    direction: 'sideways',
    tokenFingerprint: 'x',
  });
  assert.equal(parsed.pinnedToken, null);
  assert.equal(parsed.selection, null);
  assert.equal(parsed.direction, 'pays');
  assert.equal(parsed.tokenFingerprint, null);
});

test('restoreSelection checks the model has the head', () => {
  assert.deepEqual(restoreSelection({ ...EMPTY_SAVED_STATE, selection: { layer: 1, head: 3 } }, model), { layer: 1, head: 3 });
  assert.deepEqual(restoreSelection({ ...EMPTY_SAVED_STATE, selection: { layer: 1, head: 'mean' } }, model), {
    layer: 1,
    head: 'mean',
  });
  assert.equal(restoreSelection({ ...EMPTY_SAVED_STATE, selection: { layer: 2, head: 0 } }, model), null);
  assert.equal(restoreSelection({ ...EMPTY_SAVED_STATE, selection: { layer: 0, head: 4 } }, model), null);
  assert.equal(restoreSelection(EMPTY_SAVED_STATE, model), null);
});

test('pinned token restores for the same tokens after reload', () => {
  const before = analysis([5, 6, 7], 'file:///a.ts', 9);
  const after = analysis([5, 6, 7], 'file:///a.ts', 1);
  assert.equal(restorePinnedToken(saved(before, { pinnedToken: 2 }), after), 2);
});

test('pinned token is dropped for other text', () => {
  const before = analysis([5, 6, 7]);
  assert.equal(restorePinnedToken(saved(before, { pinnedToken: 2 }), analysis([5, 6, 8])), null);
  assert.equal(restorePinnedToken(saved(before, { pinnedToken: 2 }), analysis([5, 6, 7], 'file:///b.ts')), null);
  assert.equal(restorePinnedToken(saved(before, { pinnedToken: 3 }), before), null);
  assert.equal(restorePinnedToken(saved(before, { pinnedToken: null }), before), null);
});

test('fingerprint depends on order and high bits', () => {
  assert.notEqual(fingerprintTokens(Int32Array.from([1, 2])), fingerprintTokens(Int32Array.from([2, 1])));
  assert.notEqual(fingerprintTokens(Int32Array.from([1])), fingerprintTokens(Int32Array.from([1 + 256])));
  assert.equal(fingerprintTokens(Int32Array.from([4, 5])), fingerprintTokens(Int32Array.from([4, 5])));
});
