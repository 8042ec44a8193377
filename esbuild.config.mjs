// Bundles the extension, its engine workers, the webview script, the command-line tool and the
// mocha suites that run inside VS Code hosts.
//
//   node esbuild.config.mjs               development build: source maps, test bundles
//   node esbuild.config.mjs --watch       the same, rebuilt on every change
//   node esbuild.config.mjs --production  empties dist/ first, then builds minified, without source
//                                         maps or test bundles (for the .vsix)
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const nodeTarget = 'node20'; // package.json engines.node; code-server's extension host runs Node 24
const browserTarget = 'es2022';

/**
 * Options that every bundle shares.
 * @param {boolean} production
 * @returns {esbuild.BuildOptions}
 */
function commonOptions(production) {
  return {
    bundle: true,
    minify: production,
    // Errors cross the worker boundary by class name (EngineError sets `name` from its class), so
    // minifying must keep class and function names.
    keepNames: true,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
    legalComments: 'none',
    absWorkingDir: root,
  };
}

// Test files under test/extension/: `x.test.ts` runs in every host, `x.web.test.ts` only in the web
// extension host, `x.node.test.ts` only in the Node extension host.
const suiteFolder = path.join(root, 'test', 'extension');

/** @type {Array<{ label: string; entry: string; test?: boolean; options: esbuild.BuildOptions }>} */
const bundles = [
  {
    label: 'extension, Node host',
    entry: 'src/host/extension.node.ts',
    options: { outfile: 'dist/node/extension.js', platform: 'node', format: 'cjs', target: nodeTarget, external: ['vscode'] },
  },
  {
    label: 'extension, web host',
    entry: 'src/host/extension.web.ts',
    options: { outfile: 'dist/web/extension.js', platform: 'browser', format: 'cjs', target: browserTarget, external: ['vscode'] },
  },
  {
    label: 'engine worker, Node',
    entry: 'src/worker/node.ts',
    options: { outfile: 'dist/node/worker.js', platform: 'node', format: 'cjs', target: nodeTarget },
  },
  {
    label: 'engine worker, web',
    entry: 'src/worker/web.ts',
    // A classic (non-module) Web Worker script, which every web extension host can start.
    options: { outfile: 'dist/web/worker.js', platform: 'browser', format: 'iife', target: browserTarget },
  },
  {
    label: 'webview',
    entry: 'webview/main.ts',
    options: { outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', target: browserTarget },
  },
  {
    label: 'command-line tool',
    entry: 'src/cli/main.ts',
    // The entry's own #!/usr/bin/env node line is kept at the top of the bundle.
    options: { outfile: 'dist/cli/main.js', platform: 'node', format: 'cjs', target: nodeTarget },
  },
  { label: 'extension tests, web host', entry: 'test/harness/mocha/web.ts', test: true, options: testBundleOptions('web') },
  { label: 'extension tests, Node host', entry: 'test/harness/mocha/node.ts', test: true, options: testBundleOptions('node') },
];

/**
 * Options for the bundle of the mocha suite in one extension host, whose entry is
 * test/harness/mocha/<host>.ts.
 * @param {'web' | 'node'} host
 * @returns {esbuild.BuildOptions}
 */
function testBundleOptions(host) {
  const outfile = `dist/test/${host}/index.js`;
  if (host === 'web') {
    return {
      outfile, platform: 'browser', format: 'cjs', target: browserTarget,
      external: ['vscode'],
      // mocha's browser build and the `assert` package read `process`, which a web worker lacks.
      inject: [path.join(root, 'test/harness/mocha/process-shim.ts')],
      define: { 'process.env.NODE_DEBUG': 'false', 'process.env.NODE_ENV': '"test"' },
      plugins: [suiteFilesPlugin('web', suiteFolder)],
    };
  }
  return {
    outfile, platform: 'node', format: 'cjs', target: nodeTarget,
    // mocha is bundled too, so that the bundle runs from a folder without node_modules. Its parallel
    // mode resolves worker files by path, which this single-process run never uses.
    external: ['vscode'],
    logOverride: { 'require-resolve-not-external': 'silent' },
    plugins: [suiteFilesPlugin('node', suiteFolder)],
  };
}

/**
 * Provides the virtual module `suite-files`, which requires every test file in `folder` that runs
 * in the given host, so a new test file needs no registration.
 * @param {'web' | 'node'} host
 * @param {string} folder
 * @returns {esbuild.Plugin}
 */
function suiteFilesPlugin(host, folder) {
  const otherHost = host === 'web' ? 'node' : 'web';
  return {
    name: 'suite-files',
    setup(build) {
      build.onResolve({ filter: /^suite-files$/ }, () => ({ path: 'suite-files', namespace: 'suite-files' }));
      build.onLoad({ filter: /.*/, namespace: 'suite-files' }, () => {
        const files = listFiles(folder)
          .filter((file) => file.endsWith('.test.ts') && !file.endsWith(`.${otherHost}.test.ts`))
          .sort();
        const contents = files.map((file) => `require(${JSON.stringify(file)});`).join('\n');
        // Watch the folder, so that adding a test file rebuilds the bundle in --watch mode.
        return { contents, loader: 'js', resolveDir: root, watchDirs: [folder, ...subfolders(folder)], watchFiles: files };
      });
    },
  };
}

/**
 * Prints one line after each rebuild in --watch mode; esbuild itself prints only errors and warnings.
 * @param {string} label
 * @returns {esbuild.Plugin}
 */
function reportRebuilds(label) {
  return {
    name: 'report-rebuilds',
    setup(build) {
      build.onEnd((result) => {
        const time = new Date().toLocaleTimeString();
        console.log(`${time} ${label}: ${result.errors.length === 0 ? 'built' : `${result.errors.length} errors`}`);
      });
    },
  };
}

/** @param {string} folder @returns {string[]} absolute paths of the files below `folder` */
function listFiles(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(folder, entry.name);
    return entry.isDirectory() ? listFiles(child) : [child];
  });
}

