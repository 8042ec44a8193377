import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patternBlock, type KeptAttention, type MaskRule } from '../../../src/engine/attention';
import { Checkpoint } from '../../../src/engine/checkpoint';
import { parseModelConfig } from '../../../src/engine/config';
import { Engine } from '../../../src/engine/engine';
import { InputError } from '../../../src/engine/errors';
import { createModel } from '../../../src/engine/models/index';
import { patternRows, pooledPattern } from '../../../src/engine/patternViews';
import { Tokenizer } from '../../../src/tokenizer/index';
import type { PatternSelection } from '../../../src/protocol';
import { readModelFolder } from './model-fixtures';

const TEXT = 'The cat sat on the mat. The cat sat on the mat again, and then 😀 the dog ran.';
const FIXTURES = ['gpt2', 'llama', 'qwen2', 'mistral', 'bert'];

function randomArray(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) * 3;
  }
  return out;
}

/** Random queries and keys: 2 layers, 4 heads over 2 key heads, headDim 6. */
function keptAttention(n: number, mask: MaskRule): KeptAttention {
  const heads = 4;
  const kvHeads = 2;
  const headDim = 6;
  const queries = [0, 1].map((layer) => randomArray(heads * n * headDim, 10 * layer + 1));
  const keys = [0, 1].map((layer) => randomArray(kvHeads * n * headDim, 10 * layer + 2));
  return { layers: 2, heads, kvHeads, headDim, tokenCount: n, scale: 1 / Math.sqrt(headDim), mask, queries, keys };
}

/** Kept queries and keys of a fixture model's forward pass on TEXT. */
async function fixtureAttention(name: string): Promise<KeptAttention> {
  const folder = readModelFolder(name);
  const config = parseModelConfig(JSON.parse(new TextDecoder().decode(folder.read('config.json'))), 'config.json');
  const tokenizer = Tokenizer.fromJson(new TextDecoder().decode(folder.read('tokenizer.json')));
  const ids = tokenizer.encode(TEXT, { addSpecialTokens: true }).ids;
  return (await createModel(config, Checkpoint.open(folder)).forward(ids)).attention;
}

/** Block maxima of an [n, n] pattern and the all-masked flags, split at floor(c n / size), from the definition. */
function directPooled(pattern: Float32Array, n: number, size: number, isMasked: (query: number, key: number) => boolean) {
  const data = new Float32Array(size * size);
  const masked = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let max = 0;
      let allMasked = true;
      for (let query = Math.floor((r * n) / size); query < Math.floor(((r + 1) * n) / size); query++) {
        for (let key = Math.floor((c * n) / size); key < Math.floor(((c + 1) * n) / size); key++) {
          max = Math.max(max, pattern[query * n + key]);
          if (!isMasked(query, key)) allMasked = false;
        }
      }
      data[r * size + c] = max;
      masked[r * size + c] = allMasked ? 1 : 0;
    }
  }
  return { data, masked };
}

/** The mask rule as a predicate on one entry: causal, then the sliding window from its first layer. */
function entryMask(mask: MaskRule, layer: number) {
  return (query: number, key: number): boolean => {
    if (!mask.causal) return false;
    if (key > query) return true;
    return mask.slidingWindow !== null && layer >= mask.firstSlidingWindowLayer && key <= query - mask.slidingWindow;
  };
}

function column(pattern: Float32Array, n: number, key: number): Float32Array {
  return Float32Array.from({ length: n }, (_, query) => pattern[query * n + key]);
}

const CAUSAL: MaskRule = { causal: true, slidingWindow: null, firstSlidingWindowLayer: 0 };
const BIDIRECTIONAL: MaskRule = { causal: false, slidingWindow: null, firstSlidingWindowLayer: 0 };
const WINDOW_3_FROM_LAYER_1: MaskRule = { causal: true, slidingWindow: 3, firstSlidingWindowLayer: 1 };
const SELECTIONS: PatternSelection[] = [{ layer: 1, head: 3 }, { layer: 1, head: 'mean' }, { layer: 0, head: 'max' }];

