/**
 * The heads views in Chromium, on the test page of page.ts with hand-made
 * heads (syntheticHeads.ts: head i has type previous, self, uniform, first
 * for i mod 4). Screenshots go to the system's temporary folder.
 *
 * Run with `node --import tsx --test test/webview/heads/heads.test.ts`.
 * Needs Chromium at /usr/bin/chromium, or the path in CHROMIUM.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHeadsServer, type HeadsTestServer } from './server';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let server: HeadsTestServer;
let browser: Browser;

before(async () => {
  server = await startHeadsServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(theme: 'light' | 'dark', query: Record<string, string> = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  await page.goto(server.pageUrl(theme, query));
  await page.waitForFunction(() => window.headsPage !== undefined);
  return { page, errors };
}

/** RGB of a device pixel of a canvas. */
async function pixel(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.$eval(selector, (canvas, [px, py]) => {
    const context = (canvas as HTMLCanvasElement).getContext('2d')!;
    return [...context.getImageData(px, py, 1, 1).data.subarray(0, 3)];
  }, [x, y] as const);
}

test('grid draws every head with labels and opens a head on click', async () => {
  const { page, errors } = await openPage('dark');
  await page.waitForFunction(() => document.querySelector('.heads-status')?.textContent?.includes('layers \u00d7') &&
    !document.querySelector('.heads-status')?.textContent?.includes('pending'));
  const canvas = page.locator('.heads-grid-canvas');
  const box = (await canvas.boundingBox())!;
  assert.ok(box.width > 200, `grid canvas width ${box.width}`);
  assert.ok(box.height > 100, `grid canvas height ${box.height}`);
  await page.screenshot({ path: path.join(tmpdir(), 'heads-grid-dark.png') });

  // Hover the first cell: the tooltip names layer 0, head 0 and its label.
  await page.mouse.move(box.x + 40, box.y + 30);
  const tooltip = page.locator('.heads-grid-tooltip');
  await tooltip.waitFor({ state: 'visible' });
  const text = await tooltip.textContent();
  assert.match(text ?? '', /Layer 0, head 0/);
  assert.match(text ?? '', /previous-token/);
  assert.match(text ?? '', /Previous-token score1\.000/);

  await page.mouse.click(box.x + 40, box.y + 30);
  assert.deepEqual(await page.evaluate(() => window.headsPage.opened), ['L0H0']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('grid sorts by a metric', async () => {
  const { page } = await openPage('light');
  await page.waitForFunction(() => !document.querySelector('.heads-status')?.textContent?.includes('pending'));
  const direction = page.locator('.heads-grid vscode-button', { hasText: 'Highest first' });
  assert.equal(await direction.getAttribute('disabled'), '', 'the direction is disabled while sorting by layer and head');
  const order = await page.evaluate(() => {
    const dropdown = document.querySelector('.heads-grid .heads-dropdown') as HTMLElement & { value: string };
    dropdown.value = 'self';
    dropdown.dispatchEvent(new Event('change'));
    const grid = window.headsPage.views.grid;
    return Array.from({ length: 8 }, (_, slot) => grid.headAtSlot(slot));
  });
  // Self heads (indices 1 and 5) have self score 1 and come first.
  assert.deepEqual(order.slice(0, 2), [1, 5]);
  assert.equal(await direction.getAttribute('disabled'), null);
  await page.close();
});

test('comparison hover highlights the token everywhere and draws the difference', async () => {
  const { page, errors } = await openPage('dark');
  await page.locator('.heads-compare-canvas').waitFor();
  await page.waitForFunction(() => (document.querySelector('.heads-compare-canvas') as HTMLCanvasElement).width > 0);
  await page.locator('.heads-compare').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(tmpdir(), 'heads-compare-dark.png'), fullPage: true });

  // Default heads: A = L0 H0 (previous-token), B = L0 H1 (self). Pair figures: JSD 1, correlation negative.
  const figures = await page.locator('.heads-figures tr').nth(1).textContent();
  assert.match(figures ?? '', /1\.000/);
  assert.match(figures ?? '', /-0\.\d+/);

  // Difference A minus B at query 5, key 4 is +1 (red) and at key 5 is -1 (blue).
  const geometry = await page.evaluate(() => {
    const canvas = document.querySelector('.heads-compare-canvas') as HTMLCanvasElement;
    return { width: canvas.width, height: canvas.height, cssWidth: canvas.getBoundingClientRect().width };
  });
  const sideCss = (geometry.cssWidth - 12) / 2;
  const cell = sideCss / 24;
  const differenceTop = 16 + sideCss + 12 + 16;
  const red = await pixel(page, '.heads-compare-canvas', Math.floor(4 * cell + cell / 2), Math.floor(differenceTop + 5 * cell + cell / 2));
  const blue = await pixel(page, '.heads-compare-canvas', Math.floor(5 * cell + cell / 2), Math.floor(differenceTop + 5 * cell + cell / 2));
  assert.ok(red[0] > red[2] + 60, `A higher is red: ${red}`);
  assert.ok(blue[2] > blue[0] + 60, `B higher is blue: ${blue}`);

  // Hover query 7 in pattern A: the strip marks token 7 and the readout gives both weights.
  const overlay = (await page.locator('.heads-compare-overlay').boundingBox())!;
  await page.mouse.move(overlay.x + 6 * cell + cell / 2, overlay.y + 16 + 7 * cell + cell / 2);
  await page.waitForFunction(() => document.querySelector('.heads-token.is-hovered') !== null);
  assert.equal(await page.locator('.heads-compare .heads-token.is-hovered').textContent(), 't7');
  assert.match((await page.locator('.heads-compare .heads-readout').textContent()) ?? '', /query 7 .* key 6 .*A 1\.0000, B 0\.0000/);
  // The overlay draws the highlight over every panel, the difference view included.
  const marked = await page.$eval('.heads-compare-overlay', (canvas, top) => {
    const context = (canvas as HTMLCanvasElement).getContext('2d')!;
    const rows = [16, top as number].map((y) => context.getImageData(0, Math.round(y), (canvas as HTMLCanvasElement).width, 200).data);
    return rows.map((data) => data.some((value, index) => index % 4 === 3 && value > 0));
  }, differenceTop);
  assert.deepEqual(marked, [true, true]);

  // The strip is the text itself under a caption: no gaps between tokens, no space markers.
  const strip = await page.evaluate(() => {
    const box = document.querySelector('.heads-compare .heads-token-strip-box')!;
    return { caption: box.querySelector('figcaption')!.textContent, text: box.querySelector('.heads-token-strip')!.textContent };
  });
  assert.match(strip.caption ?? '', /Hovering a token highlights its row and column in every pattern/);
  assert.match(strip.text ?? '', /^t0 t1 t2 t3 /);
  assert.doesNotMatch(strip.text ?? '', /\u2423/);

  // Hovering a token in the strip highlights the same token.
  await page.locator('.heads-compare .heads-token').nth(3).hover();
  assert.equal(await page.locator('.heads-compare .heads-token.is-hovered').textContent(), 't3');
  assert.deepEqual(errors, []);
  await page.close();
});

test('exports go through saveFile', async () => {
  const { page } = await openPage('light');
  await page.waitForFunction(() => (document.querySelector('.heads-compare-canvas') as HTMLCanvasElement).width > 0);
  await page.waitForFunction(() => !document.querySelector('.heads-status')?.textContent?.includes('pending'));
  for (const label of ['Save PNG', 'Metrics CSV', 'Metrics Markdown']) await page.locator('.heads-grid vscode-button', { hasText: label }).click();
  // Within a picker the three labels do not contain one another, so a substring match is exact.
  for (const label of ['CSV', 'JSON', '.npy']) await page.locator('.heads-compare-picker').first().locator('vscode-button', { hasText: label }).click();
  await page.waitForFunction(() => window.headsPage.saved.length === 6);
  const saved = await page.evaluate(() => window.headsPage.saved.map((file) => ({ name: file.name, mimeType: file.mimeType, bytes: file.bytes })));
  assert.deepEqual(saved.map((file) => file.name), [
    'attention-heads.png', 'head-metrics.csv', 'head-metrics.md', 'attention-L0-H0.csv', 'attention-L0-H0.json', 'attention-L0-H0.npy',
  ]);
  assert.deepEqual(saved[0].bytes.slice(0, 4), [0x89, 0x50, 0x4e, 0x47], 'PNG signature');
  assert.deepEqual(saved[5].bytes.slice(0, 6), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'npy magic');
  await page.close();
});

test('two texts compare the same head with their own tokens', async () => {
  const { page, errors } = await openPage('dark');
  assert.match((await page.locator('.heads-two-texts .heads-status').textContent()) ?? '', /Pin an analysis/);
  await page.locator('.heads-two-texts vscode-button', { hasText: 'Pin this analysis' }).click();
  await page.evaluate(() => window.headsPage.views.setAnalysis(window.headsPage.analysis(2, 12)));
  await page.waitForFunction(() => (document.querySelector('.heads-two-texts-canvas') as HTMLCanvasElement).width > 0);
  assert.deepEqual(await page.evaluate(() => window.headsPage.pins), [1]);
  const strips = page.locator('.heads-two-texts .heads-token-strip');
  assert.equal(await strips.nth(0).locator('.heads-token').count(), 24);
  assert.equal(await strips.nth(1).locator('.heads-token').count(), 12);
  // One scale: the pinned 24 tokens take twice the side of the current 12. The canvas is
  // side0 + gap (16) + side1 wide and caption (16) + side0 high.
  const canvas = (await page.locator('.heads-two-texts-canvas').boundingBox())!;
  const pinnedSide = canvas.height - 16;
  const currentSide = canvas.width - 16 - pinnedSide;
  assert.ok(Math.abs(pinnedSide - 2 * currentSide) <= 1, `sides ${pinnedSide} and ${currentSide}`);
  await strips.nth(1).locator('.heads-token').nth(4).hover();
  assert.match((await page.locator('.heads-two-texts .heads-readout').textContent()) ?? '', /Current text, token 4 .* attends most to 3/);
  await page.screenshot({ path: path.join(tmpdir(), 'heads-two-texts-dark.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('palette commands select the heads tabs', async () => {
  const { page, errors } = await openPage('light', { tabs: '1' });
  const selected = () => page.evaluate(() => document.querySelector('vscode-panel-tab[aria-selected="true"]')?.id ?? null);
  assert.equal(await selected(), 'tab-attention');
  await page.evaluate(() => window.headsPage.views.runCommand('showCompare'));
  await page.waitForFunction(() => document.querySelector('vscode-panel-tab[aria-selected="true"]')?.id === 'tab-compare');
  await page.evaluate(() => window.headsPage.views.runCommand('showGrid'));
  await page.waitForFunction(() => document.querySelector('vscode-panel-tab[aria-selected="true"]')?.id === 'tab-heads');
  assert.ok(await page.locator('#view-heads .heads-grid-canvas').isVisible(), 'the grid is in the Heads tab');
  await page.waitForFunction(() => !document.querySelector('.heads-status')?.textContent?.includes('pending'));
  await page.evaluate(() => window.headsPage.views.runCommand('exportMetricsMarkdown'));
  await page.waitForFunction(() => window.headsPage.saved.length === 1);
  assert.equal(await page.evaluate(() => window.headsPage.saved[0].name), 'head-metrics.md');
  await page.screenshot({ path: path.join(tmpdir(), 'heads-tabs-light.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
