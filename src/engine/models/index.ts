/** Builds the forward pass that matches a config's model_type. */
import type { Checkpoint } from '../checkpoint';
import type { ModelConfig } from '../config';
import type { KernelBackend } from '../kernels/backend';
import { BertModel } from './bert';
import { Gpt2Model } from './gpt2';
import { LlamaModel } from './llama';
import type { LanguageModel } from './model';

/** Builds the model on `kernels`, the plain TypeScript kernels unless given. */
export function createModel(config: ModelConfig, checkpoint: Checkpoint, kernels?: KernelBackend): LanguageModel {
  switch (config.modelType) {
    case 'gpt2':
      return new Gpt2Model(config, checkpoint, kernels);
    case 'llama':
    case 'qwen2':
    case 'mistral':
      return new LlamaModel(config, checkpoint, kernels);
    case 'bert':
      return new BertModel(config, checkpoint, kernels);
  }
}
