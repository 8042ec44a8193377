import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { attentionCrossoverLength, CostInputError, DEFAULT_TILE, MODEL_PRESETS, sequenceLengths, sweep } from '../../../src/cost/index';

describe('sequenceLengths', () => {
  it('powers of two to a power of two', () => {
    assert.deepEqual(sequenceLengths(1024), [16, 32, 64, 128, 256, 512, 1024]);
  });

  it('ends at a maximum that is not a power of two', () => {
    assert.deepEqual(sequenceLengths(100), [16, 32, 64, 100]);
  });

  it('several points per octave', () => {
    const lengths = sequenceLengths(64, 16, 4);
    assert.deepEqual(lengths, [16, 19, 23, 27, 32, 38, 45, 54, 64]);
  });

  it('a single length', () => {
    assert.deepEqual(sequenceLengths(16), [16]);
  });

  it('rejects max below min', () => {
    assert.throws(() => sequenceLengths(8), CostInputError);
    assert.throws(() => sequenceLengths(64, 16, 0), CostInputError);
  });
});

describe('sweeps from 16 to max positions', () => {
  for (const preset of MODEL_PRESETS) {
    it(preset.config.name, () => {
      const points = sweep(preset.config, { dtype: 'BF16', pointsPerOctave: 2 });
      assert.equal(points[0]!.sequenceLength, 16);
      assert.equal(points[points.length - 1]!.sequenceLength, preset.config.maxPositions);

      const crossover = attentionCrossoverLength(preset.config);
      for (let i = 0; i < points.length; i++) {
        const point = points[i]!;
        for (const [name, value] of Object.entries(point)) {
          assert.ok(Number.isFinite(value), `${name} at n = ${point.sequenceLength} is ${value}`);
          assert.ok(value > 0, `${name} at n = ${point.sequenceLength} is ${value}`);
        }
        assert.equal(point.attentionFlops > point.linearFlops, point.sequenceLength > crossover,
          `attention against linear FLOPs at n = ${point.sequenceLength}, crossover ${crossover}`);
        if (i === 0) continue;
        const previous = points[i - 1]!;
        const growth = point.sequenceLength / previous.sequenceLength;
        assert.ok(point.sequenceLength > previous.sequenceLength);
        assert.ok(Math.abs(point.eagerMemory / previous.eagerMemory - growth ** 2) < 1e-9, 'eager memory grows as n^2');
        assert.ok(Math.abs(point.linearFlops / previous.linearFlops - growth) < 1e-9, 'projections grow as n');
        assert.ok(point.kvCache >= previous.kvCache, 'the KV cache never shrinks');
        assert.ok(point.kvCache / previous.kvCache <= growth + 1e-9, 'the KV cache grows at most as n');
        assert.ok(point.tiledMemory > previous.tiledMemory);
        if (previous.sequenceLength >= DEFAULT_TILE.rows) {
          // Once the tile is full size only the row statistics grow, linearly.
          assert.ok(point.tiledMemory / previous.tiledMemory <= growth + 1e-9, 'tiled memory grows at most as n');
        }
        assert.equal(point.weights, previous.weights);
      }
    });
  }

  it('a model shorter than 16 positions', () => {
    const config = { ...MODEL_PRESETS[0]!.config, maxPositions: 8 };
    assert.deepEqual(sweep(config).map((point) => point.sequenceLength), [8]);
  });
});
