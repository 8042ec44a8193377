import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createColorScale, DEFAULT_BACKGROUNDS, DEFAULT_FOREGROUNDS, SCALE_LEVELS } from '../../../webview/colorScale';
import { layoutGrid, MAX_CELL, MIN_CELL, slotAt, slotOrigin } from '../../../webview/heads/gridGeometry';
import { gridDeviceSize, rasterizeGrid, slotDeviceOrigin } from '../../../webview/heads/gridRaster';
import { formatMetric, metricRange, metricValue, normalizeInRange, sortHeads } from '../../../webview/heads/metricOrder';
import { HEAD_METRIC_NAMES, type HeadMetricsTable, type ThumbnailBlock } from '../../../src/protocol';

describe('layoutGrid', () => {
  it('puts layers in rows and heads in columns', () => {
    const layout = layoutGrid({ layers: 12, heads: 12, availableWidth: 1000, devicePixelRatio: 2 });
    assert.equal(layout.rows, 12);
    assert.equal(layout.columns, 12);
    assert.ok(layout.cellSize >= MIN_CELL, `cell ${layout.cellSize}`);
    assert.ok(layout.cellSize <= MAX_CELL, `cell ${layout.cellSize}`);
    assert.equal(layout.cellDevicePixels, layout.cellSize * 2);
    assert.ok(layout.width <= 1000, `width ${layout.width}`);
  });

  it('keeps a minimum cell size in a narrow panel', () => {
    const layout = layoutGrid({ layers: 2, heads: 32, availableWidth: 200, devicePixelRatio: 1 });
    assert.equal(layout.cellSize, MIN_CELL);
  });

  it('rejects an empty model', () => {
    assert.throws(() => layoutGrid({ layers: 0, heads: 4, availableWidth: 500, devicePixelRatio: 1 }), /positive integers/);
  });

  it('finds the slot under every thumbnail and none in gaps', () => {
    const layout = layoutGrid({ layers: 3, heads: 5, availableWidth: 600, devicePixelRatio: 1 });
    for (let slot = 0; slot < 15; slot++) {
      const { x, y } = slotOrigin(layout, slot);
      assert.equal(slotAt(layout, x, y), slot, `top-left of slot ${slot}`);
      assert.equal(slotAt(layout, x + layout.cellSize - 0.5, y + layout.cellSize + layout.captionHeight), slot, `caption of slot ${slot}`);
      assert.equal(slotAt(layout, x + layout.cellSize + layout.frame + 1, y), -1, `gap right of slot ${slot}`);
    }
    assert.equal(slotAt(layout, 2, 2), -1, 'margin');
    assert.equal(slotAt(layout, layout.width + 5, 40), -1, 'right of the grid');
    assert.equal(slotAt(layout, 40, layout.height + 5), -1, 'below the grid');
  });
});

function table(values: number[][]): HeadMetricsTable {
  // values[head index] = figures in HEAD_METRIC_NAMES order (missing ones NaN).
  const width = HEAD_METRIC_NAMES.length;
  const data = new Float32Array(values.length * width).fill(NaN);
  values.forEach((row, index) => row.forEach((value, column) => (data[index * width + column] = value)));
  return {
    analysisId: 1, layers: 1, heads: values.length, tokenCount: 8, metrics: [...HEAD_METRIC_NAMES], data,
    labels: new Uint8Array(values.length), thresholds: { previousToken: 0.5, induction: 0.3, duplicateToken: 0.3, sink: 0.5, local: 0.2, broad: 0.85 },
    probe: null,
  };
}

describe('sortHeads', () => {
  it('keeps the natural order without a metric', () => {
    assert.deepEqual([...sortHeads(4, null, 'descending')], [0, 1, 2, 3]);
  });

  it('sorts by value, NaN last, ties in natural order', () => {
    const values = [0.2, NaN, 0.9, 0.2, 0.5];
    assert.deepEqual([...sortHeads(5, (i) => values[i], 'descending')], [2, 4, 0, 3, 1]);
    assert.deepEqual([...sortHeads(5, (i) => values[i], 'ascending')], [0, 3, 4, 2, 1]);
  });

  it('reads values from a metrics table', () => {
    const metrics = table([[0.1, 0.7], [0.3, 0.2], [0.2, 0.9]]);
    assert.equal(metricValue(metrics, 1, 'previousToken'), Math.fround(0.2));
    assert.deepEqual([...sortHeads(3, (i) => metricValue(metrics, i, 'previousToken'), 'descending')], [2, 0, 1]);
    assert.deepEqual(metricRange(metrics, 'entropy'), { min: Math.fround(0.1), max: Math.fround(0.3) });
    assert.equal(metricRange(metrics, 'sink'), null, 'no head has a sink value');
  });
});

