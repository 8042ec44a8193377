/**
 * Stands in for VS Code in the Chromium check. It defines `acquireVsCodeApi`
 * before the webview script runs, replies to `ready` with the fixture's
 * StateMessage, and replies to pattern and prediction requests from the fixture:
 * the engine output recorded in test/fixtures/webview, or the hand-made one.
 * Saved state goes to sessionStorage, so it survives a page reload as VS Code's
 * does across a window reload. The test drives it through `window.fakeHost`.
 *
 * Query parameters: model=gpt2|bert (default gpt2), empty=1 for no analysis,
 * repeat=N for the hand-made fixture with its text N times over, followMouse=0 to turn off the
 * setting that makes editor highlights follow the mouse.
 */
import type { HostToWebviewMessage, StateMessage, WebviewToHostMessage } from '../../src/protocol';
import { handMadeFixture, recordedFixture, type FixtureModel } from './fixture';

export interface FakeHost {
  /** Every message the webview posted, in order. */
  readonly sent: WebviewToHostMessage[];
  /** CSP violations the page reported, as "directive: blocked URI". */
  readonly cspViolations: string[];
  /** Posts a message to the webview as the host would. */
  send(message: HostToWebviewMessage): void;
  readonly state: StateMessage;
}

declare global {
  interface Window {
    fakeHost: FakeHost;
    acquireVsCodeApi: () => unknown;
  }
}

const STATE_KEY = 'attention-inspector-webview-state';
const parameters = new URLSearchParams(location.search);
const model: FixtureModel = parameters.get('model') === 'bert' ? 'bert' : 'gpt2';
const repeat = parameters.get('repeat');
const fixture = repeat === null ? recordedFixture(model) : handMadeFixture(model, Number(repeat));
const settings = { ...fixture.state.settings, highlightFollowsMouse: parameters.get('followMouse') !== '0' };
const initial: StateMessage = {
  ...fixture.state,
  analysis: parameters.get('empty') === '1' ? null : fixture.state.analysis,
  settings,
};

const sent: WebviewToHostMessage[] = [];
const cspViolations: string[] = [];
document.addEventListener('securitypolicyviolation', (event) => {
  cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || 'inline'}`);
});

function send(message: HostToWebviewMessage): void {
  window.postMessage(message, '*');
}

function handle(message: WebviewToHostMessage): void {
  sent.push(message);
  switch (message.kind) {
    case 'ready':
      send(initial);
      break;
    case 'patterns': {
      const n = fixture.state.analysis!.summary.tokens.count;
      const data = new Float32Array(message.selections.length * n * n);
      message.selections.forEach((selection, index) => data.set(fixture.pattern(selection), index * n * n));
      send({
        kind: 'reply',
        requestId: message.requestId,
        request: 'patterns',
        result: { selections: message.selections, tokenCount: n, data },
      });
      break;
    }
    case 'predictions':
      send({
        kind: 'reply',
        requestId: message.requestId,
        request: 'predictions',
        result: fixture.predictions(message.position, message.count),
      });
      break;
    case 'thumbnails':
      send({ kind: 'replyError', requestId: message.requestId, message: 'the fake host has no thumbnails' });
      break;
    case 'metrics':
      send({ kind: 'replyError', requestId: message.requestId, message: 'the fake host has no head metrics' });
      break;
    case 'saveFile':
      send({ kind: 'reply', requestId: message.requestId, request: 'saveFile', result: { saved: false, uri: null } });
      break;
    case 'focusToken':
    case 'selectHead':
    case 'pinAnalysis':
      break;
  }
}

let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi was called twice; VS Code allows one call per page.');
  acquired = true;
  return {
    postMessage: (message: WebviewToHostMessage) => handle(structuredClone(message)),
    getState: () => JSON.parse(sessionStorage.getItem(STATE_KEY) ?? 'null'),
    setState: (state: unknown) => sessionStorage.setItem(STATE_KEY, JSON.stringify(state)),
  };
};
window.fakeHost = { sent, cspViolations, send, state: fixture.state };
