/** Entry point of the engine worker under Node (worker_threads); bundled to dist/node/worker.js. */
import { parentPort } from 'node:worker_threads';

import { Engine } from '../engine/engine';
import { nodePort } from './port';
import { serveEngine } from './serve';

if (parentPort === null) {
  throw new Error('dist/node/worker.js must be started as a worker thread (new Worker(path)), not run directly.');
}
serveEngine(new Engine(), nodePort(parentPort));