describe('metric display', () => {
  it('normalises in a range and formats', () => {
    assert.equal(normalizeInRange(5, { min: 0, max: 10 }), 0.5);
    assert.equal(normalizeInRange(5, { min: 5, max: 5 }), 1);
    assert.ok(Number.isNaN(normalizeInRange(NaN, { min: 0, max: 1 })));
    assert.equal(formatMetric('entropy', 0.12345), '0.123');
    assert.equal(formatMetric('distance', 12.345), '12.3');
    assert.equal(formatMetric('sink', NaN), '–');
  });
});

describe('rasterizeGrid', () => {
  const scale = createColorScale('dark', DEFAULT_BACKGROUNDS.dark, DEFAULT_FOREGROUNDS.dark);
  const layout = layoutGrid({ layers: 2, heads: 3, availableWidth: 400, devicePixelRatio: 1 });
  const size = 4;
  // Head index h has all its weight in thumbnail cell (h mod 4) on the diagonal.
  const data = new Float32Array(6 * size * size);
  for (let index = 0; index < 6; index++) data[index * size * size + (index % size) * (size + 1)] = 0.25;
  const thumbnails: ThumbnailBlock = { layers: 2, heads: 3, size, data };

  function paint(order: Int32Array, frame: number | null) {
    const { width, height } = gridDeviceSize(layout);
    const pixels = new Uint8ClampedArray(width * height * 4);
    rasterizeGrid(pixels, { layout, thumbnails, order, scale, frameColor: (index) => (index === frame ? { r: 1, g: 2, b: 3 } : null) });
    const at = (x: number, y: number) => [...pixels.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)];
    return { at };
  }

  const accent = [...scale.opaque.subarray((SCALE_LEVELS - 1) * 4, (SCALE_LEVELS - 1) * 4 + 3)];
  const background = [scale.background.r, scale.background.g, scale.background.b];
  const cellPixel = (slot: number, cell: number) => {
    const origin = slotDeviceOrigin(layout, slot);
    const step = layout.cellDevicePixels / size;
    return [origin.x + Math.floor(cell * step + step / 2), origin.y + Math.floor(cell * step + step / 2)] as const;
  };

  it('draws each head in its slot, scaled to its own maximum', () => {
    const { at } = paint(Int32Array.from([0, 1, 2, 3, 4, 5]), null);
    for (let slot = 0; slot < 6; slot++) {
      assert.deepEqual(at(...cellPixel(slot, slot % size)), accent, `slot ${slot} strong cell`);
      assert.deepEqual(at(...cellPixel(slot, (slot + 1) % size)), background, `slot ${slot} empty cell`);
    }
  });

  it('follows the sort order and draws frames', () => {
    const { at } = paint(Int32Array.from([5, 4, 3, 2, 1, 0]), 5);
    assert.deepEqual(at(...cellPixel(0, 5 % size)), accent, 'head 5 is drawn in slot 0');
    const origin = slotDeviceOrigin(layout, 0);
    assert.deepEqual(at(origin.x - 1, origin.y - 1), [1, 2, 3], 'frame of head 5');
    const other = slotDeviceOrigin(layout, 1);
    assert.deepEqual(at(other.x - 1, other.y - 1), background, 'no frame on head 4');
  });

  it('rejects thumbnails of another model', () => {
    const { width, height } = gridDeviceSize(layout);
    assert.throws(
      () => rasterizeGrid(new Uint8ClampedArray(width * height * 4), {
        layout, thumbnails: { ...thumbnails, heads: 2 }, order: new Int32Array(6), scale, frameColor: () => null,
      }),
      /2 heads|2 x 2|thumbnails of 2 x 2/,
    );
  });
});
