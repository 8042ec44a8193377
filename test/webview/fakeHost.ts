/**
 * Stands in for VS Code in the Chromium check. It defines `acquireVsCodeApi`
 * before the webview script runs, replies to `ready` with the fixture's
 * StateMessage, and replies to pattern, row, heatmap and prediction requests from the fixture:
 * the engine output recorded in test/fixtures/webview, or the hand-made one.
 * Saved state goes to sessionStorage, so it survives a page reload as VS Code's
 * does across a window reload. The test drives it through `window.fakeHost`.
 *
 * Query parameters: model=gpt2|bert (default gpt2), empty=1 for no analysis,
 * repeat=N for the hand-made fixture with its text N times over, text=unicode for emoji, CJK,
 * right-to-left and CRLF text with a real tokenizer's tokens, followMouse=0 to turn off the
 * setting that makes editor highlights follow the mouse.
 */
import type { HostToWebviewMessage, PatternSelection, StateMessage, WebviewToHostMessage } from '../../src/protocol';
import { isMasked } from '../../webview/heatmapRaster';
import { handMadeFixture, recordedFixture, unicodeFixture, type Fixture, type FixtureModel } from './fixture';

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
function chooseFixture(): Fixture {
  if (parameters.get('text') === 'unicode') return unicodeFixture();
  return repeat === null ? recordedFixture(model) : handMadeFixture(model, Number(repeat));
}
const fixture = chooseFixture();
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

/** The last whole pattern computed, so a run of row requests on one head computes it once. */
let lastPattern: { key: string; data: Float32Array } | null = null;

function patternOf(selection: PatternSelection): Float32Array {
  const key = `${selection.layer}/${selection.head}`;
  if (lastPattern?.key !== key) lastPattern = { key, data: fixture.pattern(selection) };
  return lastPattern.data;
}

/** Pools a pattern as the worker does: blocks split at floor(c n / size), each cell its block's maximum, masked when all of it is. */
function poolPattern(pattern: Float32Array, n: number, size: number): { data: Float32Array; masked: Uint8Array } {
  const model = fixture.state.analysis!.summary.model;
  const mask = { causal: model.causal, slidingWindow: model.slidingWindow };
  const data = new Float32Array(size * size);
  const masked = new Uint8Array(size * size).fill(1);
  const start = (block: number) => Math.floor((block * n) / size);
  for (let row = 0; row < size; row++) {
    for (let query = start(row); query < start(row + 1); query++) {
      for (let column = 0; column < size; column++) {
        const cell = row * size + column;
        for (let key = start(column); key < start(column + 1); key++) {
          if (isMasked(mask, query, key)) continue;
          masked[cell] = 0;
          if (pattern[query * n + key] > data[cell]) data[cell] = pattern[query * n + key];
        }
      }
    }
  }
  return { data, masked };
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
    case 'rows': {
      const n = fixture.state.analysis!.summary.tokens.count;
      const pattern = patternOf(message.selection);
      const data = new Float32Array(message.indices.length * n);
      message.indices.forEach((index, slot) => {
        for (let other = 0; other < n; other++) {
          data[slot * n + other] = message.axis === 'row' ? pattern[index * n + other] : pattern[other * n + index];
        }
      });
      const { selection, indices, axis } = message;
      send({ kind: 'reply', requestId: message.requestId, request: 'rows', result: { selection, indices, axis, tokenCount: n, data } });
      break;
    }
    case 'heatmap': {
      const n = fixture.state.analysis!.summary.tokens.count;
      const size = Math.min(message.size, n);
      const { data, masked } = poolPattern(patternOf(message.selection), n, size);
      send({
        kind: 'reply',
        requestId: message.requestId,
        request: 'heatmap',
        result: { selection: message.selection, tokenCount: n, size, data, masked },
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
