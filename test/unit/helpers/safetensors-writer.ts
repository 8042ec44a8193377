/**
 * A minimal safetensors writer for tests: builds a valid file from tensors, or
 * a file from a raw header object so tests can describe broken headers.
 */

export type TestDtype = 'F32' | 'F16' | 'BF16' | 'I64';

export interface TestTensor {
  readonly name: string;
  readonly dtype: TestDtype;
  readonly shape: readonly number[];
  /** Values to encode; ignored when `raw` is given. */
  readonly values?: readonly number[];
  /** Bytes to store as they are. */
  readonly raw?: Uint8Array;
}

/** Encodes a file whose tensors are laid out one after another in the order given. */
export function writeSafetensors(tensors: readonly TestTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const bytes = tensor.raw ?? encodeValues(tensor.dtype, tensor.values ?? []);
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  return assemble(header, concat(chunks));
}

/** Encodes `header` as JSON, padded with spaces to a multiple of 8 bytes as the reference writer does, then the data. */
export function assemble(header: unknown, data: Uint8Array, padTo = 8): Uint8Array {
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % padTo !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

export function encodeValues(dtype: TestDtype, values: readonly number[]): Uint8Array {
  switch (dtype) {
    case 'F32':
      return new Uint8Array(new Float32Array(values).buffer);
    case 'F16':
      return new Uint8Array(Uint16Array.from(values, float32ToHalfBits).buffer);
    case 'BF16':
      return new Uint8Array(Uint16Array.from(values, float32ToBfloat16Bits).buffer);
    case 'I64':
      return new Uint8Array(BigInt64Array.from(values, (value) => BigInt(value)).buffer);
  }
}

/** Upper 16 bits of the float32 pattern (truncation); tests pick values that are exact in bfloat16. */
export function float32ToBfloat16Bits(value: number): number {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  return bits >>> 16;
}

/**
 * Returns the binary16 bits of a value that binary16 represents exactly
 * (normal, subnormal, zero, infinity or NaN). Throws for any other value, so a
 * test cannot pass on a rounded input.
 */
export function float32ToHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude === 0) return sign;
  if (magnitude < 2 ** -14) {
    const mantissa = magnitude / 2 ** -24;
    if (!Number.isInteger(mantissa)) throw new Error(`${value} is not exact in binary16`);
    return sign | mantissa;
  }
  const exponent = Math.floor(Math.log2(magnitude));
  const mantissa = (magnitude / 2 ** exponent - 1) * 1024;
  if (!Number.isInteger(mantissa) || mantissa < 0 || mantissa >= 1024 || exponent > 15) throw new Error(`${value} is not exact in binary16`);
  return sign | ((exponent + 15) << 10) | mantissa;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
