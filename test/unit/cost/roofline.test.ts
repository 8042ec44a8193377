import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CostInputError, decodeStepBound, deviceById, DEVICES, estimateCost, forwardTimeBounds, H100_SXM, presetById, rooflineBound,
  THIS_MACHINE, thisMachine,
} from '../../../src/cost/index';

describe('roofline bound', () => {
  it('takes the slower of compute and memory', () => {
    // 1 TFLOP at 989.4 TFLOP/s against 1 GB at 3.35 TB/s.
    const bound = rooflineBound(1e12, 1e9, H100_SXM, 'BF16');
    assert.equal(bound.computeSeconds, 1e12 / 989.4e12);
    assert.equal(bound.memorySeconds, 1e9 / 3350e9);
    assert.equal(bound.seconds, bound.computeSeconds);
    assert.equal(bound.limitedBy, 'compute');
    assert.equal(bound.ridgePoint, 989.4e12 / 3350e9);
  });

  it('fp32 uses the fp32 peak', () => {
    assert.equal(rooflineBound(67e12, 1, H100_SXM, 'F32').computeSeconds, 1);
  });

  it('decoding Llama 3.1 8B is memory-bound on an H100', () => {
    const bound = decodeStepBound(presetById('llama-3.1-8b').config, 4096, 1, 'BF16', H100_SXM);
    assert.equal(bound.limitedBy, 'memory');
    // Every bf16 weight (16.06 GB) plus a 512 MiB cache, read once: about 5 ms at 3.35 TB/s.
    assert.equal(bound.bytes, 8_030_261_248 * 2 + 512 * 1024 ** 2);
    assert.ok(bound.seconds > 0.004, `${bound.seconds} s`);
    assert.ok(bound.seconds < 0.006, `${bound.seconds} s`);
    assert.ok(bound.arithmeticIntensity < 2);
  });

  it('a long prefill is compute-bound on an H100', () => {
    const bounds = forwardTimeBounds(presetById('llama-3.1-8b').config, 8192, 1, 'BF16', H100_SXM);
    assert.equal(bounds.tiled.limitedBy, 'compute');
    assert.ok(bounds.eager.bytes > bounds.tiled.bytes);
    assert.ok(bounds.eager.flops > bounds.tiled.flops, 'the tiled kernel skips masked tiles');
  });

  it('GPT-2 small on this machine', () => {
    // About 35 GFLOP for 128 tokens, which at 19 GFLOP/s is compute-bound.
    const estimate = estimateCost(presetById('gpt2').config, 128, { device: THIS_MACHINE });
    assert.ok(estimate.flops.total > 3e10, `${estimate.flops.total} FLOPs`);
    assert.ok(estimate.flops.total < 4e10, `${estimate.flops.total} FLOPs`);
    assert.equal(estimate.time.eager.limitedBy, 'compute');
  });
});

describe('devices', () => {
  it('every preset has a source and positive figures', () => {
    for (const device of DEVICES) {
      assert.ok(device.source.length > 10, device.id);
      assert.ok(device.peakFlopsF32 > 0, device.id);
      assert.ok(device.peakFlopsHalf >= device.peakFlopsF32, device.id);
      assert.ok(device.memoryBandwidth > 0, device.id);
    }
  });

  it('this machine takes a measured speed', () => {
    assert.equal(thisMachine({ flopsPerSecond: 35e9 }).peakFlopsF32, 35e9);
    assert.equal(thisMachine({ flopsPerSecond: 35e9 }).peakFlopsHalf, 35e9);
    assert.equal(thisMachine({ flopsPerSecond: Number.NaN }).peakFlopsF32, THIS_MACHINE.peakFlopsF32);
    assert.equal(thisMachine({ flopsPerSecond: -1 }).peakFlopsF32, THIS_MACHINE.peakFlopsF32);
    assert.equal(thisMachine({ bytesPerSecond: 10e9 }).memoryBandwidth, 10e9);
  });

  it('rejects an unknown device', () => {
    assert.throws(() => deviceById('tpu-v5'), CostInputError);
    assert.equal(deviceById('a100-sxm-80gb').memoryBandwidth, 2039e9);
  });
});
