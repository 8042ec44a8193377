/**
 * Picks the kernels a model runs on: the WebAssembly SIMD kernels where the host supports them
 * (on two threads when a helper thread can be started), the plain TypeScript kernels otherwise.
 */
import { EngineError } from '../errors';
import { TypeScriptKernels, type KernelBackend } from '../kernels/backend';
import { WasmKernels, wasmKernelsSupported } from './kernels';
import type { ThreadStarter } from './threads';

export interface KernelOptions {
  /**
   * 'auto' (the default) uses WebAssembly where it is supported. 'wasm' requires it and throws
   * where it is missing; 'typescript' forces the reference kernels.
   */
  readonly kernels?: 'auto' | 'wasm' | 'typescript';
  /** Threads for the WebAssembly kernels, 1 or 2; 2 by default when `startThread` is given. */
  readonly threads?: number;
  /** Starts the helper thread; without it the WebAssembly kernels run on one thread. */
  readonly startThread?: ThreadStarter;
}

export async function createKernelBackend(options: KernelOptions = {}): Promise<KernelBackend> {
  const choice = options.kernels ?? 'auto';
  if (choice === 'typescript') return new TypeScriptKernels();
  if (!wasmKernelsSupported()) {
    if (choice === 'wasm') {
      throw new EngineError('This host lacks WebAssembly SIMD or shared WebAssembly memory, so the WebAssembly kernels cannot run; use the TypeScript kernels.');
    }
    return new TypeScriptKernels();
  }
  const threads = options.threads ?? (options.startThread === undefined ? 1 : 2);
  if (threads !== 1 && threads !== 2) {
    throw new EngineError(`threads ${threads} is invalid; the WebAssembly kernels run on 1 or 2 threads.`);
  }
  return WasmKernels.create({ threads, startThread: options.startThread });
}
