/**
 * Test entry for the Node extension host (code-server, desktop VS Code), bundled to
 * dist/test/node/index.js. VS Code calls `run()` when the window is opened with
 * `extensionTestsPath`, and the test run fails when the promise rejects.
 */
import Mocha from 'mocha';

import { mochaOptions } from './options';

export function run(): Promise<void> {
  const mocha = new Mocha({ ...mochaOptions, reporter: 'spec' });
  // The test files are bundled into this file rather than loaded by path, so define mocha's
  // suite() and test() globals the way mocha.addFile() would before requiring them.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'suite-files', mocha);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('suite-files');
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, 'suite-files', mocha);

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (runner.stats?.tests === 0) reject(new Error('No extension tests were found in the test bundle.'));
      else if (failures > 0) reject(new Error(`${failures} extension tests failed in the Node extension host.`));
      else resolve();
    });
  });
}
