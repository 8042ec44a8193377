import type {
  BusyMessage,
  ErrorMessage,
  FocusMessage,
  HeadsCommandMessage,
  HostToWebviewMessage,
  ShowViewMessage,
  StaleMessage,
  StateMessage,
  WebviewToHostMessage,
} from '../src/protocol';
import { PendingRequests } from './requests';
import { parseSavedState, type SavedState } from './savedState';

/** The object VS Code injects into a webview; `acquireVsCodeApi` may be called only once per page. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the views do with each message the host sends; replies go to the pending requests instead. */
export interface HostMessageHandlers {
  state(message: StateMessage): void;
  busy(message: BusyMessage): void;
  error(message: ErrorMessage): void;
  stale(message: StaleMessage): void;
  focus(message: FocusMessage): void;
  headsCommand(message: HeadsCommandMessage): void;
  showView(message: ShowViewMessage): void;
}

const HOST_MESSAGE_KINDS: ReadonlySet<string> = new Set<HostToWebviewMessage['kind']>([
  'state',
  'busy',
  'error',
  'stale',
  'focus',
  'reply',
  'replyError',
  'headsCommand',
  'showView',
]);

function isHostMessage(data: unknown): data is HostToWebviewMessage {
  if (typeof data !== 'object' || data === null) return false;
  const kind = (data as { kind?: unknown }).kind;
  return typeof kind === 'string' && HOST_MESSAGE_KINDS.has(kind);
}

function assertNever(value: never): never {
  throw new Error(`Unhandled host message: ${JSON.stringify(value)}`);
}

/** The webview's side of the message channel: typed posts, dispatch of host messages, requests and saved state. */
export class HostConnection {
  private readonly api: VsCodeApi;
  readonly requests: PendingRequests;
  private handlers: HostMessageHandlers | null = null;

  constructor() {
    this.api = acquireVsCodeApi();
    this.requests = new PendingRequests((request) => this.post(request));
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  /** Starts dispatching host messages to `handlers` and posts `ready`, which makes the host send its state. */
  start(handlers: HostMessageHandlers): void {
    this.handlers = handlers;
    this.post({ kind: 'ready' });
  }

  post(message: WebviewToHostMessage): void {
    this.api.postMessage(message);
  }

  loadState(): SavedState {
    return parseSavedState(this.api.getState());
  }

  saveState(state: SavedState): void {
    this.api.setState(state);
  }

  private receive(data: unknown): void {
    // Anything posted to this window without a known host message kind is ignored, not trusted.
    if (!isHostMessage(data) || !this.handlers) return;
    const message = data;
    switch (message.kind) {
      case 'state':
        this.handlers.state(message);
        break;
      case 'busy':
        this.handlers.busy(message);
        break;
      case 'error':
        this.handlers.error(message);
        break;
      case 'stale':
        this.handlers.stale(message);
        break;
      case 'focus':
        this.handlers.focus(message);
        break;
      case 'headsCommand':
        this.handlers.headsCommand(message);
        break;
      case 'showView':
        this.handlers.showView(message);
        break;
      case 'reply':
      case 'replyError':
        this.requests.settle(message);
        break;
      default:
        assertNever(message);
    }
  }
}
