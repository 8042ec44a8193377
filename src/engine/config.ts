/**
 * The model dimensions the forward pass needs, read from a Hugging Face
 * config.json. Field names and defaults follow the configuration classes of
 * Hugging Face transformers (GPT2Config, LlamaConfig, Qwen2Config,
 * MistralConfig, BertConfig). A default applies only where those classes
 * define one. Every other missing field is a ConfigError.
 */
import type { ModelType } from '../protocol';
import { ConfigError } from './errors';

export const SUPPORTED_MODEL_TYPES: readonly ModelType[] = ['gpt2', 'llama', 'qwen2', 'mistral', 'bert'];

/**
 * Activation in the MLP, by its Hugging Face name: 'gelu_new' is the tanh
 * approximation of GELU, 'gelu' the exact erf form.
 */
export type Activation = 'gelu_new' | 'gelu' | 'relu' | 'silu';

/** Llama 3's frequency-dependent RoPE scaling (rope_scaling.rope_type "llama3"). */
export interface Llama3RopeScaling {
  readonly type: 'llama3';
  readonly factor: number;
  readonly lowFreqFactor: number;
  readonly highFreqFactor: number;
  readonly originalMaxPositions: number;
}

export interface ModelConfig {
  readonly modelType: ModelType;
  readonly layers: number;
  readonly heads: number;
  /** Key/value heads; fewer than `heads` under grouped-query attention. */
  readonly kvHeads: number;
  readonly headDim: number;
  readonly dModel: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  /** Epsilon of LayerNorm (gpt2, bert) or RMSNorm (llama, qwen2, mistral). */
  readonly normEps: number;
  /** RoPE base; unused by gpt2 and bert. */
  readonly ropeTheta: number;
  readonly ropeScaling: Llama3RopeScaling | null;
  readonly tieWordEmbeddings: boolean;
  /** Whether q_proj, k_proj and v_proj have biases (always true for qwen2). */
  readonly attentionBias: boolean;
  /** Whether o_proj has a bias: set by llama's attention_bias, never for qwen2. */
  readonly attentionOutputBias: boolean;
  /** Whether the MLP projections have biases (llama's mlp_bias). */
  readonly mlpBias: boolean;
  /** Sliding-window width in tokens, or null for full attention. */
  readonly slidingWindow: number | null;
  /**
   * First layer that applies the sliding window: 0 for mistral, qwen2's
   * max_window_layers otherwise. Meaningless when slidingWindow is null.
   */
  readonly firstSlidingWindowLayer: number;
  readonly activation: Activation;
  /** Token-type embeddings rows (bert); 0 for the other types. */
  readonly typeVocabSize: number;
}

