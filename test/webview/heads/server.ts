/**
 * Serves the heads test page on 127.0.0.1 with the panel's Content-Security-Policy,
 * the theme variables of themes.ts and both stylesheets.
 */
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY_CLASSES, themeStylesheet, type TestTheme } from '../themes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface HeadsTestServer {
  readonly origin: string;
  pageUrl(theme: TestTheme, query?: Record<string, string>): string;
  close(): Promise<void>;
}

function page(origin: string, theme: TestTheme, nonce: string, styleNonce: string): string {
  const policy = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${origin} 'nonce-${styleNonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta property="csp-nonce" content="${styleNonce}">
<link rel="stylesheet" href="/theme/${theme}.css">
<link rel="stylesheet" href="/webview.css">
<link rel="stylesheet" href="/heads.css">
<title>Attention Inspector heads views test</title>
</head>
<body class="${BODY_CLASSES[theme]}">
<div id="app"></div>
<script nonce="${nonce}" src="/heads-page.js"></script>
</body>
</html>
`;
}

export async function startHeadsServer(): Promise<HeadsTestServer> {
  const built = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['test/webview/heads/page.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = built.outputFiles[0].text;
  const [webviewCss, headsCss] = await Promise.all([
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
      send(200, 'text/html', page(origin, pageTheme, 'heads-nonce-0123456789', 'heads-style-nonce-9876543210'));
    } else if (url.pathname === '/heads-page.js') {
      send(200, 'text/javascript', script);
    } else if (url.pathname === '/webview.css') {
      send(200, 'text/css', webviewCss);
    } else if (url.pathname === '/heads.css') {
      send(200, 'text/css', headsCss);
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
      return `${origin}/index.html?${new URLSearchParams({ theme, ...query })}`;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
