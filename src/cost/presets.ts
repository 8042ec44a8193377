/**
 * Configurations of real models, each from its Hugging Face config.json, with the
 * published parameter count it must reproduce and where that count is published.
 */

import type { CostModelConfig, ProjectionBiases } from './config';
import { CostInputError } from './errors';

export interface ModelPreset {
  readonly id: string;
  readonly config: CostModelConfig;
  /** The config.json the dimensions come from. */
  readonly configSource: string;
  /** Parameter count as published. */
  readonly publishedParameters: number;
  readonly parametersSource: string;
}

const ALL_BIASES: ProjectionBiases = { qkv: true, attentionOutput: true, mlp: true };
const NO_BIASES: ProjectionBiases = { qkv: false, attentionOutput: false, mlp: false };
/** Qwen2 biases q, k and v only (transformers' Qwen2Attention: bias=True on q/k/v_proj, False on o_proj). */
const QKV_BIASES: ProjectionBiases = { qkv: true, attentionOutput: false, mlp: false };

/** GPT-2 (transformers' GPT2Model): learned positions, pre-norm LayerNorm with ln_f, GELU MLP of 4 x n_embd, biases everywhere, tied head. */
function gpt2(name: string, layers: number, dModel: number, heads: number): CostModelConfig {
  return {
    name, modelType: 'gpt2', causal: true, layers, dModel, heads, kvHeads: heads, headDim: dModel / heads,
    intermediateSize: 4 * dModel, mlp: 'gelu', vocabSize: 50257, maxPositions: 1024, slidingWindow: null,
    tiedEmbeddings: true, norm: 'layernorm', biases: ALL_BIASES, positions: 'learned', tokenTypes: 0,
    embeddingNorm: false, finalNorm: true, pooler: false, lmHead: true,
  };
}

/** Llama-family decoders (Llama, Mistral, Qwen2): RoPE, RMSNorm with a final norm, SwiGLU MLP. */
function llamaFamily(
  fields: Pick<CostModelConfig, 'name' | 'modelType' | 'layers' | 'dModel' | 'heads' | 'kvHeads' | 'intermediateSize'
    | 'vocabSize' | 'maxPositions' | 'slidingWindow' | 'tiedEmbeddings' | 'biases'>,
): CostModelConfig {
  return {
    ...fields, causal: true, headDim: fields.dModel / fields.heads, mlp: 'gated', norm: 'rmsnorm', positions: 'rope',
    tokenTypes: 0, embeddingNorm: false, finalNorm: true, pooler: false, lmHead: true,
  };
}

