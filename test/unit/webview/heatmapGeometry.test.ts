import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandOf, cellAt, layoutHeatmap, MAX_CELL, MIN_LABEL_CELL, tokensUnderPixel } from '../../../webview/heatmapGeometry';

test('short sequence gets labels and whole-pixel cells', () => {
  const layout = layoutHeatmap({ tokenCount: 10, availableWidth: 600, devicePixelRatio: 2, labelWidth: 40 });
  assert.equal(layout.labelsShown, true);
  assert.equal(layout.marginLeft, 46);
  assert.equal(layout.cellSize, MAX_CELL);
  assert.equal(layout.plotDevicePixels % 10, 0);
  assert.equal(layout.plotSize, layout.plotDevicePixels / 2);
  assert.equal(layout.width, layout.marginLeft + layout.plotSize);
});

test('labels are dropped when cells get too small', () => {
  const layout = layoutHeatmap({ tokenCount: 300, availableWidth: 600, devicePixelRatio: 1, labelWidth: 40 });
  assert.equal(layout.labelsShown, false);
  assert.equal(layout.marginLeft, 0);
  assert.ok(layout.cellSize < MIN_LABEL_CELL);
  assert.equal(layout.plotDevicePixels, 600);
  assert.equal(layout.cellSize, 2);
});

test('more tokens than pixels share pixels', () => {
  const layout = layoutHeatmap({ tokenCount: 8192, availableWidth: 500, devicePixelRatio: 1.5, labelWidth: 96 });
  assert.equal(layout.plotDevicePixels, 750);
  assert.ok(layout.cellSize < 1);
  assert.deepEqual(tokensUnderPixel(layout, 0), { start: 0, end: 10 });
  assert.equal(tokensUnderPixel(layout, 749).end, 8192);
});

test('pixels cover every token exactly once', () => {
  for (const [n, width, ratio] of [
    [7, 300, 1],
    [1000, 333, 2],
    [8192, 640, 1.25],
  ]) {
    const layout = layoutHeatmap({ tokenCount: n, availableWidth: width, devicePixelRatio: ratio, labelWidth: 30 });
    let covered = 0;
    let previousEnd = 0;
    for (let pixel = 0; pixel < layout.plotDevicePixels; pixel++) {
      const range = tokensUnderPixel(layout, pixel);
      assert.ok(range.start <= previousEnd, `gap before pixel ${pixel} for n=${n}`);
      if (range.end > previousEnd) covered += range.end - Math.max(range.start, previousEnd);
      previousEnd = Math.max(previousEnd, range.end);
    }
    assert.equal(covered, n);
  }
});

test('cellAt maps points to query row and key column', () => {
  const layout = layoutHeatmap({ tokenCount: 10, availableWidth: 600, devicePixelRatio: 1, labelWidth: 40 });
  const x = layout.marginLeft + 3.5 * layout.cellSize;
  const y = layout.marginTop + 7.2 * layout.cellSize;
  assert.deepEqual(cellAt(layout, x, y), { row: 7, column: 3 });
  assert.equal(cellAt(layout, layout.marginLeft - 1, y), null);
  assert.equal(cellAt(layout, x, layout.marginTop + layout.plotSize), null);
});

test('bandOf and cellAt agree', () => {
  const layout = layoutHeatmap({ tokenCount: 37, availableWidth: 700, devicePixelRatio: 2, labelWidth: 20 });
  for (let index = 0; index < 37; index++) {
    const row = bandOf(layout, index, 'row');
    const column = bandOf(layout, index, 'column');
    assert.deepEqual(cellAt(layout, column.start + column.size / 2, row.start + row.size / 2), { row: index, column: index });
  }
});

test('layout survives zero and bad inputs', () => {
  const layout = layoutHeatmap({ tokenCount: 0, availableWidth: 10, devicePixelRatio: 0, labelWidth: 0 });
  assert.equal(layout.tokenCount, 1);
  assert.equal(layout.devicePixelRatio, 1);
  assert.ok(layout.plotDevicePixels >= 1);
});
