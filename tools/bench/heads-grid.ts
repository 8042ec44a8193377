/**
 * Benchmark of the all-heads grid in Chromium: the time from the thumbnails'
 * arrival to the grid on screen for 12 layers x 12 heads of a 2,048-token
 * analysis, redraws after sorting and colouring, and the hover rate.
 *
 *   node --import tsx tools/bench/heads-grid.ts [--runs 5] [--dpr 1]
 *
 * The page is test/webview/heads/page.ts with hand-made heads; thumbnails are
 * computed before they are delivered, at the size the grid requests, so only
 * the webview's work is timed. Prints figures; asserts nothing.
 */
import { loadavg, cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { startHeadsServer } from '../../test/webview/heads/server';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const runs = option('runs', 5);
const devicePixelRatio = option('dpr', 1);
const TOKENS = 2048;
const LAYERS = 12;
const HEADS = 12;

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(1)} ms, min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}`;
}

async function main(): Promise<void> {
  console.log(`heads grid benchmark: ${LAYERS} layers x ${HEADS} heads, ${TOKENS} tokens, device pixel ratio ${devicePixelRatio}, ${runs} runs`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average at start ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const server = await startHeadsServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const arrivals: number[] = [];
    const draws: number[] = [];
    const redraws: number[] = [];
    let thumbnailSize = 0;
    let hover = { events: 0, meanMs: 0, p95Ms: 0, maxMs: 0, framesPerSecond: 0, frames: 0, seconds: 0 };

    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1300 }, deviceScaleFactor: devicePixelRatio });
      // tsx compiles the functions passed to page.evaluate with esbuild's keepNames, which calls __name.
      await page.addInitScript('globalThis.__name = (target) => target;');
      await page.goto(server.pageUrl('dark', { n: String(TOKENS), layers: String(LAYERS), heads: String(HEADS), bench: '1' }));
      await page.waitForFunction(() => window.headsPage?.thumbnailSizes.length > 0);

      // Thumbnails arrive: time until the grid is drawn and a frame has been produced after it.
      const arrival = await page.evaluate(async () => {
        const start = window.headsPage.deliverThumbnails();
        await new Promise((resolve) => setTimeout(resolve, 0)); // the reply's promise callbacks run first
        await new Promise(requestAnimationFrame);
        await new Promise(requestAnimationFrame);
        return { total: performance.now() - start, draw: window.headsPage.views.grid.lastDrawMs, size: window.headsPage.thumbnailSizes[0] };
      });
      arrivals.push(arrival.total);
      draws.push(arrival.draw);
      thumbnailSize = arrival.size;

      // Metrics arrive, then the grid is sorted by one metric and coloured by another.
      const redraw = await page.evaluate(() => {
        const grid = window.headsPage.views.grid;
        grid.setMetrics(window.headsPage.metrics(2048));
        const times = [grid.lastDrawMs];
        const dropdowns = document.querySelectorAll('.heads-grid .heads-dropdown');
        const choose = (element: Element, value: string) => {
          (element as HTMLElement & { value: string }).value = value;
          element.dispatchEvent(new Event('change'));
          times.push(grid.lastDrawMs);
        };
        choose(dropdowns[0], 'previousToken');
        choose(dropdowns[1], 'entropy');
        return times;
      });
      redraws.push(...redraw);

      if (run === runs - 1) {
        // Hover handling: synthetic mouse moves over every cell, each followed by a forced layout.
        hover = { ...hover, ...(await page.evaluate(() => {
          const canvas = document.querySelector('.heads-grid-canvas') as HTMLCanvasElement;
          const box = canvas.getBoundingClientRect();
          const times: number[] = [];
          for (let round = 0; round < 5; round++) {
            for (let step = 0; step < 400; step++) {
              const x = box.left + ((step * 37) % Math.floor(box.width));
              const y = box.top + ((step * 53) % Math.floor(box.height));
              const start = performance.now();
              canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
              void document.body.offsetHeight; // force style and layout, as a frame would
              times.push(performance.now() - start);
            }
          }
          times.sort((a, b) => a - b);
          return {
            events: times.length,
            meanMs: times.reduce((sum, value) => sum + value, 0) / times.length,
            p95Ms: times[Math.floor(times.length * 0.95)],
            maxMs: times[times.length - 1],
          };
        })) };

        // Frame rate while the real mouse moves across the grid for about two seconds.
        const box = (await page.locator('.heads-grid-canvas').boundingBox())!;
        await page.evaluate(() => {
          const state = { frames: 0, running: true, start: performance.now(), end: 0 };
          (window as unknown as { frameCounter: typeof state }).frameCounter = state;
          const tick = () => {
            if (!state.running) return;
            state.frames++;
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        const started = Date.now();
        let step = 0;
        while (Date.now() - started < 2000) {
          await page.mouse.move(box.x + ((step * 37) % box.width), box.y + ((step * 53) % box.height));
          step++;
        }
        const frames = await page.evaluate(() => {
          const state = (window as unknown as { frameCounter: { frames: number; running: boolean; start: number } }).frameCounter;
          state.running = false;
          return { frames: state.frames, seconds: (performance.now() - state.start) / 1000 };
        });
        hover = { ...hover, frames: frames.frames, seconds: frames.seconds, framesPerSecond: frames.frames / frames.seconds };
        console.log(`mouse moves sent in 2 s: ${step}`);
      }
      await page.close();
    }

    console.log(`thumbnail size requested by the grid: ${thumbnailSize} x ${thumbnailSize} device pixels per head`);
    console.log(`thumbnails arrive -> grid drawn and a frame produced: ${summary(arrivals)}`);
    console.log(`  of which the grid's draw call: ${summary(draws)}`);
    console.log(`redraw after metrics, sort and colour changes: ${summary(redraws)}`);
    console.log(`hover handling per mouse move (${hover.events} moves, with forced layout): mean ${hover.meanMs.toFixed(3)} ms, p95 ${hover.p95Ms.toFixed(3)} ms, max ${hover.maxMs.toFixed(3)} ms`);
    console.log(`frames during 2 s of real mouse movement: ${hover.frames} in ${hover.seconds.toFixed(2)} s = ${hover.framesPerSecond.toFixed(1)} frames per second`);
    console.log(`load average at end ${loadavg().map((v) => v.toFixed(2)).join(' ')} (another job may be using the cores; figures are upper bounds then)`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
