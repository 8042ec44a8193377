// Starts Debian's Chromium through Playwright, offline and on loopback only, for the test runners.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // VS Code for the Web loads webviews and the extension host from <uuid>.localhost. These rules
  // resolve localhost names to loopback and make every other name fail to resolve.
  '--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1, MAP * ~NOTFOUND',
];

/** Returns whether a request stays on this machine, which holds for loopback hosts and non-HTTP schemes (data:, blob:). */
export function isLocalRequest(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') return true;
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname.endsWith('.localhost');
}

/**
 * Launches Chromium with a fresh persistent profile under `profileParent` and returns the context
 * and a `close()` that also deletes the profile. Requests to any other host are aborted and listed
 * in `blockedRequests`.
 * @param {import('playwright-core').BrowserType} browserType
 * @param {{ profileParent: string; headless?: boolean; extraArgs?: string[] }} options
 */
export async function launchChromium(browserType, { profileParent, headless = true, extraArgs = [] }) {
  mkdirSync(profileParent, { recursive: true });
  const profile = mkdtempSync(path.join(profileParent, 'chromium-profile-'));
  // Debian's Chromium blocks third-party cookies by default. <uuid>.localhost counts as another site
  // than localhost, so without this preference every webview fails to register its service worker.
  mkdirSync(path.join(profile, 'Default'));
  writeFileSync(
    path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );

  const context = await browserType.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless,
    viewport: { width: 1280, height: 800 },
    args: [...chromiumArgs, ...extraArgs.filter((arg) => !chromiumArgs.includes(arg))],
  });

  const blockedRequests = new Set();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocalRequest(url)) return route.continue();
    blockedRequests.add(url);
    return route.abort('blockedbyclient');
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };
  return { context, blockedRequests, close };
}

/** Prints the off-host requests that were aborted, if any. */
export function reportBlockedRequests(blockedRequests) {
  if (blockedRequests.size === 0) return;
  console.log(`aborted ${blockedRequests.size} requests to hosts other than localhost:`);
  for (const url of blockedRequests) console.log(`  ${url}`);
}
