import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createColorScale, DEFAULT_BACKGROUNDS, DEFAULT_FOREGROUNDS, SCALE_LEVELS } from '../../../webview/colorScale';
import { blockOfToken, layoutHeatmap, tokensOfBlock } from '../../../webview/heatmapGeometry';
import { isMasked, rasterizePattern, rasterizePooled } from '../../../webview/heatmapRaster';

const scale = createColorScale('light', DEFAULT_BACKGROUNDS.light, DEFAULT_FOREGROUNDS.light);

function pixel(pixels: Uint8ClampedArray, side: number, x: number, y: number): number[] {
  const at = (y * side + x) * 4;
  return [...pixels.slice(at, at + 4)];
}

function level(index: number): number[] {
  return [...scale.opaque.slice(index * 4, index * 4 + 4)];
}

test('isMasked follows causal and sliding-window rules', () => {
  assert.equal(isMasked({ causal: false, slidingWindow: null }, 0, 5), false);
  assert.equal(isMasked({ causal: true, slidingWindow: null }, 2, 3), true);
  assert.equal(isMasked({ causal: true, slidingWindow: null }, 3, 3), false);
  assert.equal(isMasked({ causal: true, slidingWindow: 2 }, 5, 4), false);
  assert.equal(isMasked({ causal: true, slidingWindow: 2 }, 5, 3), true);
});

test('causal pattern hatches masked cells, not zero-weight colour', () => {
  const n = 4;
  // [n, n] row-major: uniform over the visible keys of each query.
  const pattern = new Float32Array(n * n);
  for (let row = 0; row < n; row++) for (let column = 0; column <= row; column++) pattern[row * n + column] = 1 / (row + 1);
  pattern[3 * n + 1] = 0;

  const layout = layoutHeatmap({ tokenCount: n, availableWidth: 40, devicePixelRatio: 1, labelWidth: 0 });
  const side = layout.plotDevicePixels;
  const cell = side / n;
  const pixels = new Uint8ClampedArray(side * side * 4);
  rasterizePattern(pixels, pattern, layout, { causal: true, slidingWindow: null }, scale);

  assert.deepEqual(pixel(pixels, side, 0, 0), level(SCALE_LEVELS - 1));
  // Row 3, column 1 has weight 0: the background colour, with no hatch.
  for (let dy = 0; dy < cell; dy++) {
    for (let dx = 0; dx < cell; dx++) assert.deepEqual(pixel(pixels, side, cell + dx, 3 * cell + dy), level(0));
  }
  // Row 0, column 3 is masked: it contains hatch lines.
  const colours = new Set<string>();
  for (let dy = 0; dy < cell; dy++) {
    for (let dx = 0; dx < cell; dx++) colours.add(pixel(pixels, side, 3 * cell + dx, dy).join());
  }
  const line = scale.maskLine;
  assert.ok(colours.has([line.r, line.g, line.b, 255].join()));
});

test('shared pixels keep the largest visible weight', () => {
  const n = 8;
  const pattern = new Float32Array(n * n);
  pattern[5 * n + 2] = 0.81;
  const layout = layoutHeatmap({ tokenCount: n, availableWidth: 4, devicePixelRatio: 1, labelWidth: 0 });
  assert.equal(layout.plotDevicePixels, 64);
  const small = { ...layout, plotDevicePixels: 4, plotSize: 4, cellSize: 0.5 };
  const pixels = new Uint8ClampedArray(4 * 4 * 4);
  rasterizePattern(pixels, pattern, small, { causal: false, slidingWindow: null }, scale);
  assert.deepEqual(pixel(pixels, 4, 1, 2), level(Math.round(0.9 * (SCALE_LEVELS - 1))));
  assert.deepEqual(pixel(pixels, 4, 0, 0), level(0));
});

test('rasterizePattern rejects mismatched buffers', () => {
  const layout = layoutHeatmap({ tokenCount: 3, availableWidth: 30, devicePixelRatio: 1, labelWidth: 0 });
  const pixels = new Uint8ClampedArray(layout.plotDevicePixels ** 2 * 4);
  assert.throws(
    () => rasterizePattern(pixels, new Float32Array(8), layout, { causal: true, slidingWindow: null }, scale),
    /8 values; a 3-by-3 heatmap needs 9/,
  );
  assert.throws(
    () => rasterizePattern(new Uint8ClampedArray(4), new Float32Array(9), layout, { causal: true, slidingWindow: null }, scale),
    /Pixel buffer has 4 bytes/,
  );
});