/** @param {string} folder @returns {string[]} absolute paths of the folders below `folder` */
function subfolders(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [path.join(folder, entry.name), ...subfolders(path.join(folder, entry.name))]);
}

async function main() {
  const flags = new Set(process.argv.slice(2));
  const unknownFlags = [...flags].filter((flag) => !['--watch', '--production'].includes(flag));
  if (unknownFlags.length > 0) {
    console.error(`esbuild.config.mjs: unknown option ${unknownFlags.join(', ')}; use --watch or --production.`);
    process.exit(2);
  }
  const watch = flags.has('--watch');
  const production = flags.has('--production');

  if (production) rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const selected = bundles.filter((bundle) => !(production && bundle.test));
  const missing = selected.filter((bundle) => !existsSync(path.join(root, bundle.entry)));
  if (missing.length > 0) {
    for (const bundle of missing) console.error(`entry point not found: ${bundle.entry} (${bundle.label})`);
    process.exit(1);
  }

  const contexts = await Promise.all(
    selected.map((bundle) =>
      esbuild.context({
        ...commonOptions(production),
        ...bundle.options,
        entryPoints: [bundle.entry],
        plugins: [...(bundle.options.plugins ?? []), ...(watch ? [reportRebuilds(bundle.label)] : [])],
      }),
    ),
  );

  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    console.log(`watching ${selected.length} bundles; stop with Ctrl+C`);
    return;
  }

  const started = performance.now();
  const results = await Promise.allSettled(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  const failed = results.flatMap((result, index) => (result.status === 'rejected' ? [selected[index].label] : []));
  if (failed.length > 0) {
    console.error(`build failed: ${failed.join(', ')}`);
    process.exit(1);
  }
  const mode = production ? 'production' : 'development';
  console.log(`built ${selected.length} bundles (${mode}) in ${Math.round(performance.now() - started)} ms`);
}

await main();
