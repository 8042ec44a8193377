// `npm test`: installs what is missing, then runs the unit tests, the build, the webview checks in
// Chromium, and the extension suite in VS Code for the Web and in code-server, and prints how long
// each stage took. A failing stage
// does not stop the stages after it, except that the host suites need a successful build. A stage
// that runs past its time limit is stopped with all of its processes and counts as failed.
// Exit status: 0 when every stage passed, 1 otherwise.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { stopProcessGroup } from './processes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Time limits in seconds. Each is several times what the stage took on a 2-core machine under load.
const stages = [
  { name: 'setup', command: ['node', 'test/harness/setup.mjs', '--browser', '--code-server'], limit: 900, required: true },
  { name: 'unit tests', command: ['npm', 'run', '--silent', 'test:unit'], limit: 300 },
  { name: 'build', command: ['npm', 'run', '--silent', 'build'], limit: 120, required: true },
  { name: 'webview in Chromium', command: ['npm', 'run', '--silent', 'test:webview'], limit: 300 },
  { name: 'VS Code for the Web', command: ['node', 'test/harness/web.mjs', 'test', '--timeout', '540'], limit: 600 },
  { name: 'code-server (Node host)', command: ['node', 'test/harness/code-server.mjs', '--timeout', '540'], limit: 600 },
];

/** The child process of the running stage. */
let current;

/** Runs one stage in its own process group and resolves with 'passed', 'failed' or 'timed out'. */
function runStage({ command, limit }) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: root, stdio: 'inherit', detached: true });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${command.join(' ')} timed out after ${limit} s; stopping it`);
      void stopProcessGroup(child.pid);
    }, limit * 1000);
    child.once('error', (error) => {
      clearTimeout(timer);
      console.error(`${command[0]} could not be started: ${error.message}`);
      resolve('failed');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (timedOut) resolve('timed out');
      else resolve(code === 0 ? 'passed' : 'failed');
    });
  });
}

// Ctrl+C reaches only this process, because each stage has its own process group, so pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    if (current?.pid !== undefined) void stopProcessGroup(current.pid).finally(() => process.exit(130));
    else process.exit(130);
  });
}

const results = [];
for (const stage of stages) {
  console.log(`\n=== ${stage.name}: ${stage.command.join(' ')}`);
  const start = performance.now();
  const outcome = await runStage(stage);
  const seconds = (performance.now() - start) / 1000;
  results.push({ name: stage.name, outcome, seconds });
  console.log(`=== ${stage.name}: ${outcome} in ${seconds.toFixed(1)} s`);
  if (outcome !== 'passed' && stage.required) break;
}

console.log('\n=== summary');
for (const { name, outcome, seconds } of results) {
  console.log(`${outcome.padEnd(9)} ${name.padEnd(26)} ${seconds.toFixed(1).padStart(7)} s`);
}
for (const stage of stages.slice(results.length)) console.log(`${'skipped'.padEnd(9)} ${stage.name}`);
const failed = results.length < stages.length || results.some((result) => result.outcome !== 'passed');
process.exit(failed ? 1 : 0);
