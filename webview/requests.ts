import type { WebviewReply, WebviewReplyError, WebviewRequest, WebviewResults } from '../src/protocol';

export type RequestKind = WebviewRequest['kind'];

/** The fields of a request of kind K that the caller supplies; the tracker adds `kind` and `requestId`. */
export type RequestFields<K extends RequestKind> = Omit<Extract<WebviewRequest, { kind: K }>, 'kind' | 'requestId'>;

/** A request the host rejected, or that was dropped before its reply arrived. */
export class RequestFailedError extends Error {
  constructor(
    readonly request: RequestKind,
    readonly requestId: number,
    message: string,
  ) {
    super(`${request} request ${requestId} failed: ${message}`);
    this.name = 'RequestFailedError';
  }
}

interface PendingRequest {
  readonly kind: RequestKind;
  readonly resolve: (result: WebviewResults[RequestKind]) => void;
  readonly reject: (error: RequestFailedError) => void;
}

/**
 * Pairs webview requests with the host's replies by request id. It has no DOM
 * dependency: `post` delivers a request, and `settle` is called with each reply.
 */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();

  constructor(private readonly post: (request: WebviewRequest) => void) {}

  /** Number of requests still waiting for a reply. */
  get size(): number {
    return this.pending.size;
  }

  send<K extends RequestKind>(kind: K, fields: RequestFields<K>): Promise<WebviewResults[K]> {
    const requestId = this.nextId++;
    const request = { ...fields, kind, requestId } as Extract<WebviewRequest, { kind: K }>;
    return new Promise<WebviewResults[K]>((resolve, reject) => {
      this.pending.set(requestId, {
        kind,
        resolve: resolve as (result: WebviewResults[RequestKind]) => void,
        reject,
      });
      this.post(request);
    });
  }

  /**
   * Resolves or rejects the request that `message` replies to. Returns false when
   * no request with that id is pending (a reply that arrived after `rejectAll`).
   */
  settle(message: WebviewReply | WebviewReplyError): boolean {
    const entry = this.pending.get(message.requestId);
    if (!entry) return false;
    this.pending.delete(message.requestId);

    if (message.kind === 'replyError') {
      entry.reject(new RequestFailedError(entry.kind, message.requestId, message.message));
    } else if (message.request !== entry.kind) {
      const reason = `the reply is for a ${message.request} request`;
      entry.reject(new RequestFailedError(entry.kind, message.requestId, reason));
    } else {
      entry.resolve(message.result);
    }
    return true;
  }

  /** Rejects every pending request, e.g. when a new analysis makes their results useless. */
  rejectAll(reason: string): void {
    const entries = [...this.pending.entries()];
    this.pending.clear();
    for (const [requestId, entry] of entries) {
      entry.reject(new RequestFailedError(entry.kind, requestId, reason));
    }
  }
}
