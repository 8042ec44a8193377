/**
 * The model configuration the cost model takes: every dimension and architectural
 * choice that changes a parameter count, a FLOP count or a memory figure.
 * Field names follow src/protocol.ts (ModelInfo); the comments give the matching
 * Hugging Face config.json key.
 */

import type { ModelType } from '../protocol';
import { CostInputError } from './errors';

/** `gelu`: two matrices (up, down), as GPT-2 and BERT. `gated`: three (gate, up, down), as the SwiGLU of Llama, Mistral and Qwen2. */
export type MlpKind = 'gelu' | 'gated';

/** `layernorm` stores a weight and a bias per channel; `rmsnorm` stores only a weight. */
export type NormKind = 'layernorm' | 'rmsnorm';

/** `learned` stores a [maxPositions, dModel] table (GPT-2, BERT); `rope` rotates q and k and stores nothing. */
export type PositionKind = 'learned' | 'rope';

/** Which projections carry a bias vector. */
export interface ProjectionBiases {
  /** q, k and v projections (GPT-2 c_attn, BERT query/key/value, Qwen2 q/k/v_proj). */
  readonly qkv: boolean;
  /** Attention output projection (GPT-2 attn.c_proj, BERT attention.output.dense, `attention_bias` for Llama's o_proj). */
  readonly attentionOutput: boolean;
  /** Every MLP matrix (GPT-2 c_fc and c_proj, BERT intermediate and output, `mlp_bias` for Llama). */
  readonly mlp: boolean;
}

export interface CostModelConfig {
  /** Display name, e.g. "GPT-2 small". */
  readonly name: string;
  readonly modelType: ModelType;
  /** True when each token attends only to earlier ones (decoders); false for BERT. */
  readonly causal: boolean;
  /** `num_hidden_layers` / `n_layer`. */
  readonly layers: number;
  /** `hidden_size` / `n_embd`. */
  readonly dModel: number;
  /** `num_attention_heads` / `n_head`: query heads. */
  readonly heads: number;
  /** `num_key_value_heads`: equal to `heads` without grouped-query attention. */
  readonly kvHeads: number;
  /** `head_dim`, usually dModel / heads. */
  readonly headDim: number;
  /** `intermediate_size` / `n_inner` (4 x dModel for GPT-2 when null). */
  readonly intermediateSize: number;
  readonly mlp: MlpKind;
  /** `vocab_size`: rows of the token embedding. */
  readonly vocabSize: number;
  /** `max_position_embeddings` / `n_positions`. */
  readonly maxPositions: number;
  /** `sliding_window` in tokens when the model uses it, or null for full attention. */
  readonly slidingWindow: number | null;
  /** `tie_word_embeddings`: the output head reuses the token embedding, so it adds no parameters. */
  readonly tiedEmbeddings: boolean;
  readonly norm: NormKind;
  readonly biases: ProjectionBiases;
  readonly positions: PositionKind;
  /** `type_vocab_size` rows of token-type embeddings (2 for BERT); 0 when the model has none. */
  readonly tokenTypes: number;
  /** A norm right after the embeddings (BERT's embeddings.LayerNorm). */
  readonly embeddingNorm: boolean;
  /** A norm after the last layer (GPT-2 ln_f, Llama model.norm); BERT is post-norm and has none. */
  readonly finalNorm: boolean;
  /** BERT's pooler: a dModel x dModel dense layer with bias, applied to the first token. */
  readonly pooler: boolean;
  /** An output projection from dModel to the vocabulary (language-model head), tied or not. */
  readonly lmHead: boolean;
}

const positiveIntegerFields = [
  'layers', 'dModel', 'heads', 'kvHeads', 'headDim', 'intermediateSize', 'vocabSize', 'maxPositions',
] as const;

/** Checks that every dimension is a positive integer and that the heads divide evenly; throws CostInputError naming the field. */
export function validateConfig(config: CostModelConfig): void {
  for (const field of positiveIntegerFields) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new CostInputError(`${config.name}: ${field} must be a positive integer, got ${value}.`);
    }
  }
  if (config.heads % config.kvHeads !== 0) {
    throw new CostInputError(
      `${config.name}: heads (${config.heads}) must be a multiple of kvHeads (${config.kvHeads}) for grouped-query attention.`,
    );
  }
  if (config.slidingWindow !== null && (!Number.isSafeInteger(config.slidingWindow) || config.slidingWindow <= 0)) {
    throw new CostInputError(`${config.name}: slidingWindow must be a positive integer or null, got ${config.slidingWindow}.`);
  }
  if (!Number.isSafeInteger(config.tokenTypes) || config.tokenTypes < 0) {
    throw new CostInputError(`${config.name}: tokenTypes must be 0 or a positive integer, got ${config.tokenTypes}.`);
  }
}

/** Checks a sequence length or batch size; throws CostInputError naming it. */
export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new CostInputError(`${name} must be a positive integer, got ${value}.`);
  }
}
