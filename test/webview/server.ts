/**
 * Builds the webview bundle and the fake host, and serves them on 127.0.0.1
 * with a test page that has the same Content-Security-Policy as the panel.
 */
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY_CLASSES, themeStylesheet, type TestTheme } from './themes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestServer {
  readonly origin: string;
  pageUrl(theme: TestTheme, query?: Record<string, string>): string;
  close(): Promise<void>;
}

/** Bundles one entry the way esbuild.config.mjs bundles the webview: an IIFE for the browser. */
async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function page(origin: string, theme: TestTheme, nonce: string, styleNonce: string): string {
  // The panel's policy: nothing by default, scripts by nonce, styles from the extension's origin
  // only. The toolkit probes for :focus-visible with a <style> element that takes its nonce
  // from <meta property="csp-nonce">, so style-src allows that nonce and nothing else inline.
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${origin} 'nonce-${styleNonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta property="csp-nonce" content="${styleNonce}">
<link rel="stylesheet" href="/theme/${theme}.css">
<link rel="stylesheet" href="/webview.css">
<link rel="stylesheet" href="/heads.css">
<title>Attention Inspector webview test</title>
</head>
<body class="${BODY_CLASSES[theme]}">
<div id="app"></div>
<script nonce="${nonce}" src="/fake-host.js"></script>
<script nonce="${nonce}" src="/main.js"></script>
</body>
</html>
`;
}

export async function startTestServer(): Promise<TestServer> {
  const [mainScript, fakeHostScript, stylesheet, headsStylesheet] = await Promise.all([
    bundle('webview/main.ts'),
    bundle('test/webview/fakeHost.ts'),
    readFile(path.join(root, 'media/webview.css'), 'utf8'),
    readFile(path.join(root, 'media/heads.css'), 'utf8'),
  ]);

  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      response.end(body);
    };
    const theme = /^\/theme\/(light|dark|high-contrast)\.css$/.exec(url.pathname)?.[1] as TestTheme | undefined;
    if (url.pathname === '/index.html') {
      const requested = url.searchParams.get('theme');
      const pageTheme: TestTheme = requested === 'dark' || requested === 'high-contrast' ? requested : 'light';
      send(200, 'text/html', page(origin, pageTheme, 'test-nonce-0123456789', 'test-style-nonce-9876543210'));
    } else if (url.pathname === '/main.js') {
      send(200, 'text/javascript', mainScript);
    } else if (url.pathname === '/fake-host.js') {
      send(200, 'text/javascript', fakeHostScript);
    } else if (url.pathname === '/webview.css') {
      send(200, 'text/css', stylesheet);
    } else if (url.pathname === '/heads.css') {
      send(200, 'text/css', headsStylesheet);
    } else if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
    } else if (theme) {
      send(200, 'text/css', themeStylesheet(theme));
    } else {
      send(404, 'text/plain', `not found: ${url.pathname}`);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl(theme, query = {}) {
      const parameters = new URLSearchParams({ theme, ...query });
      return `${origin}/index.html?${parameters}`;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