/** Parses config.json (already JSON-decoded); `fileName` is used in error messages. */
export function parseModelConfig(json: unknown, fileName: string): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${fileName}: expected a JSON object.`);
  }
  const fields = new Fields(json as Record<string, unknown>, fileName);
  const modelType = fields.raw('model_type');
  switch (modelType) {
    case 'gpt2':
      return parseGpt2(fields);
    case 'llama':
    case 'qwen2':
    case 'mistral':
      return parseLlamaFamily(fields, modelType);
    case 'bert':
      return parseBert(fields);
    default: {
      const problem = modelType === undefined ? 'model_type is missing' : `model_type ${JSON.stringify(modelType)} is not supported`;
      throw new ConfigError(`${fileName}: ${problem}. Supported types: ${SUPPORTED_MODEL_TYPES.join(', ')}.`);
    }
  }
}

function parseGpt2(fields: Fields): ModelConfig {
  const dModel = fields.positiveInteger('n_embd');
  const heads = fields.positiveInteger('n_head');
  checkDivisible(fields, dModel, 'n_embd', heads, 'n_head');
  // GPT2Config lets n_inner be null, meaning 4 * n_embd.
  const inner = fields.optionalPositiveInteger('n_inner') ?? 4 * dModel;

  // These options change the attention scores; the forward pass implements only the defaults.
  fields.expectDefault('scale_attn_weights', true);
  fields.expectDefault('scale_attn_by_inverse_layer_idx', false);

  return {
    modelType: 'gpt2',
    layers: fields.positiveInteger('n_layer'),
    heads,
    kvHeads: heads,
    headDim: dModel / heads,
    dModel,
    intermediateSize: inner,
    vocabSize: fields.positiveInteger('vocab_size'),
    maxPositions: fields.positiveInteger('n_positions'),
    normEps: fields.optionalPositiveNumber('layer_norm_epsilon') ?? 1e-5,
    ropeTheta: 0,
    ropeScaling: null,
    tieWordEmbeddings: fields.optionalBoolean('tie_word_embeddings') ?? true,
    attentionBias: true,
    attentionOutputBias: true,
    mlpBias: true,
    slidingWindow: null,
    firstSlidingWindowLayer: 0,
    activation: fields.activation('activation_function', 'gelu_new', ['gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu']),
    typeVocabSize: 0,
  };
}

function parseLlamaFamily(fields: Fields, modelType: 'llama' | 'qwen2' | 'mistral'): ModelConfig {
  const dModel = fields.positiveInteger('hidden_size');
  const heads = fields.positiveInteger('num_attention_heads');
  const kvHeads = fields.optionalPositiveInteger('num_key_value_heads') ?? heads;
  checkDivisible(fields, heads, 'num_attention_heads', kvHeads, 'num_key_value_heads');
  let headDim = fields.optionalPositiveInteger('head_dim');
  if (headDim === undefined) {
    checkDivisible(fields, dModel, 'hidden_size', heads, 'num_attention_heads');
    headDim = dModel / heads;
  }
  if (headDim % 2 !== 0) {
    throw new ConfigError(`${fields.fileName}: the head dimension ${headDim} is odd, but rotary embeddings rotate pairs of dimensions.`);
  }

  let slidingWindow: number | null = null;
  let firstSlidingWindowLayer = 0;
  if (modelType === 'mistral') {
    // MistralConfig defaults sliding_window to 4096; an explicit null turns it off.
    slidingWindow = fields.has('sliding_window') ? fields.nullablePositiveInteger('sliding_window') : 4096;
  } else if (modelType === 'qwen2' && fields.optionalBoolean('use_sliding_window') === true) {
    // Qwen2 applies the window only from layer max_window_layers on (Qwen2Config default 28).
    slidingWindow = fields.has('sliding_window') ? fields.nullablePositiveInteger('sliding_window') : 4096;
    firstSlidingWindowLayer = fields.optionalNonNegativeInteger('max_window_layers') ?? 28;
  }

  const llamaBias = modelType === 'llama' ? (fields.optionalBoolean('attention_bias') ?? false) : false;
  return {
    modelType,
    layers: fields.positiveInteger('num_hidden_layers'),
    heads,
    kvHeads,
    headDim,
    dModel,
    intermediateSize: fields.positiveInteger('intermediate_size'),
    vocabSize: fields.positiveInteger('vocab_size'),
    maxPositions: fields.positiveInteger('max_position_embeddings'),
    normEps: fields.optionalPositiveNumber('rms_norm_eps') ?? 1e-6,
    ropeTheta: fields.optionalPositiveNumber('rope_theta') ?? 10000,
    ropeScaling: parseRopeScaling(fields),
    tieWordEmbeddings: fields.optionalBoolean('tie_word_embeddings') ?? false,
    attentionBias: modelType === 'qwen2' ? true : llamaBias,
    attentionOutputBias: llamaBias,
    mlpBias: modelType === 'llama' ? (fields.optionalBoolean('mlp_bias') ?? false) : false,
    slidingWindow,
    firstSlidingWindowLayer,
    activation: fields.activation('hidden_act', 'silu', ['silu']),
    typeVocabSize: 0,
  };
}

function parseRopeScaling(fields: Fields): Llama3RopeScaling | null {
  const value = fields.raw('rope_scaling');
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${fields.fileName}: rope_scaling must be null or an object, got ${JSON.stringify(value)}.`);
  }
  const scaling = new Fields(value as Record<string, unknown>, fields.fileName, 'rope_scaling.');
  // Newer configs name the kind rope_type; older ones used type.
  const kind = scaling.raw('rope_type') ?? scaling.raw('type');
  if (kind === 'default') return null;
  if (kind !== 'llama3') {
    throw new ConfigError(
      `${fields.fileName}: rope_scaling type ${JSON.stringify(kind) ?? '(missing)'} is not supported. ` +
        'Supported: "llama3", or "default" and null for unscaled rotary embeddings.',
    );
  }
  return {
    type: 'llama3',
    factor: scaling.positiveNumber('factor'),
    lowFreqFactor: scaling.positiveNumber('low_freq_factor'),
    highFreqFactor: scaling.positiveNumber('high_freq_factor'),
    originalMaxPositions: scaling.positiveInteger('original_max_position_embeddings'),
  };
}

