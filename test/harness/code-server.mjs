// Runs the mocha suite in code-server's Node extension host, the same host as desktop VS Code's.
//
//   node test/harness/code-server.mjs [options]
//
// Starts code-server (installed by test/harness/install-code-server.sh) on 127.0.0.1 with a fresh
// user-data and extensions folder, opens the workbench in headless Chromium with the extension
// under development and the test entry, waits for the tests' exit code, and stops the server.
// Options: --extension DIR (default: the project), --tests FILE (default: dist/test/node/index.js),
// --folder DIR (default: test/workspace, copied), --port N (default 8090), --timeout SECONDS
// (default 600), --verbose (print the browser console and the server log).
// Exit status: 0 when every test passed, 1 when a test failed or the run timed out, 2 when the
// harness itself failed.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { launchChromium, reportBlockedRequests } from './chromium.mjs';
import { checkPortFree } from './port.mjs';
import { processTree, stopProcessGroup } from './processes.mjs';
import { isWorkbenchNoise } from './workbench-log.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeBin = path.join(root, '.cache', 'node24', 'node_modules', 'node', 'bin');
const serverEntry = path.join(root, '.cache', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const startTime = performance.now();

function log(message) {
  console.log(`[code-server ${((performance.now() - startTime) / 1000).toFixed(1)} s] ${message}`);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        extension: { type: 'string', default: root },
        tests: { type: 'string', default: path.join(root, 'dist', 'test', 'node', 'index.js') },
        folder: { type: 'string', default: path.join(root, 'test', 'workspace') },
        port: { type: 'string', default: '8090' },
        timeout: { type: 'string', default: '600' },
        verbose: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error.message}\nusage: node test/harness/code-server.mjs [--extension DIR] [--tests FILE] [--folder DIR] [--port N] [--timeout SECONDS] [--verbose]`);
    process.exit(2);
  }
}
const { values: options } = parseCommandLine();
const port = Number(options.port);
const timeoutSeconds = Number(options.timeout);
const extensionPath = path.resolve(options.extension);
const testsPath = path.resolve(options.tests);
const folderPath = path.resolve(options.folder);

function checkArguments() {
  const missing = [
    [serverEntry, 'code-server is not installed; install it with: test/harness/install-code-server.sh'],
    [path.join(nodeBin, 'node'), 'Node 24 is not installed; install it with: test/harness/install-code-server.sh'],
    [path.join(extensionPath, 'package.json'), `--extension: ${extensionPath} has no package.json`],
    [testsPath, `--tests: ${testsPath} not found; build the test bundles first with: npm run build`],
    [folderPath, `--folder: ${folderPath} not found`],
  ].filter(([file]) => !existsSync(file));
  for (const [, message] of missing) console.error(message);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    console.error(`--port: ${options.port} is invalid; use a port number from 1024 to 65535.`);
  } else if (!(timeoutSeconds > 0)) {
    console.error(`--timeout: ${options.timeout} is invalid; use a number of seconds greater than 0.`);
  } else if (missing.length === 0) {
    return;
  }
  process.exit(2);
}

// Settings that keep the workbench from asking any server for updates, experiments or extensions.
const offlineSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.autofetch': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

/** Creates the run folder: user data, extensions, config, temporary files and a workspace copy. */
function prepareRunFolder() {
  const parent = path.join(root, '.vscode-test');
  mkdirSync(parent, { recursive: true });
  const run = mkdtempSync(path.join(parent, 'code-server-'));
  for (const folder of ['user-data/User', 'extensions', 'tmp', 'xdg/config', 'xdg/data', 'xdg/cache']) {
    mkdirSync(path.join(run, folder), { recursive: true });
  }
  writeFileSync(path.join(run, 'user-data', 'User', 'settings.json'), JSON.stringify(offlineSettings, null, 2));
  writeFileSync(path.join(run, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // The suite may edit and save files, so it works on a copy of the workspace folder.
  cpSync(folderPath, path.join(run, 'workspace'), { recursive: true });
  return run;
}

/** Starts code-server in its own process group and returns the child process. */
function startServer(run) {
  const output = openSync(path.join(run, 'server.log'), 'a');
  const args = [
    serverEntry,
    '--config', path.join(run, 'config.yaml'),
    '--user-data-dir', path.join(run, 'user-data'),
    '--extensions-dir', path.join(run, 'extensions'),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Lets the workbench take extensionDevelopmentPath and extensionTestsPath from the URL's payload.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  return spawn(path.join(nodeBin, 'node'), args, {
    cwd: run,
    detached: true, // its own process group, so that stopping it also stops the extension host and watchers
    stdio: ['ignore', output, output],
    env: {
      ...process.env,
      PATH: `${nodeBin}:${process.env.PATH}`,
      TMPDIR: path.join(run, 'tmp'),
      XDG_CONFIG_HOME: path.join(run, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(run, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(run, 'xdg', 'cache'),
      // No extension marketplace (code-server's default is open-vsx.org).
      EXTENSIONS_GALLERY: '{}',
      // Any outbound HTTP request the server makes goes to a closed loopback port and fails.
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: 'localhost,127.0.0.1',
    },
  });
}

/** Waits until code-server responds on /healthz, and throws when it exits or takes too long. */
async function waitForServer(server, seconds) {
  let exited = false;
  server.once('exit', () => {
    exited = true;
  });
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    if (exited) throw new Error(`code-server exited with status ${server.exitCode} before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet: try again below.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on 127.0.0.1:${port} within ${seconds} s`);
}

/** Opens the workbench with the test payload and resolves with the exit code the tests report. */
async function runInWorkbench(context, run) {
  const authority = `localhost:${port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
  ];
  const folder = path.join(run, 'workspace');
  const url = `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const page = context.pages()[0] ?? (await context.newPage());
  if (options.verbose) {
    page.on('console', (message) => console.log(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`[page error] ${error}`));
  }
  // The workbench calls these two functions in test mode: the log carries the extension host's
  // console output (mocha's report), the exit call the result of run().
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (!options.verbose && args.length > 0 && isWorkbenchNoise(args[0])) return;
    const write = type === 'error' || type === 'warn' ? console.error : console.log;
    write(...args);
  });
  const exitCode = new Promise((resolve) => {
    page.exposeFunction('codeAutomationExit', (code) => resolve(code)).catch((error) => {
      log(`exposing codeAutomationExit failed: ${error}`);
      resolve(2);
    });
  });
  log(`opening the workbench on http://${authority}/ with ${path.relative(root, testsPath) || testsPath}`);
  await page.goto(url);
  return exitCode;
}

