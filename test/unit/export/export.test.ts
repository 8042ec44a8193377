import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LABEL_THRESHOLDS, labelsOf, labelTable } from '../../../src/engine/headLabels';
import { METRIC_COUNT } from '../../../src/engine/metrics';
import { csvDocument, csvLine, parseCsv } from '../../../src/export/csv';
import { metricsCsv, metricsMarkdown } from '../../../src/export/metricsTable';
import { encodeNpyFloat32 } from '../../../src/export/npy';
import { float32ToString } from '../../../src/export/numbers';
import { patternCsv, patternFileName, patternJson, patternNpy, type PatternExport, type PatternJson } from '../../../src/export/pattern';
import { HEAD_METRIC_NAMES, TokenFlag, type HeadMetricsTable, type TokenTable } from '../../../src/protocol';

/** Reads a .npy file the way numpy.lib.format does for version 1.0, independently of the writer. */
function readNpy(bytes: Uint8Array): { descr: string; fortranOrder: boolean; shape: number[]; data: Float32Array; headerEnd: number } {
  assert.deepEqual([...bytes.subarray(0, 6)], [0x93, ...'NUMPY'].map((c) => (typeof c === 'number' ? c : c.charCodeAt(0))));
  assert.equal(bytes[6], 1, 'major version');
  assert.equal(bytes[7], 0, 'minor version');
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength));
  assert.ok(header.endsWith('\n'), 'the header ends with a newline');
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  assert.ok(descr !== undefined, `no descr in ${header}`);
  assert.ok(fortran !== undefined, `no fortran_order in ${header}`);
  assert.ok(shapeText !== undefined, `no shape in ${header}`);
  const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part.length > 0).map(Number);
  const headerEnd = 10 + headerLength;
  const view = new DataView(bytes.buffer, bytes.byteOffset + headerEnd);
  const data = new Float32Array((bytes.length - headerEnd) / 4);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  return { descr, fortranOrder: fortran === 'True', shape, data, headerEnd };
}

function tokens(labels: string[]): TokenTable {
  const count = labels.length;
  return {
    count,
    ids: Int32Array.from(labels, (_, i) => 100 + i),
    starts: Int32Array.from(labels, (_, i) => (i === 0 ? -1 : i * 2)),
    ends: Int32Array.from(labels, (_, i) => (i === 0 ? -1 : i * 2 + 2)),
    flags: Uint8Array.from(labels, (_, i) => (i === 0 ? TokenFlag.Special : 0)),
    labels,
  };
}

/** Tricky labels: a comma, quotes, a newline marker, a real newline, a space marker, and an empty label. */
const LABELS = ['<|endoftext|>', 'a,b', '"quoted"', '⏎', 'line\nbreak', '·the', '', '=SUM(A1)'];

function samplePattern(): PatternExport {
  const n = LABELS.length;
  const data = new Float32Array(n * n);
  for (let query = 0; query < n; query++) {
    let sum = 0;
    for (let key = 0; key <= query; key++) sum += (data[query * n + key] = Math.fround(1 / (key + 1) + 1e-7 * query));
    for (let key = 0; key <= query; key++) data[query * n + key] = Math.fround(data[query * n + key] / sum);
  }
  data[n * n - 1] = 1e-30; // a tiny weight must survive the text formats
  return { modelName: 'fixture', selection: { layer: 2, head: 3 }, tokens: tokens(LABELS), data };
}

describe('float32ToString', () => {
  it('reads back to the same float32', () => {
    for (const value of [0, 1, 0.1, 1 / 3, 1e-30, 3.4e38, 1.17549435e-38, 1.4e-45, 0.999999, 123456.789, -2.5]) {
      const exact = Math.fround(value);
      assert.equal(Math.fround(Number(float32ToString(exact))), exact, `${value}`);
    }
    assert.equal(float32ToString(Math.fround(0.1)), '0.1');
  });
});

describe('npy encoder', () => {
  it('writes a header numpy can read', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    const npy = readNpy(encodeNpyFloat32(data, [2, 3]));
    assert.equal(npy.descr, '<f4');
    assert.equal(npy.fortranOrder, false);
    assert.deepEqual(npy.shape, [2, 3]);
    assert.equal(npy.headerEnd % 64, 0, 'data starts on a 64-byte boundary');
    assert.deepEqual(npy.data, data);
  });

  it('writes one-dimensional and empty shapes', () => {
    const bytes = encodeNpyFloat32(Float32Array.of(7), [1]);
    assert.match(new TextDecoder('latin1').decode(bytes.subarray(10, 80)), /'shape': \(1,\)/);
    assert.deepEqual(readNpy(encodeNpyFloat32(new Float32Array(0), [0, 4])).shape, [0, 4]);
  });

  it('rejects a shape that does not match the data', () => {
    assert.throws(() => encodeNpyFloat32(new Float32Array(5), [2, 3]), /6 values/);
    assert.throws(() => encodeNpyFloat32(new Float32Array(0), [-1]), /invalid dimension/);
  });
});

