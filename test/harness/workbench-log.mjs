// Start-up messages of the workbench that carry no information about the extension under test. The
// runners leave them out of their output unless --verbose is given.
const noise = [
  /^ENOPRO: No file system provider found for resource '[^']*\/\.vscode/,
  /^Unable to read file '[^']*\/\.vscode\//,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^Found additional builtin location extensions/,
  /^Updating additional builtin extensions cache/,
  /^Creation of workbench contribution/,
  /^Creating a socket \(/,
  /^Resolv(ing|ed) connection token/,
  /^Using ESM loader/,
  /^\[(AgentHost:remote|AccountPolicyGate|reconnection-grace-time|Service Worker)\]/,
  /^Timed out waiting for authentication provider 'github'/,
];

/** Returns whether a console message of the workbench is start-up noise. */
export function isWorkbenchNoise(first) {
  const text = typeof first === 'string' ? first : String(first);
  return noise.some((pattern) => pattern.test(text));
}

/** Makes console.log, info, warn and error drop workbench start-up noise. */
export function filterConsoleNoise() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    const write = console[method].bind(console);
    console[method] = (...args) => {
      if (args.length > 0 && isWorkbenchNoise(args[0])) return;
      write(...args);
    };
  }
}
