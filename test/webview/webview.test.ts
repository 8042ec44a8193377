/**
 * The webview in Chromium: the real bundle on a test page with the panel's
 * CSP and a fake VS Code host (fakeHost.ts). Screenshots go to the system's
 * temporary folder, never to the repository.
 *
 * Run with `npm run test:webview`. Needs Chromium at /usr/bin/chromium, or
 * the path in the CHROMIUM environment variable.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WebviewToHostMessage } from '../../src/protocol';
import { TEXT_SHADE_MAX_ALPHA, weightToLevel, SCALE_LEVELS } from '../../webview/colorScale';
import { RECORDED_START_SELECTION, recordedFixture } from './fixture';
import { startTestServer, type TestServer } from './server';
import type { TestTheme } from './themes';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TOKEN = (index: number) => `.token-text [data-token="${index}"][role="button"]`;

let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  // playwright-core starts Chromium with a new temporary profile for each launch.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface OpenedPage {
  readonly page: Page;
  readonly errors: string[];
}

async function openPage(theme: TestTheme, query: Record<string, string> = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  await page.goto(server.pageUrl(theme, query));
  if (query.empty !== '1') await waitForPattern(page);
  return { page, errors };
}

async function waitForPattern(page: Page): Promise<void> {
  await page.waitForSelector(TOKEN(0));
  await page.waitForFunction(() => (document.querySelector<HTMLCanvasElement>('canvas.heatmap-base')?.width ?? 0) > 0);
}

async function sentMessages(page: Page): Promise<WebviewToHostMessage[]> {
  return page.evaluate(() => window.fakeHost.sent);
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => window.fakeHost.cspViolations);
}

/** Reads the alpha of each token's shading, by token index; 0 where unshaded. */
async function shadeAlphas(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const spans = document.querySelectorAll<HTMLElement>('.token-text [data-token][role="button"]');
    return Array.from(spans, (span) => {
      const match = /rgba?\(([^)]*)\)/.exec(getComputedStyle(span).backgroundColor);
      const parts = match ? match[1].split(',').map(Number) : [];
      if (parts.length === 4) return parts[3];
      if (parts.length === 3) return 1;
      return 0;
    });
  });
}

function argmax(values: number[]): number {
  return values.reduce((best, value, index) => (value > values[best] ? index : best), 0);
}

const gpt2 = recordedFixture('gpt2');
const START_HEAD = RECORDED_START_SELECTION.head;

/**
 * Computes the shading alpha each token should get when `focus` is hovered: its
 * weight in the focus's row (pays) or column (receives) of the recorded
 * pattern, relative to the largest, on the scale's levels.
 */
function expectedAlphas(head: number, focus: number, direction: 'pays' | 'receives'): number[] {
  const n = gpt2.state.analysis!.summary.tokens.count;
  const pattern = gpt2.pattern({ layer: 0, head });
  const weights = Array.from({ length: n }, (_, other) =>
    direction === 'pays' ? pattern[focus * n + other] : pattern[other * n + focus],
  );
  const max = Math.max(...weights);
  return weights.map((weight) => (weightToLevel(weight / max) / (SCALE_LEVELS - 1)) * TEXT_SHADE_MAX_ALPHA);
}

/** Half a shade level: Chromium keeps alpha in 8 bits, so computed values differ from the set ones by up to 1/510. */
const ALPHA_TOLERANCE = TEXT_SHADE_MAX_ALPHA / (SCALE_LEVELS - 1) / 2;

function assertShading(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((alpha, index) => {
    const difference = Math.abs(alpha - expected[index]);
    assert.ok(difference <= ALPHA_TOLERANCE, `token ${index} has alpha ${alpha}, expected ${expected[index].toFixed(3)}`);
  });
}

async function hoverToken(page: Page, index: number): Promise<void> {
  await page.hover(TOKEN(index));
  await page.waitForFunction((selector) => document.querySelector(selector)?.classList.contains('focused'), TOKEN(index));
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(tmpdir(), `attention-inspector-webview-${name}.png`), fullPage: true });
}