test('hatched cells match isMasked for every mask', () => {
  const n = 6;
  const pattern = new Float32Array(n * n).fill(0.5);
  const layout = layoutHeatmap({ tokenCount: n, availableWidth: 60, devicePixelRatio: 1, labelWidth: 0 });
  const side = layout.plotDevicePixels;
  const cell = side / n;
  const masks = [
    { causal: false, slidingWindow: null },
    { causal: true, slidingWindow: null },
    { causal: true, slidingWindow: 2 },
  ];
  const shade = level(Math.round(Math.sqrt(0.5) * (SCALE_LEVELS - 1)));
  for (const mask of masks) {
    const pixels = new Uint8ClampedArray(side * side * 4);
    rasterizePattern(pixels, pattern, layout, mask, scale);
    for (let row = 0; row < n; row++) {
      for (let column = 0; column < n; column++) {
        const centre = pixel(pixels, side, column * cell + cell / 2, row * cell + cell / 2);
        const hatched = centre.join() !== shade.join();
        assert.equal(hatched, isMasked(mask, row, column), `cell (${row}, ${column}) with ${JSON.stringify(mask)}`);
      }
    }
  }
});

/** Pools like the worker: blocks split at floor(c n / size), each cell the block maximum, masked when all of it is. */
function pool(pattern: Float32Array, n: number, size: number, mask: { causal: boolean; slidingWindow: number | null }) {
  const data = new Float32Array(size * size);
  const masked = new Uint8Array(size * size).fill(1);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      for (let row = Math.floor((r * n) / size); row < Math.floor(((r + 1) * n) / size); row++) {
        for (let column = Math.floor((c * n) / size); column < Math.floor(((c + 1) * n) / size); column++) {
          if (isMasked(mask, row, column)) continue;
          masked[r * size + c] = 0;
          data[r * size + c] = Math.max(data[r * size + c], pattern[row * n + column]);
        }
      }
    }
  }
  return { size, data, masked };
}

test('pooled grid draws the same pixels as the whole pattern', () => {
  const n = 50;
  const mask = { causal: true, slidingWindow: 7 };
  const pattern = new Float32Array(n * n);
  for (let row = 0; row < n; row++) for (let column = 0; column < n; column++) pattern[row * n + column] = ((row * 31 + column * 17) % 23) / 23;
  const layout = layoutHeatmap({ tokenCount: n, availableWidth: 16, devicePixelRatio: 1, labelWidth: 0 });
  const side = 16;
  const small = { ...layout, plotDevicePixels: side, plotSize: side, cellSize: side / n };
  const whole = new Uint8ClampedArray(side * side * 4);
  const pooled = new Uint8ClampedArray(side * side * 4);
  rasterizePattern(whole, pattern, small, mask, scale);
  rasterizePooled(pooled, pool(pattern, n, side, mask), side, scale);
  assert.deepEqual(pooled, whole);
});

test('pooled grid scales up and hatches masked cells', () => {
  // 2 x 2 cells on 4 x 4 pixels: cell (0, 1) masked, cell (1, 0) at full weight.
  const grid = { size: 2, data: Float32Array.of(0, 0, 1, 0), masked: Uint8Array.of(0, 1, 0, 0) };
  const pixels = new Uint8ClampedArray(4 * 4 * 4);
  rasterizePooled(pixels, grid, 4, scale);
  assert.deepEqual(pixel(pixels, 4, 0, 3), level(SCALE_LEVELS - 1));
  assert.deepEqual(pixel(pixels, 4, 1, 1), level(0));
  const line = scale.maskLine;
  const background = scale.maskBackground;
  const maskColours = new Set([[line.r, line.g, line.b, 255].join(), [background.r, background.g, background.b, 255].join()]);
  for (const [x, y] of [[2, 0], [3, 1]]) assert.ok(maskColours.has(pixel(pixels, 4, x, y).join()), `pixel (${x}, ${y})`);
  assert.throws(() => rasterizePooled(pixels, { ...grid, size: 3 }, 4, scale), /size 3 needs 9/);
});

test('blockOfToken inverts tokensOfBlock', () => {
  for (const [n, size] of [[10, 4], [8192, 1024], [8192, 1226], [33, 5], [7, 7]]) {
    const cells = Math.min(n, size);
    for (let block = 0; block < cells; block++) {
      const { start, end } = tokensOfBlock(block, n, cells);
      assert.ok(end > start, `block ${block} of ${n} tokens in ${cells} is empty`);
      assert.equal(blockOfToken(start, n, cells), block);
      assert.equal(blockOfToken(end - 1, n, cells), block);
    }
  }
});