describe('pattern rows and columns', () => {
  for (const [label, mask] of [['causal', CAUSAL], ['bidirectional', BIDIRECTIONAL], ['sliding window', WINDOW_3_FROM_LAYER_1]] as const) {
    it(`${label} rows and columns equal the pattern's`, () => {
      const n = 11;
      const kept = keptAttention(n, mask);
      const indices = [0, 4, 10, 4];
      for (const selection of SELECTIONS) {
        const pattern = patternBlock(kept, [selection]).data;
        const rows = patternRows(kept, selection, indices, 'row');
        const columns = patternRows(kept, selection, indices, 'column');
        assert.equal(rows.data.length, indices.length * n);
        assert.equal(columns.tokenCount, n);
        assert.deepEqual(columns.indices, indices);
        indices.forEach((index, slot) => {
          assert.deepEqual(rows.data.subarray(slot * n, (slot + 1) * n), pattern.subarray(index * n, (index + 1) * n), `row ${index} of ${selection.head}`);
          assert.deepEqual(columns.data.subarray(slot * n, (slot + 1) * n), column(pattern, n, index), `column ${index} of ${selection.head}`);
        });
      }
    });
  }

  it('no indices give empty data', () => {
    const kept = keptAttention(5, CAUSAL);
    assert.equal(patternRows(kept, { layer: 0, head: 0 }, [], 'column').data.length, 0);
  });

  it('bad indices, heads and axes are InputErrors', () => {
    const kept = keptAttention(5, CAUSAL);
    assert.throws(() => patternRows(kept, { layer: 0, head: 0 }, [5], 'row'), /Token index 5 is out of range/);
    assert.throws(() => patternRows(kept, { layer: 0, head: 0 }, [-1], 'column'), InputError);
    assert.throws(() => patternRows(kept, { layer: 0, head: 0 }, [1.5], 'row'), InputError);
    assert.throws(() => patternRows(kept, { layer: 2, head: 0 }, [0], 'row'), InputError);
    assert.throws(() => patternRows(kept, { layer: 0, head: 'sum' as 'mean' }, [0], 'row'), InputError);
    assert.throws(() => patternRows(kept, { layer: 0, head: 0 }, [0], 'diagonal' as 'row'), /Axis "diagonal" is invalid/);
  });
});

describe('pooled patterns', () => {
  for (const [label, mask] of [['causal', CAUSAL], ['bidirectional', BIDIRECTIONAL], ['sliding window', WINDOW_3_FROM_LAYER_1]] as const) {
    for (const [n, size] of [[10, 4], [33, 5], [12, 12], [9, 20], [40, 7]]) {
      it(`${label}, ${n} tokens at ${size}: block maxima and masks`, () => {
        const kept = keptAttention(n, mask);
        for (const selection of SELECTIONS) {
          const pattern = patternBlock(kept, [selection]).data;
          const pooled = pooledPattern(kept, selection, size);
          const cells = Math.min(size, n);
          const expected = directPooled(pattern, n, cells, entryMask(mask, selection.layer));
          assert.equal(pooled.size, cells);
          assert.equal(pooled.tokenCount, n);
          assert.deepEqual(pooled.data, expected.data, `values of ${selection.layer}/${selection.head}`);
          assert.deepEqual(pooled.masked, expected.masked, `masks of ${selection.layer}/${selection.head}`);
        }
      });
    }
  }

  it('a size of n or more returns the pattern itself', () => {
    const n = 8;
    const kept = keptAttention(n, WINDOW_3_FROM_LAYER_1);
    const pooled = pooledPattern(kept, { layer: 1, head: 2 }, 1024);
    assert.equal(pooled.size, n);
    assert.deepEqual(pooled.data, patternBlock(kept, [{ layer: 1, head: 2 }]).data);
    const isMasked = entryMask(WINDOW_3_FROM_LAYER_1, 1);
    for (let query = 0; query < n; query++) {
      for (let key = 0; key < n; key++) assert.equal(pooled.masked[query * n + key], isMasked(query, key) ? 1 : 0, `${query}, ${key}`);
    }
  });

  it('a causal diagonal keeps its weight when pooled', () => {
    // q_i . k_j = 40 (i^2 - (i - j)^2) peaks at j = i, so each query attends almost only to itself:
    // every diagonal block's maximum is near 1 while its mean would be near 1 / block.
    const n = 64;
    const kept = keptAttention(n, CAUSAL);
    const headDim = kept.headDim;
    kept.queries[0].fill(0);
    kept.keys[0].fill(0);
    for (let token = 0; token < n; token++) {
      kept.queries[0].set([80 * token, -40], token * headDim);
      kept.keys[0].set([token, token * token], token * headDim);
    }
    const pooled = pooledPattern(kept, { layer: 0, head: 0 }, 8);
    for (let cell = 0; cell < 8; cell++) assert.ok(pooled.data[cell * 8 + cell] > 0.9, `diagonal cell ${cell} is ${pooled.data[cell * 8 + cell]}`);
    assert.equal(pooled.masked[0 * 8 + 7], 1, 'the top-right block is masked');
    assert.equal(pooled.masked[7 * 8 + 0], 0, 'the bottom-left block is visible');
  });

  it('a size that is not a positive integer is an InputError', () => {
    const kept = keptAttention(4, CAUSAL);
    assert.throws(() => pooledPattern(kept, { layer: 0, head: 0 }, 0), /Heatmap size 0 is invalid/);
    assert.throws(() => pooledPattern(kept, { layer: 0, head: 0 }, 2.5), InputError);
  });
});

