/** Entry point of the engine worker under Node (worker_threads); bundled to dist/node/worker.js. */
import { parentPort } from 'node:worker_threads';

import { Engine } from '../engine/engine';
import { startNodeThread } from './node-threads';
import { nodePort } from './port';
import { serveEngine } from './serve';

if (parentPort === null) {
  throw new Error('dist/node/worker.js must be started as a worker thread (new Worker(path)), not run directly.');
}
// The WebAssembly kernels run on this thread and one helper thread over a shared memory.
serveEngine(new Engine({ startThread: startNodeThread }), nodePort(parentPort));