function parseBert(fields: Fields): ModelConfig {
  const dModel = fields.positiveInteger('hidden_size');
  const heads = fields.positiveInteger('num_attention_heads');
  checkDivisible(fields, dModel, 'hidden_size', heads, 'num_attention_heads');
  const positionType = fields.raw('position_embedding_type');
  if (positionType !== undefined && positionType !== 'absolute') {
    throw new ConfigError(
      `${fields.fileName}: position_embedding_type ${JSON.stringify(positionType)} is not supported; only "absolute" is.`,
    );
  }
  return {
    modelType: 'bert',
    layers: fields.positiveInteger('num_hidden_layers'),
    heads,
    kvHeads: heads,
    headDim: dModel / heads,
    dModel,
    intermediateSize: fields.positiveInteger('intermediate_size'),
    vocabSize: fields.positiveInteger('vocab_size'),
    maxPositions: fields.optionalPositiveInteger('max_position_embeddings') ?? 512,
    normEps: fields.optionalPositiveNumber('layer_norm_eps') ?? 1e-12,
    ropeTheta: 0,
    ropeScaling: null,
    tieWordEmbeddings: fields.optionalBoolean('tie_word_embeddings') ?? true,
    attentionBias: true,
    attentionOutputBias: true,
    mlpBias: true,
    slidingWindow: null,
    firstSlidingWindowLayer: 0,
    activation: fields.activation('hidden_act', 'gelu', ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu']),
    typeVocabSize: fields.optionalPositiveInteger('type_vocab_size') ?? 2,
  };
}

function checkDivisible(fields: Fields, dividend: number, dividendName: string, divisor: number, divisorName: string): void {
  if (dividend % divisor !== 0) {
    throw new ConfigError(`${fields.fileName}: ${dividendName} (${dividend}) must be a multiple of ${divisorName} (${divisor}).`);
  }
}

/** Typed access to a JSON object's fields, with errors naming the field and the file. */
class Fields {
  constructor(
    private readonly json: Record<string, unknown>,
    readonly fileName: string,
    private readonly prefix = '',
  ) {}

  has(key: string): boolean {
    return Object.hasOwn(this.json, key);
  }

  raw(key: string): unknown {
    return this.has(key) ? this.json[key] : undefined;
  }

  positiveInteger(key: string): number {
    const value = this.optionalPositiveInteger(key);
    if (value === undefined) throw this.missing(key, 'a positive integer');
    return value;
  }

  optionalPositiveInteger(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw this.invalid(key, value, 'a positive integer');
    return value;
  }

  optionalNonNegativeInteger(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw this.invalid(key, value, 'a non-negative integer');
    return value;
  }

  /** Reads a positive integer, or null when the field is explicitly null. */
  nullablePositiveInteger(key: string): number | null {
    return this.optionalPositiveInteger(key) ?? null;
  }

  positiveNumber(key: string): number {
    const value = this.optionalPositiveNumber(key);
    if (value === undefined) throw this.missing(key, 'a positive number');
    return value;
  }

  optionalPositiveNumber(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw this.invalid(key, value, 'a positive number');
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.invalid(key, value, 'true or false');
    return value;
  }

  /** Rejects a value other than `expected` for an option the engine does not implement. */
  expectDefault(key: string, expected: boolean): void {
    const value = this.optionalBoolean(key);
    if (value !== undefined && value !== expected) {
      throw new ConfigError(`${this.fileName}: ${this.prefix}${key} = ${value} is not supported; only ${expected} is.`);
    }
  }

  /** Reads an activation name; Hugging Face's gelu_pytorch_tanh is the same function as gelu_new. */
  activation(key: string, fallback: Activation, allowed: readonly string[]): Activation {
    const value = this.raw(key) ?? fallback;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw new ConfigError(
        `${this.fileName}: ${this.prefix}${key} ${JSON.stringify(value)} is not supported for this model_type. Supported: ${allowed.join(', ')}.`,
      );
    }
    return value === 'gelu_pytorch_tanh' ? 'gelu_new' : (value as Activation);
  }

  private missing(key: string, expected: string): ConfigError {
    return new ConfigError(`${this.fileName}: ${this.prefix}${key} is missing; expected ${expected}.`);
  }

  private invalid(key: string, value: unknown, expected: string): ConfigError {
    return new ConfigError(`${this.fileName}: ${this.prefix}${key} is ${JSON.stringify(value)}; expected ${expected}.`);
  }
}
