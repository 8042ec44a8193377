/** mocha settings shared by the web and the Node test entries. */
export const mochaOptions = {
  ui: 'tdd',
  color: false,
  // Loading a model and analysing a file in a cold extension host takes seconds; a test that needs
  // longer sets its own with this.timeout().
  timeout: 60_000,
  // Tests after a failure still run, so one run reports every failing test.
  bail: false,
  // A bundle without tests (no test files found) is a failed run, not a passing one.
  failZero: true,
} as const;