function printServerLog(run, lines) {
  const file = path.join(run, 'server.log');
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  console.log(`--- last ${Math.min(lines, text.length)} lines of ${file}`);
  console.log(text.slice(-lines).join('\n'));
  console.log('---');
}

async function main() {
  checkArguments();
  try {
    await checkPortFree('127.0.0.1', port);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const run = prepareRunFolder();
  let server;
  let browser;
  let status = 2;
  const stop = async () => {
    if (browser !== undefined) {
      reportBlockedRequests(browser.blockedRequests);
      await browser.close().catch((error) => log(`closing Chromium failed: ${error}`));
    }
    if (server?.pid !== undefined) {
      const tree = processTree(server.pid);
      const survivors = await stopProcessGroup(server.pid);
      log(`stopped code-server (${tree.length} processes)${survivors.length ? `; still running: ${survivors.join(', ')}` : ''}`);
    }
  };
  // Ctrl+C or a CI timeout must not leave the server running.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal} received, stopping`);
      stop().finally(() => process.exit(130));
    });
  }

  try {
    server = startServer(run);
    await waitForServer(server, 60);
    log(`code-server is up on 127.0.0.1:${port} (pid ${server.pid})`);

    browser = await launchChromium(chromium, { profileParent: path.join(run, 'tmp') });
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutSeconds * 1000).unref());
    const outcome = await Promise.race([runInWorkbench(browser.context, run), timeout]);
    if (outcome === 'timeout') {
      log(`timed out after ${timeoutSeconds} s without a result from the tests`);
      status = 1;
    } else {
      log(`tests ${outcome === 0 ? 'passed' : `failed (exit code ${outcome})`}`);
      status = outcome === 0 ? 0 : 1;
    }
  } catch (error) {
    console.error('code-server test run failed:', error);
    status = 2;
  } finally {
    await stop();
    if (status !== 0 || options.verbose) printServerLog(run, options.verbose ? 200 : 40);
    rmSync(run, { recursive: true, force: true });
  }
  return status;
}

process.exit(await main());
