/**
 * Typed engine errors. Each message names the file, tensor or value involved and
 * states what to do next. The worker sends `name` (the class name) across the
 * message boundary, so the host can tell the kinds apart without `instanceof`.
 */

/** Base class of every error the engine raises on purpose. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A safetensors file, or the index of a sharded checkpoint, is invalid. */
export class SafetensorsError extends EngineError {
  readonly file: string;
  readonly tensor?: string;

  constructor(file: string, message: string, tensor?: string) {
    const where = tensor === undefined ? file : `${file}, tensor "${tensor}"`;
    super(`${where}: ${message}`);
    this.file = file;
    this.tensor = tensor;
  }
}

/** A tensor the model needs is not in the checkpoint. */
export class MissingTensorError extends EngineError {
  readonly tensor: string;
  readonly file?: string;

  /** `hint` follows the standard message, e.g. a list of similar tensor names. */
  constructor(tensor: string, file?: string, hint?: string) {
    const where = file === undefined ? 'the checkpoint' : file;
    const message = `Tensor "${tensor}" was not found in ${where}. ` +
      'Check that the checkpoint matches config.json (model_type and layer count).';
    super(hint === undefined ? message : `${message} ${hint}`);
    this.tensor = tensor;
    this.file = file;
  }
}

/** config.json is missing, invalid or describes a model the engine does not support. */
export class ConfigError extends EngineError {}

/** tokenizer.json or tokenizer_config.json is missing, invalid or of an unsupported kind. */
export class TokenizerError extends EngineError {}

/** The caller's request is invalid: empty text, a layer out of range, no model loaded. */
export class InputError extends EngineError {}

/** The caller cancelled the request before it finished. */
export class CancelledError extends EngineError {
  constructor(message = 'The request was cancelled.') {
    super(message);
  }
}