for (const theme of ['light', 'dark'] as const) {
  test(`hover shades other tokens, ${theme} theme`, async () => {
    const { page, errors } = await openPage(theme);
    assert.equal(await page.evaluate(() => document.body.className), theme === 'light' ? 'vscode-light' : 'vscode-dark');

    const before = await shadeAlphas(page);
    assert.ok(before.every((alpha) => alpha === 0), 'tokens are shaded before any hover');

    await hoverToken(page, 5);
    const first = await shadeAlphas(page);
    assertShading(first, expectedAlphas(START_HEAD, 5, 'pays'));
    assert.ok(first.filter((alpha) => alpha > 0).length >= 3, 'fewer than 3 tokens shaded');
    assert.ok(first.slice(6).every((alpha) => alpha === 0), 'a causal model shaded a later token');
    assert.equal(await page.locator('.token-text .token.masked[role="button"]').count(), first.length - 6);

    await hoverToken(page, 12);
    const second = await shadeAlphas(page);
    assertShading(second, expectedAlphas(START_HEAD, 12, 'pays'));
    assert.notDeepEqual(second, first);

    const focusMessages = (await sentMessages(page)).filter((message) => message.kind === 'focusToken');
    assert.deepEqual(
      focusMessages.map((message) => message.kind === 'focusToken' && message.tokenIndex),
      [5, 12],
    );
    await screenshot(page, theme);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('theme classes and switches', async () => {
  const light = await openPage('light');
  const dark = await openPage('dark');
  await hoverToken(light.page, 5);
  await hoverToken(dark.page, 5);
  const strongest = argmax(expectedAlphas(START_HEAD, 5, 'pays'));
  const colour = (page: Page) =>
    page.evaluate((selector) => getComputedStyle(document.querySelector(selector)!).backgroundColor, TOKEN(strongest));
  const lightShade = await colour(light.page);
  const darkShade = await colour(dark.page);
  assert.match(lightShade, /^rgba\(0, 84, 178,/);
  assert.match(darkShade, /^rgba\(255, 176, 32,/);

  // VS Code switches theme by changing the body class; the shading follows without a reload.
  await light.page.evaluate(() => {
    document.body.className = 'vscode-dark';
  });
  await light.page.waitForFunction(
    (selector) => getComputedStyle(document.querySelector(selector)!).backgroundColor.startsWith('rgba(255, 176, 32,'),
    TOKEN(strongest),
  );
  await light.page.close();
  await dark.page.close();
});

test('high-contrast theme renders', async () => {
  const { page, errors } = await openPage('high-contrast');
  await hoverToken(page, 9);
  const strongest = argmax(expectedAlphas(START_HEAD, 9, 'pays'));
  const shade = await page.evaluate(
    (selector) => getComputedStyle(document.querySelector(selector)!).backgroundColor,
    TOKEN(strongest),
  );
  assert.match(shade, /^rgba\(255, 255, 0,/);
  await screenshot(page, 'high-contrast');
  assert.deepEqual(errors, []);
  await page.close();
});

test('heatmap hatches masked cells and outlines the row', async () => {
  const { page } = await openPage('light');
  await hoverToken(page, 5);
  const result = await page.evaluate(() => {
    const base = document.querySelector<HTMLCanvasElement>('canvas.heatmap-base')!;
    const overlay = document.querySelector<HTMLCanvasElement>('canvas.heatmap-overlay')!;
    const [left, top, side] = (base.dataset.plot ?? '').split(' ').map(Number);
    const context = base.getContext('2d')!;
    // Top-right corner of the plot: query 0 against the last keys, masked in a causal model.
    const corner = context.getImageData(left + side - 20, top + 4, 16, 16).data;
    const cornerColours = new Set<string>();
    for (let i = 0; i < corner.length; i += 4) cornerColours.add(`${corner[i]},${corner[i + 1]},${corner[i + 2]}`);
    // Bottom-left corner: the last query against the first key, visible; one flat cell colour.
    const visible = context.getImageData(left + 2, top + side - 6, 4, 4).data;
    const visibleColours = new Set<string>();
    for (let i = 0; i < visible.length; i += 4) visibleColours.add(`${visible[i]},${visible[i + 1]},${visible[i + 2]}`);
    const outline = overlay.getContext('2d')!.getImageData(0, 0, overlay.width, overlay.height).data;
    let outlined = 0;
    for (let i = 3; i < outline.length; i += 4) if (outline[i] > 0) outlined++;
    return {
      cornerColours: cornerColours.size,
      visibleColours: visibleColours.size,
      outlined,
      width: base.width,
      cssWidth: base.getBoundingClientRect().width,
    };
  });
  assert.ok(result.cornerColours >= 2, 'masked corner is a flat colour, not a hatch');
  assert.equal(result.visibleColours, 1, 'a visible cell is hatched');
  assert.ok(result.outlined > 100, 'the focused row has no outline');
  assert.equal(result.width, Math.round(result.cssWidth * 2), 'canvas is not sized for devicePixelRatio 2');

  // Hovering a heatmap cell gives its exact weight.
  const box = (await page.locator('canvas.heatmap-overlay').boundingBox())!;
  const n = gpt2.state.analysis!.summary.tokens.count;
  const readout = page.locator('.heatmap-readout');
  await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2);
  const expected = gpt2.pattern(RECORDED_START_SELECTION)[(n - 1) * n + (n - 1)].toFixed(4);
  await assert.doesNotReject(readout.filter({ hasText: `query ${n - 1}` }).waitFor());
  assert.match((await readout.textContent()) ?? '', new RegExp(`key ${n - 1} .*: ${expected.replace('.', '\\.')}$`));
  await page.close();
});

test('receives direction reads the column', async () => {
  const { page } = await openPage('light');
  await page.click('vscode-radio[value="receives"]');
  await hoverToken(page, 4);
  const alphas = await shadeAlphas(page);
  assertShading(alphas, expectedAlphas(START_HEAD, 4, 'receives'));
  assert.ok(alphas.slice(0, 4).every((alpha) => alpha === 0), 'an earlier token was shaded as attending to a later one');
  const last = (await sentMessages(page)).filter((message) => message.kind === 'focusToken').at(-1);
  assert.deepEqual(last, { kind: 'focusToken', analysisId: 1, tokenIndex: 4, direction: 'receives' });
  await page.close();
});

test('head picker selects and loads another head', async () => {
  const { page } = await openPage('light');
  await page.click('#head-picker');
  await page.click('#head-picker vscode-option[value="1"]');
  await page.waitForFunction(() =>
    window.fakeHost.sent.some((message) => message.kind === 'patterns' && message.selections[0].head === 1),
  );
  const messages = await sentMessages(page);
  assert.ok(messages.some((message) => message.kind === 'selectHead' && message.selection.head === 1));
  await hoverToken(page, 12);
  assertShading(await shadeAlphas(page), expectedAlphas(1, 12, 'pays'));
  await page.close();
});

test('pinned token and head survive a reload', async () => {
  const { page } = await openPage('light');
  await page.click('#mode-picker');
  await page.click('#mode-picker vscode-option[value="max"]');
  await page.click(TOKEN(7));
  await page.waitForSelector(`${TOKEN(7)}.pinned`);
  await page.reload();
  await waitForPattern(page);
  await page.waitForSelector(`${TOKEN(7)}.pinned`);
  const messages = await sentMessages(page);
  assert.equal(messages[0].kind, 'ready');
  assert.ok(messages.some((message) => message.kind === 'selectHead' && message.selection.head === 'max'));
  assert.ok(messages.some((message) => message.kind === 'patterns' && message.selections[0].head === 'max'));
  await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-pressed') === 'true', TOKEN(7));
  await page.close();
});

test('arrow keys move between tokens with labels', async () => {
  const { page } = await openPage('light');
  await page.focus(TOKEN(3));
  await page.keyboard.press('ArrowRight');
  const active = await page.evaluate(() => ({
    token: (document.activeElement as HTMLElement).dataset.token,
    label: document.activeElement?.getAttribute('aria-label') ?? '',
  }));
  assert.equal(active.token, '4');
  assert.match(active.label, /token 5 of \d+\. Attends most to: .+ 0\.\d{3}/);
  await page.keyboard.press('ArrowDown');
  const below = await page.evaluate(() => Number((document.activeElement as HTMLElement).dataset.token));
  assert.ok(below > 4, `ArrowDown went to token ${below}`);
  await page.close();
});

test('host focus, stale and busy messages', async () => {
  const { page } = await openPage('dark');
  await page.evaluate(() => window.fakeHost.send({ kind: 'focus', analysisId: 1, tokenIndex: 12 }));
  await page.waitForSelector(`${TOKEN(12)}.focused`);
  await page.evaluate(() => window.fakeHost.send({ kind: 'focus', analysisId: 99, tokenIndex: 3 }));
  await page.evaluate(() => window.fakeHost.send({ kind: 'stale', analysisId: 1 }));
  await page.waitForSelector('.banner-stale:not([hidden])');
  await page.evaluate(() => window.fakeHost.send({ kind: 'busy', busy: true, label: 'Layer 3 of 12' }));
  await page.waitForSelector('.banner-busy:not([hidden])');
  assert.equal(await page.locator('.banner-busy').textContent(), 'Layer 3 of 12');
  assert.equal(await page.locator(`${TOKEN(3)}.focused`).count(), 0, 'a focus for another analysis was applied');
  const focusSent = (await sentMessages(page)).filter((message) => message.kind === 'focusToken');
  assert.deepEqual(focusSent, [], 'the host focus was echoed back');
  await screenshot(page, 'dark-stale');
  await page.close();
});

test('failed analysis shows error banner', async () => {
  const { page } = await openPage('light');
  const message = 'The model folder /tmp/missing was not found.';
  await page.evaluate((text) => window.fakeHost.send({ kind: 'error', message: text }), message);
  await page.waitForSelector('.banner-error:not([hidden])');
  assert.equal(await page.locator('.banner-error').textContent(), message);
  assert.equal(await page.locator('.banner-error').getAttribute('role'), 'alert');
  assert.equal(await page.locator('.banner-empty:not([hidden])').count(), 0, 'the empty-state line hides the error');

  await page.evaluate(() => window.fakeHost.send({ kind: 'busy', busy: true, label: 'Layer 1 of 2' }));
  await page.waitForSelector('.banner-error[hidden]', { state: 'attached' });
  await page.close();
});

test('host selects the Cost and Heads tabs', async () => {
  const { page, errors } = await openPage('dark');
  const n = gpt2.state.analysis!.summary.tokens.count;
  await page.evaluate(() => window.fakeHost.send({ kind: 'showView', view: 'cost' }));
  await page.waitForSelector('#tab-cost[aria-selected="true"]');
  const cost = page.locator('#view-cost .cost-view');
  await cost.waitFor();
  assert.match(await cost.textContent() ?? '', new RegExp(`The selection has ${n} tokens`));
  // The fixture's engine forward time, 5 ms, next to this machine's estimate.
  const measured = page.locator('#view-cost section', { hasText: 'Measured against estimated' });
  assert.match(await measured.textContent() ?? '', /Forward pass, measured\s*5 ms/);
  assert.match(await page.locator('.cost-summary').textContent() ?? '', new RegExp(`^${n} tokens · eager attention \\(fp32\\)`));
  await screenshot(page, 'cost');

  await page.evaluate(() => window.fakeHost.send({ kind: 'headsCommand', command: 'showGrid' }));
  await page.waitForSelector('#tab-heads[aria-selected="true"]');
  assert.equal(await page.locator('#tab-cost').getAttribute('aria-selected'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('hover is not sent when highlights ignore the mouse', async () => {
  const { page } = await openPage('light', { followMouse: '0' });
  await hoverToken(page, 5);
  assert.ok((await shadeAlphas(page)).some((alpha) => alpha > 0), 'hover no longer shades the webview');
  await page.click(TOKEN(7));
  await page.waitForSelector(`${TOKEN(7)}.pinned`);
  const focusSent = (await sentMessages(page)).filter((message) => message.kind === 'focusToken');
  assert.deepEqual(
    focusSent.map((message) => message.kind === 'focusToken' && message.tokenIndex),
    [7],
  );
  await page.close();
});

test('predictions follow the hovered token', async () => {
  const { page } = await openPage('light');
  await hoverToken(page, 5);
  await page.waitForSelector('.predictions-list li');
  const labels = await page.locator('.prediction-token').allTextContents();
  assert.deepEqual(
    labels,
    gpt2.predictions(5, 5).map((prediction) => prediction.label),
  );
  await page.close();
});

test('empty state asks for an analysis', async () => {
  const { page, errors } = await openPage('light', { empty: '1' });
  await page.waitForSelector('.banner-empty:not([hidden])');
  assert.equal(
    await page.locator('.banner-empty').textContent(),
    'Select text and run Attention Inspector: Analyze Selection.',
  );
  assert.equal(await page.locator('.views').isHidden(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('bidirectional model has badges and no predictions', async () => {
  const { page } = await openPage('light', { model: 'bert' });
  const badges = await page.locator('.token-text .token.special').allTextContents();
  assert.deepEqual(badges, ['[CLS]', '[SEP]']);
  await hoverToken(page, 5);
  const alphas = await shadeAlphas(page);
  assert.ok(alphas.slice(6).some((alpha) => alpha > 0), 'a bidirectional model shaded no later token');
  assert.equal(await page.locator('.token-text .token.masked').count(), 0);
  assert.equal(await page.locator('.predictions').isHidden(), true);
  await screenshot(page, 'bert');
  await page.close();
});

test('long analysis renders and shades', async (t) => {
  // 256 copies of the 32-token fixture: 8,192 tokens, a 256 MiB float32 pattern that the panel must not request.
  const started = Date.now();
  const { page, errors } = await openPage('light', { repeat: '256' });
  const loadMs = Date.now() - started;
  const count = await page.locator('.token-text [data-token][role="button"]').count();
  assert.equal(count, 8192);
  const requests = await sentMessages(page);
  assert.ok(!requests.some((message) => message.kind === 'patterns'), 'the panel requested a whole 8,192-token pattern');
  const heatmapRequest = requests.find((message) => message.kind === 'heatmap');
  assert.ok(heatmapRequest, 'no pooled heatmap was requested');
  assert.ok(heatmapRequest.kind === 'heatmap');
  assert.ok(heatmapRequest.size <= 1024, `the pooled heatmap has ${heatmapRequest.size} cells a side, more than 1,024`);
  const plot = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('canvas.heatmap-base')!.dataset);
  assert.equal(plot.pooled, String(heatmapRequest.size));
  const plotPixels = Number(plot.plot!.split(' ')[2]);
  assert.equal(heatmapRequest.size, Math.min(1024, plotPixels), 'the pooled heatmap has one cell per device pixel, up to 1,024');

  // One statement per hover: tsx wraps named inner functions in a helper that does not exist in the page.
  const timings = await page.evaluate((selectors) => {
    const durations: number[] = [];
    for (const selector of selectors) {
      const span = document.querySelector(selector)!;
      const start = performance.now();
      span.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      durations.push(performance.now() - start);
    }
    return { first: durations[0], second: durations[1] };
  }, [TOKEN(8000), TOKEN(100)]);
  await hoverToken(page, 8000);
  // Above 1,024 tokens the shading waits for the hovered token's row from the host.
  await page.waitForFunction((selector) => getComputedStyle(document.querySelector(selector)!).backgroundColor !== 'rgba(0, 0, 0, 0)', TOKEN(7999));
  const alphas = await shadeAlphas(page);
  assert.equal(argmax(alphas), 7999);
  const rows = (await sentMessages(page)).filter((message) => message.kind === 'rows');
  assert.ok(rows.some((message) => message.kind === 'rows' && message.indices[0] === 8000 && message.axis === 'row'));

  // The readout of a pooled cell names its block and its maximum.
  const box = (await page.locator('canvas.heatmap-overlay').boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2);
  const readout = await page.locator('.heatmap-readout').textContent();
  assert.match(readout ?? '', /^pooled block: queries \d+\u2013\d+ \u2192 keys \d+\u2013\d+: max \d\.\d{4}$/);
  t.diagnostic(`8,192 tokens: page load to drawn heatmap ${loadMs} ms; hover reshade ${timings.first.toFixed(1)} ms and ${timings.second.toFixed(1)} ms`);
  await screenshot(page, 'long');
  assert.deepEqual(errors, []);
  await page.close();
});

test('partial characters and CRLF render as text', async () => {
  const { page, errors } = await openPage('light', { text: 'unicode' });
  const view = await page.evaluate(() => {
    const text = document.querySelector<HTMLElement>('.token-text')!;
    const lines = [...text.querySelectorAll<HTMLElement>('.token-line')].map((line) => line.textContent!.replace(/\u200b/g, ''));
    const groups = [...text.querySelectorAll<HTMLElement>('.char-group')];
    return {
      lines,
      groups: groups.map((group) => group.querySelector('.char-glyph')!.textContent),
      parts: groups.map((group) => group.querySelectorAll('[data-token]').length),
      title: groups[0]?.querySelector<HTMLElement>('[data-token]')?.title,
      badges: text.querySelectorAll('.token.special').length,
      crlf: [...text.querySelectorAll<HTMLElement>('.char-group.newline [data-token]')].slice(0, 2).map((segment) => segment.title),
      mojibake: /<0x/.test(text.textContent!),
    };
  });
  // Five text lines and the empty one after the last CRLF: one line break per CRLF, even when CR and LF are two tokens.
  assert.equal(view.lines.length, 6, view.lines.join(' | '));
  assert.match(view.lines[0], /^Family: .* and flag .*\.\u21b5$/u);
  assert.deepEqual(view.crlf, ['carriage return (CR) of a CRLF line break', 'line feed (LF) of a CRLF line break']);
  assert.equal(view.groups[0], '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', 'the emoji sequence is one character');
  assert.equal(view.parts[0], 4 + 3 + 4 + 3 + 4, 'one segment per byte token');
  assert.equal(view.title, 'part of a character: byte 1 of 18');
  assert.ok(view.groups.includes('e\u0301'), 'a combining mark stays on its letter');
  assert.equal(view.badges, 0);
  assert.equal(view.mojibake, false);

  // A segment is a token like any other: hovering it shades the others and keyboard focus moves through it.
  const segment = page.locator('.char-group [data-token]').nth(1);
  const index = Number(await segment.getAttribute('data-token'));
  await segment.hover();
  const alphas = await shadeAlphas(page);
  assert.ok(alphas[index - 1] > 0, 'hovering a byte token shades the tokens it attends to');
  await page.locator(TOKEN(index)).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-token')), String(index + 1));

  // The Hebrew line reads right to left: its first letter is right of its last.
  const hebrew = await page.evaluate(() => {
    const line = [...document.querySelectorAll<HTMLElement>('.token-line')][2];
    const glyphs = [...line.querySelectorAll<HTMLElement>('.char-glyph')];
    return { first: glyphs[0].getBoundingClientRect().left, last: glyphs[glyphs.length - 1].getBoundingClientRect().left };
  });
  assert.ok(hebrew.first > hebrew.last, `first letter at ${hebrew.first}, last at ${hebrew.last}`);
  await screenshot(page, 'unicode');

  // The Compare tab's token strip shows partial characters the same way.
  await page.locator('vscode-panel-tab', { hasText: 'Compare' }).click();
  const strip = page.locator('.heads-compare .heads-token-strip');
  await strip.waitFor();
  assert.equal(await strip.locator('.char-group').count(), await page.locator('.token-text .char-group').count());
  assert.equal(await strip.locator('.token-line').count(), 6);
  assert.doesNotMatch((await strip.textContent()) ?? '', /<0x/);
  await screenshot(page, 'unicode-compare');
  assert.deepEqual(errors, []);
  await page.close();
});
