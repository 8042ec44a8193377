/**
 * One side of a message channel, whatever carries it: worker_threads'
 * parentPort or Worker, a Web Worker's `self` or Worker object, or a
 * MessageChannel port in tests. The adapters are typed structurally, so this
 * module imports nothing from Node or the DOM.
 */

export interface Port<Incoming, Outgoing> {
  /** Sends `message`; the buffers in `transfer` move to the other side and become unusable here. */
  postMessage(message: Outgoing, transfer: ArrayBuffer[]): void;
  /** Registers a listener and returns a function that removes it. */
  onMessage(listener: (message: Incoming) => void): () => void;
}

/** The subset of worker_threads' Worker and MessagePort used here; they pass the message itself to listeners. */
export interface NodeMessageEmitter {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** The subset of a DOM Worker, a worker's global scope or a MessagePort used here; listeners receive a MessageEvent. */
export interface WebMessageTarget {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/**
 * Wraps a worker_threads endpoint. The sender is trusted to send `Incoming`
 * values: both ends are this extension's own code.
 */
export function nodePort<Incoming, Outgoing>(target: NodeMessageEmitter): Port<Incoming, Outgoing> {
  return {
    postMessage: (message, transfer) => target.postMessage(message, transfer),
    onMessage: (listener) => {
      const handler = (message: unknown) => listener(message as Incoming);
      target.on('message', handler);
      return () => target.off('message', handler);
    },
  };
}

/** Wraps a Web Worker endpoint; see nodePort for the trust assumption. */
export function webPort<Incoming, Outgoing>(target: WebMessageTarget): Port<Incoming, Outgoing> {
  return {
    postMessage: (message, transfer) => target.postMessage(message, transfer),
    onMessage: (listener) => {
      const handler = (event: MessageEvent) => listener(event.data as Incoming);
      target.addEventListener('message', handler);
      return () => target.removeEventListener('message', handler);
    },
  };
}
