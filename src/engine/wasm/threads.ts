/**
 * A helper thread that runs the same WebAssembly kernels on the same shared memory, so one kernel
 * call can be split in two. The calling thread posts a job through a control block in that memory
 * and waits on it with Atomics; no message crosses per call.
 *
 * The helper is started from source text, because the engine is bundled into one file per host
 * and a second bundle would need a second entry in every host's build.
 */

/** A started helper: how the engine talks to it before the shared control block takes over. */
export interface KernelThread {
  postMessage(message: unknown): void;
  /** Calls `listener` with each message the helper posts. */
  onMessage(listener: (data: unknown) => void): void;
  /** Calls `listener` when the helper fails to start or throws outside a job. */
  onError(listener: (error: Error) => void): void;
  terminate(): void;
}

/**
 * Starts a worker from JavaScript source: in Node, `new Worker(source, { eval: true })` from
 * node:worker_threads; in a browser, a Worker on a Blob URL.
 */
export type ThreadStarter = (source: string) => KernelThread;

/** Int32 slots of the control block: [sequence, done, kind, status, arguments...]. */
export const CONTROL_INTS = 24;
const SEQUENCE = 0;
const DONE = 1;
const KIND = 2;
const STATUS = 3;
const ARGUMENTS = 4;

export const JOB_MATMUL = 1;
export const JOB_ATTEND = 2;
export const JOB_ACTIVATE = 3;
const STOP = -1;

/**
 * The helper's program. It receives the compiled module, the memory and the control block's byte
 * offset, instantiates the module on that memory, posts "ready", then waits for jobs. Argument
 * order follows the kernel signatures in src/engine/wasm/assembly/kernels.ts; the float argument
 * of attend (its scale) is read through a Float32Array over the same slot.
 */
export const KERNEL_THREAD_SOURCE = `
'use strict';
const port = typeof self === 'object' && typeof self.postMessage === 'function'
  ? self : require('node:worker_threads').parentPort;
function start(data) {
  const { module, memory, control } = data;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ints = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
  const floats = new Float32Array(memory.buffer, control, ${CONTROL_INTS});
  const a = ${ARGUMENTS};
  port.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ints, ${SEQUENCE}, seen);
    const sequence = Atomics.load(ints, ${SEQUENCE});
    if (sequence === ${STOP}) return;
    if (sequence === seen) continue;
    seen = sequence;
    try {
      switch (ints[${KIND}]) {
        case ${JOB_MATMUL}:
          kernels.matmul(ints[a], ints[a + 1], ints[a + 2], ints[a + 3], ints[a + 4], ints[a + 5], ints[a + 6],
            ints[a + 7], ints[a + 8], ints[a + 9], ints[a + 10]);
          break;
        case ${JOB_ATTEND}:
          kernels.attend(ints[a], ints[a + 1], ints[a + 2], ints[a + 3], ints[a + 4], ints[a + 5], ints[a + 6],
            ints[a + 7], ints[a + 8], floats[a + 9], ints[a + 10], ints[a + 11], ints[a + 12], ints[a + 13]);
          break;
        case ${JOB_ACTIVATE}:
          kernels.activate(ints[a], ints[a + 1], ints[a + 2], ints[a + 3]);
          break;
        default:
          throw new Error('unknown job kind ' + ints[${KIND}]);
      }
      ints[${STATUS}] = 0;
    } catch (error) {
      ints[${STATUS}] = 1;
      port.postMessage({ error: String(error && error.stack || error) });
    }
    Atomics.store(ints, ${DONE}, sequence);
    Atomics.notify(ints, ${DONE});
  }
}
function onMessage(data) {
  try {
    start(data);
  } catch (error) {
    port.postMessage({ error: String(error && error.stack || error) });
  }
}
if (typeof port.on === 'function') port.on('message', onMessage);
else port.onmessage = (event) => onMessage(event.data);
`;

/** The calling side of one helper thread. */
export class HelperThread {
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  private sequence = 0;
  private lastError = '';

  private constructor(private readonly thread: KernelThread, memory: WebAssembly.Memory, control: number) {
    this.ints = new Int32Array(memory.buffer, control, CONTROL_INTS);
    this.floats = new Float32Array(memory.buffer, control, CONTROL_INTS);
    thread.onMessage((data) => {
      if (typeof data === 'object' && data !== null && 'error' in data) this.lastError = String(data.error);
    });
  }

  /**
   * Starts a helper on `memory` and resolves once it has instantiated the module. `control` is
   * the byte offset of CONTROL_INTS int32 slots in that memory, zeroed, used only by this helper.
   */
  static async start(
    startThread: ThreadStarter, module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, timeoutMs = 10000,
  ): Promise<HelperThread> {
    const thread = startThread(KERNEL_THREAD_SOURCE);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the helper thread did not start within ${timeoutMs} ms`)), timeoutMs);
        thread.onError((error) => {
          clearTimeout(timer);
          reject(error);
        });
        thread.onMessage((data) => {
          clearTimeout(timer);
          if (data === 'ready') resolve();
          else if (typeof data === 'object' && data !== null && 'error' in data) reject(new Error(String(data.error)));
        });
        // Posting a shared memory throws DataCloneError in a page that is not cross-origin
        // isolated. The caller then runs on one thread.
        thread.postMessage({ module, memory, control });
      });
    } catch (error) {
      thread.terminate();
      throw error;
    }
    return new HelperThread(thread, memory, control);
  }

  /** Posts a job; `ints` fill the argument slots, and `floatSlot` (if >= 0) is stored as a float. */
  post(kind: number, args: readonly number[], floatSlot = -1): void {
    for (let i = 0; i < args.length; i++) {
      if (i === floatSlot) this.floats[ARGUMENTS + i] = args[i];
      else this.ints[ARGUMENTS + i] = args[i];
    }
    this.ints[KIND] = kind;
    this.sequence = this.sequence === 0x7fffffff ? 1 : this.sequence + 1;
    Atomics.store(this.ints, SEQUENCE, this.sequence);
    Atomics.notify(this.ints, SEQUENCE);
  }

  /** Waits until the posted job is done; throws when it failed in the helper. */
  wait(): void {
    // A short spin first: most halves finish within microseconds of each other, and waking from
    // Atomics.wait costs tens of microseconds.
    for (let spin = 0; spin < 2000; spin++) {
      if (Atomics.load(this.ints, DONE) === this.sequence) return this.checkStatus();
    }
    for (;;) {
      const done = Atomics.load(this.ints, DONE);
      if (done === this.sequence) return this.checkStatus();
      Atomics.wait(this.ints, DONE, done, 1000);
    }
  }

  stop(): void {
    Atomics.store(this.ints, SEQUENCE, STOP);
    Atomics.notify(this.ints, SEQUENCE);
    this.thread.terminate();
  }

  private checkStatus(): void {
    if (this.ints[STATUS] !== 0) {
      throw new Error(`A WebAssembly kernel failed in the helper thread: ${this.lastError || 'no message'}`);
    }
  }
}
