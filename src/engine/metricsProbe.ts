/**
 * The induction probe: a random token sequence of length L repeated twice, as
 * Olsson et al. 2022 ("In-context Learning and Induction Heads") use to score
 * induction heads. In the second copy, the token at position i first appeared
 * at i - L, and the token that followed it there is at i - L + 1, so a
 * perfect induction head puts all of row i's weight on i - L + 1.
 */
import { attentionRow, type KeptAttention } from './attention';

/** Random sequence length when the model's context allows it. */
export const PROBE_LENGTH = 50;
export const PROBE_SEED = 0x5eed;

export interface ProbeSequence {
  /** [prefix.length + 2 L + suffix.length] token ids. */
  readonly ids: Int32Array;
  /** Index of the first random token (after the special tokens the tokenizer adds at the start). */
  readonly start: number;
  readonly length: number;
  readonly seed: number;
}

/** mulberry32: a small seeded generator, so the probe is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the probe: prefix, L distinct random ids, the same L ids again, then
 * suffix (the special tokens the tokenizer adds around text, e.g. BOS, or
 * CLS and SEP). Random ids are drawn from [0, vocabSize) without repeats and
 * never from `excluded` (special token ids). L is PROBE_LENGTH, or less when
 * maxPositions or the vocabulary is too small; returns null when L would be
 * below 2.
 */
export function buildProbe(
  vocabSize: number,
  maxPositions: number,
  prefix: readonly number[],
  suffix: readonly number[],
  excluded: ReadonlySet<number>,
  seed = PROBE_SEED,
): ProbeSequence | null {
  const available = vocabSize - [...excluded].filter((id) => id >= 0 && id < vocabSize).length;
  const length = Math.min(PROBE_LENGTH, Math.floor((maxPositions - prefix.length - suffix.length) / 2), available);
  if (length < 2) return null;

  const random = seededRandom(seed);
  const chosen = new Set<number>();
  const sequence: number[] = [];
  while (sequence.length < length) {
    const id = Math.floor(random() * vocabSize);
    if (excluded.has(id) || chosen.has(id)) continue;
    chosen.add(id);
    sequence.push(id);
  }
  const ids = Int32Array.from([...prefix, ...sequence, ...sequence, ...suffix]);
  return { ids, start: prefix.length, length, seed };
}

/**
 * Returns each head's probe score, [layers, heads]: the mean over the second
 * copy (i = start + L .. start + 2L - 1) of a[i][i - L + 1]. `kept` is the
 * probe's forward pass. Only those L rows are computed per head.
 */
export function probeScores(kept: KeptAttention, probe: ProbeSequence): Float32Array {
  const { layers, heads, tokenCount: n } = kept;
  const scores = new Float32Array(layers * heads); // [layers, heads]
  const row = new Float32Array(n); // one attention row
  const secondCopy = probe.start + probe.length;
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      let sum = 0;
      for (let query = secondCopy; query < secondCopy + probe.length; query++) {
        attentionRow(row, 0, kept.queries[layer], kept.keys[layer], head, query, layer, kept, kept.scale, kept.mask);
        sum += row[query - probe.length + 1];
      }
      scores[layer * heads + head] = sum / probe.length;
    }
  }
  return scores;
}
