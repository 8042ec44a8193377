/** Entry point of the engine worker in the browser (a Web Worker); bundled to dist/web/worker.js. */
import { Engine } from '../engine/engine';
import { webPort, type WebMessageTarget } from './port';
import { serveEngine } from './serve';
import { webThreadStarter } from './web-threads';

// tsconfig loads the DOM library too, which types `self` as a Window. In a
// dedicated worker it is the worker's global scope, whose postMessage takes a transfer list.
// The WebAssembly kernels use a helper worker only where the page is cross-origin isolated.
serveEngine(new Engine({ startThread: webThreadStarter() ?? undefined }), webPort(self as unknown as WebMessageTarget));