describe('pattern exports', () => {
  const pattern = samplePattern();
  const n = LABELS.length;

  it('round-trips the pattern through .npy', () => {
    const npy = readNpy(patternNpy(pattern));
    assert.deepEqual(npy.shape, [n, n]);
    assert.deepEqual(npy.data, pattern.data);
  });

  it('round-trips weights and labels through CSV', () => {
    const rows = parseCsv(patternCsv(pattern));
    assert.equal(rows.length, n + 1);
    assert.deepEqual(rows[0], ['query', 'token', ...Array.from({ length: n }, (_, i) => String(i))]);
    for (let query = 0; query < n; query++) {
      const row = rows[query + 1];
      assert.equal(row.length, n + 2);
      assert.equal(Number(row[0]), query);
      assert.equal(row[1], LABELS[query]);
      const weights = Float32Array.from(row.slice(2), Number);
      assert.deepEqual(weights, pattern.data.subarray(query * n, (query + 1) * n));
    }
  });

  it('round-trips weights and tokens through JSON', () => {
    const document = JSON.parse(patternJson(pattern)) as PatternJson;
    assert.equal(document.format, 'attention-inspector-pattern');
    assert.equal(document.layer, 2);
    assert.equal(document.head, 3);
    assert.deepEqual(document.tokens.map((token) => token.label), LABELS);
    assert.equal(document.tokens[0].special, true);
    assert.equal(document.tokens[0].start, -1);
    assert.equal(document.tokens[1].id, 101);
    assert.deepEqual(Float32Array.from(document.weights.flat()), pattern.data);
  });

  it('rejects a pattern of the wrong size', () => {
    assert.throws(() => patternCsv({ ...pattern, data: new Float32Array(3) }), /need 64/);
  });

  it('names files by layer and head', () => {
    assert.equal(patternFileName({ layer: 3, head: 5 }, 'csv'), 'attention-L3-H5.csv');
    assert.equal(patternFileName({ layer: 0, head: 'mean' }, 'npy'), 'attention-L0-mean.npy');
  });
});

describe('metrics table exports', () => {
  const layers = 2;
  const heads = 3;
  const data = new Float32Array(layers * heads * METRIC_COUNT);
  data.forEach((_, index) => (data[index] = Math.fround(((index * 37) % 101) / 100)));
  data[4] = NaN; // an undefined figure
  const table: HeadMetricsTable = {
    analysisId: 1,
    layers,
    heads,
    tokenCount: 10,
    metrics: [...HEAD_METRIC_NAMES],
    data,
    labels: labelTable(data, heads, layers, DEFAULT_LABEL_THRESHOLDS),
    thresholds: DEFAULT_LABEL_THRESHOLDS,
    probe: null,
  };

  it('round-trips through CSV', () => {
    const rows = parseCsv(metricsCsv(table));
    assert.deepEqual(rows[0], ['layer', 'head', 'labels', ...HEAD_METRIC_NAMES]);
    assert.equal(rows.length, layers * heads + 1);
    for (let index = 0; index < layers * heads; index++) {
      const row = rows[index + 1];
      assert.equal(Number(row[0]), Math.floor(index / heads));
      assert.equal(Number(row[1]), index % heads);
      assert.equal(row[2], labelsOf(table.labels[index]).join(';'));
      const figures = Float32Array.from(row.slice(3), (field) => (field === '' ? NaN : Number(field)));
      assert.deepEqual(figures, data.subarray(index * METRIC_COUNT, (index + 1) * METRIC_COUNT));
    }
  });

  it('writes a Markdown table with one row per head', () => {
    const lines = metricsMarkdown(table).trimEnd().split('\n');
    assert.equal(lines.length, layers * heads + 2);
    const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
    assert.deepEqual(cells(lines[0]), ['layer', 'head', 'labels', ...HEAD_METRIC_NAMES]);
    assert.ok(cells(lines[1]).every((cell) => /^-+:?$/.test(cell)));
    const first = cells(lines[2]);
    assert.equal(first[3 + 4], '–', 'NaN is written as a dash');
    assert.equal(Number(first[3]), Number(data[0].toFixed(3)));
    for (const line of lines) assert.equal(cells(line).length, HEAD_METRIC_NAMES.length + 3, line);
  });
});

describe('csv helpers', () => {
  it('quotes only fields that need it', () => {
    assert.equal(csvLine(['a', 'b,c', 'd"e', 'f\r\ng']), 'a,"b,c","d""e","f\r\ng"');
    assert.deepEqual(parseCsv(csvDocument([csvLine(['a', 'b,c', 'd"e', 'f\r\ng', ''])])), [['a', 'b,c', 'd"e', 'f\r\ng', '']]);
  });
});
