/**
 * Test entry for the web extension host (VS Code for the Web), bundled to dist/test/web/index.js.
 * VS Code calls `run()` when the workbench is opened with `extensionTestsPath`, and the test run
 * fails when the promise rejects.
 */
import { mochaOptions } from './options';

interface BrowserMocha {
  setup(options: Record<string, unknown>): BrowserMocha;
  run(done: (failures: number) => void): { stats?: { tests: number } };
}

export function run(): Promise<void> {
  // mocha 11's browser build is a UMD script, which exports the mocha instance inside esbuild's
  // CommonJS wrapper. Bundled the same way, mocha 12's fails in a Web Worker ("document is not defined").
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mocha = require('mocha/mocha.js') as BrowserMocha;
  // The browser build's default reporter draws HTML, and a Web Worker has no DOM.
  mocha.setup({ ...mochaOptions, reporter: 'spec' });

  return new Promise((resolve, reject) => {
    // setup() defined suite() and test(), so the test files can register their tests now.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('suite-files');
    const runner = mocha.run((failures) => {
      if (runner.stats?.tests === 0) reject(new Error('No extension tests were found in the test bundle.'));
      else if (failures > 0) reject(new Error(`${failures} extension tests failed in the web extension host.`));
      else resolve();
    });
  });
}
