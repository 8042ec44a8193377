/**
 * Devices for roofline time bounds: peak FLOP/s and memory bandwidth. Peak
 * figures are dense (no 2:4 structured sparsity); datasheets that quote a
 * sparse figure quote twice the dense one.
 */

import { CostInputError } from './errors';

export interface Device {
  readonly id: string;
  readonly name: string;
  /** Peak FLOP/s for fp32 arithmetic. */
  readonly peakFlopsF32: number;
  /** Peak FLOP/s for 16-bit (fp16/bf16) matrix arithmetic, dense. */
  readonly peakFlopsHalf: number;
  /** Memory bandwidth in bytes per second. */
  readonly memoryBandwidth: number;
  /** Source of the figures: a datasheet name or the measurement. */
  readonly source: string;
}

/**
 * This machine running the engine: 2 AMD EPYC (Zen 1) cores with AVX2 and FMA.
 * Compute is the engine's measured WebAssembly SIMD matmul speed on one thread,
 * about 19 GFLOP/s fp32 (30 to 39 on two workers). The engine computes in fp32
 * whatever the checkpoint dtype, so both peaks are the same. Bandwidth is a copy
 * of 256 MiB with TypedArray.prototype.set in Node 20, best of 5, 21.8 GB/s
 * counting reads and writes. Replace the compute figure with the speed of the
 * last analysis through `thisMachine()`.
 */
export const THIS_MACHINE: Device = {
  id: 'this-machine',
  name: 'This machine (engine, measured)',
  peakFlopsF32: 19e9,
  peakFlopsHalf: 19e9,
  memoryBandwidth: 21.8e9,
  source: 'Measured on this machine: WebAssembly SIMD matmul, 1 thread; 256 MiB copy in Node 20.',
};

/**
 * A laptop CPU: AMD Ryzen 7 7840U, 8 Zen 4 cores at 3.3 GHz base, LPDDR5x-7500 on a
 * 128-bit bus. Derived, not quoted: 8 cores x 32 fp32 FLOP/cycle (two 256-bit
 * FMA pipes) x 3.3 GHz = 845 GFLOP/s; 7500 MT/s x 16 bytes = 120 GB/s.
 * NOTE: AMD's product page lists cores, clocks and memory type but no FLOP/s;
 * sustained all-core clocks vary with the laptop's power limit.
 */
export const LAPTOP_CPU: Device = {
  id: 'laptop-cpu',
  name: 'Laptop CPU (Ryzen 7 7840U, 8 cores)',
  peakFlopsF32: 8 * 32 * 3.3e9,
  peakFlopsHalf: 8 * 32 * 3.3e9,
  memoryBandwidth: 7500e6 * 16,
  source: 'Derived from AMD Ryzen 7 7840U specifications: cores x FLOP/cycle x base clock; LPDDR5x-7500 x 128 bits.',
};

/** NVIDIA A100 Tensor Core GPU datasheet, 80GB SXM: fp32 19.5 TFLOPS; BF16/FP16 Tensor Core 312 TFLOPS dense (624 sparse); HBM2e 2,039 GB/s. */
export const A100_SXM_80GB: Device = {
  id: 'a100-sxm-80gb',
  name: 'NVIDIA A100 80GB SXM',
  peakFlopsF32: 19.5e12,
  peakFlopsHalf: 312e12,
  memoryBandwidth: 2039e9,
  source: 'NVIDIA A100 Tensor Core GPU datasheet (dense Tensor Core figures).',
};

/** NVIDIA H100 Tensor Core GPU datasheet, SXM: fp32 67 TFLOPS; BF16/FP16 Tensor Core 1,979 TFLOPS with sparsity, so 989.4 dense; HBM3 3.35 TB/s. */
export const H100_SXM: Device = {
  id: 'h100-sxm',
  name: 'NVIDIA H100 SXM',
  peakFlopsF32: 67e12,
  peakFlopsHalf: 989.4e12,
  memoryBandwidth: 3350e9,
  source: 'NVIDIA H100 Tensor Core GPU datasheet (half of the quoted sparse Tensor Core figure).',
};

/** NVIDIA L4 Tensor Core GPU datasheet: fp32 30.3 TFLOPS; BF16/FP16 Tensor Core 242 TFLOPS with sparsity, so 121 dense; GDDR6 300 GB/s. */
export const L4: Device = {
  id: 'l4',
  name: 'NVIDIA L4',
  peakFlopsF32: 30.3e12,
  peakFlopsHalf: 121e12,
  memoryBandwidth: 300e9,
  source: 'NVIDIA L4 Tensor Core GPU datasheet (half of the quoted sparse Tensor Core figure).',
};

/**
 * NVIDIA T4 Tensor Core GPU datasheet: fp32 8.1 TFLOPS; mixed-precision FP16/FP32 65 TFLOPS
 * (Turing has no structured sparsity, so this is dense); GDDR6 320 GB/s.
 * NOTE: Turing has no bf16 arithmetic; the 16-bit figure is fp16's.
 */
export const T4: Device = {
  id: 't4',
  name: 'NVIDIA T4',
  peakFlopsF32: 8.1e12,
  peakFlopsHalf: 65e12,
  memoryBandwidth: 320e9,
  source: 'NVIDIA T4 Tensor Core GPU datasheet.',
};

export const DEVICES: readonly Device[] = [THIS_MACHINE, LAPTOP_CPU, A100_SXM_80GB, H100_SXM, L4, T4];

/**
 * This machine with its compute figure replaced by a measured one, e.g. the FLOP/s of
 * the last analysis; a missing or invalid figure keeps the default. Bandwidth can be replaced too.
 */
export function thisMachine(measured: { flopsPerSecond?: number; bytesPerSecond?: number } = {}): Device {
  const flops = measured.flopsPerSecond;
  const bandwidth = measured.bytesPerSecond;
  const validFlops = flops !== undefined && Number.isFinite(flops) && flops > 0;
  const validBandwidth = bandwidth !== undefined && Number.isFinite(bandwidth) && bandwidth > 0;
  return {
    ...THIS_MACHINE,
    peakFlopsF32: validFlops ? flops : THIS_MACHINE.peakFlopsF32,
    peakFlopsHalf: validFlops ? flops : THIS_MACHINE.peakFlopsHalf,
    memoryBandwidth: validBandwidth ? bandwidth : THIS_MACHINE.memoryBandwidth,
    source: validFlops ? `${THIS_MACHINE.source} Compute replaced by the last analysis's measured speed.` : THIS_MACHINE.source,
  };
}

/** Looks a device up by id; throws CostInputError listing the known ids. */
export function deviceById(id: string): Device {
  const device = DEVICES.find((candidate) => candidate.id === id);
  if (device === undefined) {
    throw new CostInputError(`Unknown device "${id}". Known devices: ${DEVICES.map((d) => d.id).join(', ')}.`);
  }
  return device;
}