/** GPT-2 counts: GPT2LMHeadModel in transformers, as listed in keras-hub's GPT-2 presets (keras_nlp/models/gpt2/gpt2_presets.py, "params"). */
const GPT2_COUNT_SOURCE = 'keras-hub GPT-2 presets ("params"), equal to transformers GPT2LMHeadModel.num_parameters()';
/** Counts shown on Hugging Face model pages: the sum of the safetensors tensor sizes. */
const HUB_COUNT_SOURCE = 'Hugging Face Hub safetensors parameter total for the model';

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    id: 'gpt2',
    config: gpt2('GPT-2 small', 12, 768, 12),
    configSource: 'https://huggingface.co/openai-community/gpt2/blob/main/config.json (n_layer 12, n_embd 768, n_head 12)',
    publishedParameters: 124_439_808,
    parametersSource: GPT2_COUNT_SOURCE,
  },
  {
    id: 'gpt2-medium',
    config: gpt2('GPT-2 medium', 24, 1024, 16),
    configSource: 'https://huggingface.co/openai-community/gpt2-medium/blob/main/config.json (n_layer 24, n_embd 1024, n_head 16)',
    publishedParameters: 354_823_168,
    parametersSource: GPT2_COUNT_SOURCE,
  },
  {
    id: 'gpt2-large',
    config: gpt2('GPT-2 large', 36, 1280, 20),
    configSource: 'https://huggingface.co/openai-community/gpt2-large/blob/main/config.json (n_layer 36, n_embd 1280, n_head 20)',
    publishedParameters: 774_030_080,
    parametersSource: GPT2_COUNT_SOURCE,
  },
  {
    id: 'gpt2-xl',
    config: gpt2('GPT-2 XL', 48, 1600, 25),
    configSource: 'https://huggingface.co/openai-community/gpt2-xl/blob/main/config.json (n_layer 48, n_embd 1600, n_head 25)',
    publishedParameters: 1_557_611_200,
    parametersSource: GPT2_COUNT_SOURCE,
  },
  {
    id: 'bert-base-uncased',
    config: {
      name: 'BERT base uncased', modelType: 'bert', causal: false, layers: 12, dModel: 768, heads: 12, kvHeads: 12,
      headDim: 64, intermediateSize: 3072, mlp: 'gelu', vocabSize: 30522, maxPositions: 512, slidingWindow: null,
      tiedEmbeddings: true, norm: 'layernorm', biases: ALL_BIASES, positions: 'learned', tokenTypes: 2,
      embeddingNorm: true, finalNorm: false, pooler: true, lmHead: false,
    },
    configSource: 'https://huggingface.co/google-bert/bert-base-uncased/blob/main/config.json (hidden_size 768, 12 layers, type_vocab_size 2)',
    // BertModel with its pooler; the checkpoint's pre-training heads (cls.predictions, cls.seq_relationship) are not counted.
    publishedParameters: 109_482_240,
    parametersSource: 'transformers BertModel.from_pretrained("bert-base-uncased").num_parameters()',
  },
  {
    id: 'llama-3.1-8b',
    config: llamaFamily({
      name: 'Llama 3.1 8B', modelType: 'llama', layers: 32, dModel: 4096, heads: 32, kvHeads: 8, intermediateSize: 14336,
      vocabSize: 128256, maxPositions: 131072, slidingWindow: null, tiedEmbeddings: false, biases: NO_BIASES,
    }),
    configSource: 'https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json',
    publishedParameters: 8_030_261_248,
    parametersSource: HUB_COUNT_SOURCE,
  },
  {
    id: 'llama-3.1-70b',
    config: llamaFamily({
      name: 'Llama 3.1 70B', modelType: 'llama', layers: 80, dModel: 8192, heads: 64, kvHeads: 8, intermediateSize: 28672,
      vocabSize: 128256, maxPositions: 131072, slidingWindow: null, tiedEmbeddings: false, biases: NO_BIASES,
    }),
    configSource: 'https://huggingface.co/meta-llama/Llama-3.1-70B/blob/main/config.json',
    publishedParameters: 70_553_706_496,
    parametersSource: HUB_COUNT_SOURCE,
  },
  {
    id: 'mistral-7b-v0.1',
    config: llamaFamily({
      name: 'Mistral 7B v0.1', modelType: 'mistral', layers: 32, dModel: 4096, heads: 32, kvHeads: 8, intermediateSize: 14336,
      vocabSize: 32000, maxPositions: 32768, slidingWindow: 4096, tiedEmbeddings: false, biases: NO_BIASES,
    }),
    configSource: 'https://huggingface.co/mistralai/Mistral-7B-v0.1/blob/main/config.json (sliding_window 4096)',
    publishedParameters: 7_241_732_096,
    parametersSource: HUB_COUNT_SOURCE,
  },
  {
    id: 'qwen2.5-0.5b',
    config: llamaFamily({
      name: 'Qwen2.5 0.5B', modelType: 'qwen2', layers: 24, dModel: 896, heads: 14, kvHeads: 2, intermediateSize: 4864,
      // use_sliding_window is false in config.json, so its sliding_window value is unused.
      vocabSize: 151936, maxPositions: 32768, slidingWindow: null, tiedEmbeddings: true, biases: QKV_BIASES,
    }),
    configSource: 'https://huggingface.co/Qwen/Qwen2.5-0.5B/blob/main/config.json',
    publishedParameters: 494_032_768,
    parametersSource: HUB_COUNT_SOURCE,
  },
  {
    id: 'qwen2.5-7b',
    config: llamaFamily({
      name: 'Qwen2.5 7B', modelType: 'qwen2', layers: 28, dModel: 3584, heads: 28, kvHeads: 4, intermediateSize: 18944,
      vocabSize: 152064, maxPositions: 131072, slidingWindow: null, tiedEmbeddings: false, biases: QKV_BIASES,
    }),
    configSource: 'https://huggingface.co/Qwen/Qwen2.5-7B/blob/main/config.json',
    publishedParameters: 7_615_616_512,
    parametersSource: HUB_COUNT_SOURCE,
  },
  {
    id: 'smollm-135m',
    config: llamaFamily({
      name: 'SmolLM 135M', modelType: 'llama', layers: 30, dModel: 576, heads: 9, kvHeads: 3, intermediateSize: 1536,
      vocabSize: 49152, maxPositions: 2048, slidingWindow: null, tiedEmbeddings: true, biases: NO_BIASES,
    }),
    configSource: 'https://huggingface.co/HuggingFaceTB/SmolLM-135M/blob/main/config.json',
    publishedParameters: 134_515_008,
    parametersSource: HUB_COUNT_SOURCE,
  },
];

/** Looks a preset up by id; throws CostInputError listing the known ids. */
export function presetById(id: string): ModelPreset {
  const preset = MODEL_PRESETS.find((candidate) => candidate.id === id);
  if (preset === undefined) {
    throw new CostInputError(`Unknown model preset "${id}". Known presets: ${MODEL_PRESETS.map((p) => p.id).join(', ')}.`);
  }
  return preset;
}
