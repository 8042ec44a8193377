// Installs what `npm start` and `npm test` need and is not there yet. Uses only Node's own modules,
// because it runs before node_modules exists.
//
//   node test/harness/setup.mjs                 npm packages (npm ci, when node_modules is missing)
//   node test/harness/setup.mjs --browser       and Debian's Chromium, when it is missing
//   node test/harness/setup.mjs --code-server   and Node 24 and code-server into .cache/, with the
//                                               Debian packages code-server compiles against
//
// Debian packages are installed only as root on a machine with apt-get; elsewhere a missing one
// is an error that names the package to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        browser: { type: 'boolean', default: false },
        'code-server': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error.message}\nusage: node test/harness/setup.mjs [--browser] [--code-server]`);
    process.exit(2);
  }
}
const { values: options } = parseCommandLine();

function run(command, args, env = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed with exit status ${result.status}.`);
    process.exit(result.status ?? 1);
  }
}

// npm writes node_modules/.package-lock.json at the end of a successful install.
if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  // No browser downloads: the tests use Debian's Chromium, and serving needs none.
  run('npm', ['ci'], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' });
}

/** Debian packages still missing, as [package, file that shows it is installed] pairs. */
const debianPackages = [];
if (options.browser && process.env.CHROMIUM === undefined) debianPackages.push(['chromium', '/usr/bin/chromium']);
if (options['code-server']) debianPackages.push(['libkrb5-dev', '/usr/include/krb5.h'], ['g++', '/usr/bin/g++'], ['make', '/usr/bin/make']);
const missing = debianPackages.filter(([, file]) => !existsSync(file)).map(([name]) => name);
if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`Missing Debian packages: ${missing.join(', ')}. Install them with: apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { DEBIAN_FRONTEND: 'noninteractive' });
}

if (options.browser) {
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`Chromium not found at ${chromium}. Install it with: apt-get install -y chromium`);
    console.error('or set CHROMIUM to a Chromium or Chrome executable.');
    process.exit(1);
  }
}

if (options['code-server']) {
  run(path.join(root, 'test', 'harness', 'install-code-server.sh'), []);
}
