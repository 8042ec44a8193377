// The `process` that mocha's browser build and the `assert` package expect, for the web extension
// host, which runs in a Web Worker without one. esbuild injects it into the web test bundle only.
export const process = {
  env: {} as Record<string, string | undefined>,
  browser: true,
  version: '',
  versions: {} as Record<string, string>,
  platform: 'browser',
  argv: [] as string[],
  cwd: (): string => '/',
  nextTick: (callback: (...args: unknown[]) => void, ...args: unknown[]): void => {
    queueMicrotask(() => callback(...args));
  },
};
