// Runs the mocha suite in desktop VS Code through @vscode/test-electron, on a machine where VS Code is
// installed or can be downloaded. Build first with `npm run build`.
//
//   node test/harness/desktop.mjs
//
// VSCODE_EXECUTABLE_PATH  a VS Code executable to use, e.g. /usr/share/code/code; without it
//                         test-electron downloads VS Code (VSCODE_VERSION, default "stable") into
//                         .vscode-test/.
// The suite runs in the Node extension host, from dist/test/node/index.js, on a copy of
// test/workspace. Exit status: 0 when every test passed, 1 otherwise.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;

mkdirSync(path.join(root, '.vscode-test'), { recursive: true });
const run = mkdtempSync(path.join(root, '.vscode-test', 'desktop-'));
const workspace = path.join(run, 'workspace');
cpSync(path.join(root, 'test', 'workspace'), workspace, { recursive: true });

let status = 1;
try {
  status = await runTests({
    ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist', 'test', 'node', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions stay out of the run
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', path.join(run, 'user-data'),
      '--extensions-dir', path.join(run, 'extensions'),
    ],
  });
} catch (error) {
  // test-electron rejects with TestRunFailedError when VS Code exits non-zero, and with a network
  // error when it cannot download VS Code (for example getaddrinfo ENOTFOUND update.code.visualstudio.com).
  console.error(`desktop test run failed: ${error instanceof Error ? error.message : error}`);
  status = 1;
} finally {
  rmSync(run, { recursive: true, force: true });
}
process.exit(status === 0 ? 0 : 1);