describe('pattern views on fixture models', () => {
  for (const name of FIXTURES) {
    it(`${name}: pooled, rows and columns match the pattern`, async () => {
      const kept = await fixtureAttention(name);
      const n = kept.tokenCount;
      const last = kept.layers - 1;
      const selections: PatternSelection[] = [{ layer: last, head: kept.heads - 1 }, { layer: 0, head: 'max' }, { layer: last, head: 'mean' }];
      for (const selection of selections) {
        const pattern = patternBlock(kept, [selection]).data;
        for (const size of [7, 16]) {
          const pooled = pooledPattern(kept, selection, size);
          const expected = directPooled(pattern, n, Math.min(size, n), entryMask(kept.mask, selection.layer));
          assert.deepEqual(pooled.data, expected.data, `${selection.head} at ${size}`);
          assert.deepEqual(pooled.masked, expected.masked, `masks of ${selection.head} at ${size}`);
        }
        const indices = [0, Math.floor(n / 2), n - 1];
        const rows = patternRows(kept, selection, indices, 'row').data;
        const columns = patternRows(kept, selection, indices, 'column').data;
        indices.forEach((index, slot) => {
          assert.deepEqual(rows.subarray(slot * n, (slot + 1) * n), pattern.subarray(index * n, (index + 1) * n));
          assert.deepEqual(columns.subarray(slot * n, (slot + 1) * n), column(pattern, n, index));
        });
      }
    });
  }

  it('Engine serves rows and heatmaps of an analysis', async () => {
    const engine = new Engine({ kernels: 'typescript' });
    await engine.loadModel(readModelFolder('gpt2'));
    const summary = await engine.analyze(TEXT, 512);
    const n = summary.tokens.count;
    const selection: PatternSelection = { layer: 1, head: 0 };
    const pattern = engine.patterns(summary.analysisId, [selection]).data;
    const rows = engine.rows(summary.analysisId, selection, [n - 1], 'row');
    assert.deepEqual(rows.data, pattern.subarray((n - 1) * n, n * n));
    const heatmap = engine.heatmap(summary.analysisId, selection, 4);
    assert.equal(heatmap.size, 4);
    assert.deepEqual(heatmap.data, directPooled(pattern, n, 4, (query, key) => key > query).data);
    engine.releaseAnalysis(summary.analysisId);
    assert.throws(() => engine.heatmap(summary.analysisId, selection, 4), /was not found/);
  });
});
