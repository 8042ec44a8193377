/**
 * Reader for one safetensors file held in memory.
 *
 * Layout (format description: https://github.com/huggingface/safetensors, README "Format"):
 *   [8 bytes]  N, the header length, unsigned 64-bit little-endian
 *   [N bytes]  UTF-8 JSON object: tensor name -> { dtype, shape, data_offsets: [begin, end] },
 *              plus an optional "__metadata__" object of string values
 *   [rest]     the data section; data_offsets are relative to its first byte
 *
 * The header comes from a file the user chose, so it is validated in full
 * before any offset is used: every failure is a SafetensorsError naming the
 * file and, where one is involved, the tensor.
 */
import { SafetensorsError } from './errors';

/**
 * Headers larger than this are rejected before decoding. Real headers are a few
 * hundred bytes per tensor, so 100 MB covers checkpoints with far more tensors
 * than any supported model while keeping a corrupt length from allocating gigabytes.
 */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
};

/** The dtypes that can be read as float32 weights. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/** One validated header entry. Offsets are absolute positions in the file's bytes. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly elementCount: number;
  readonly begin: number;
  readonly end: number;
}

/** A parsed safetensors file. The entries are validated; the bytes are not copied. */
export class SafetensorsFile {
  private constructor(
    readonly fileName: string,
    private readonly bytes: Uint8Array,
    private readonly entries: ReadonlyMap<string, TensorEntry>,
    /** The `__metadata__` string values, or an empty object when the header has none. */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /** Parses and validates the header of `bytes`, the whole content of `fileName`. */
  static parse(bytes: Uint8Array, fileName: string): SafetensorsFile {
    const fail = (message: string, tensor?: string) => new SafetensorsError(fileName, message, tensor);

    if (bytes.length < 8) {
      throw fail(`the file is ${bytes.length} bytes long, shorter than the 8-byte header length; it is truncated or not a safetensors file.`);
    }
    const header = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const lengthLow = header.getUint32(0, true);
    const lengthHigh = header.getUint32(4, true);
    if (lengthHigh !== 0 || lengthLow > MAX_HEADER_BYTES) {
      const length = lengthHigh * 2 ** 32 + lengthLow;
      throw fail(`the header length ${length} exceeds the limit of ${MAX_HEADER_BYTES} bytes; the file is corrupt or not a safetensors file.`);
    }
    const headerLength = lengthLow;
    if (8 + headerLength > bytes.length) {
      throw fail(`the header length ${headerLength} is larger than the ${bytes.length - 8} bytes after the length field; the file is truncated.`);
    }

    const json = parseHeaderJson(bytes.subarray(8, 8 + headerLength), fail);
    const dataStart = 8 + headerLength;
    const dataLength = bytes.length - dataStart;

    let metadata: Record<string, string> = {};
    const entries = new Map<string, TensorEntry>();
    for (const name of Object.keys(json)) {
      const value = json[name];
      if (name === '__metadata__') {
        metadata = parseMetadata(value, fail);
        continue;
      }
      const entry = parseEntry(name, value, dataLength, fail);
      entries.set(name, { ...entry, begin: dataStart + entry.begin, end: dataStart + entry.end });
    }

    checkNoOverlap([...entries.values()], fail);
    return new SafetensorsFile(fileName, bytes, entries, metadata);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  entry(name: string): TensorEntry | undefined {
    return this.entries.get(name);
  }

  /**
   * Reads a tensor as float32. F32 data is returned as a view into the file's
   * bytes when its offset is 4-byte aligned and the platform is little-endian,
   * so callers must treat the result as read-only. F16 and BF16 are converted
   * into a new array.
   */
  readFloat32(name: string): Float32Array {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new SafetensorsError(this.fileName, 'the tensor is not in this file.', name);
    }
    const raw = this.bytes.subarray(entry.begin, entry.end);
    switch (entry.dtype) {
      case 'F32':
        return readF32(raw, entry.elementCount);
      case 'F16':
        return convertF16(raw, entry.elementCount);
      case 'BF16':
        return convertBF16(raw, entry.elementCount);
      default:
        throw new SafetensorsError(
          this.fileName,
          `dtype ${entry.dtype} cannot be read as weights; only F32, F16 and BF16 are supported. Convert the checkpoint to one of them.`,
          name,
        );
    }
  }
}

type Fail = (message: string, tensor?: string) => SafetensorsError;

function parseHeaderJson(headerBytes: Uint8Array, fail: Fail): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch (error) {
    throw fail(`the header is not valid UTF-8 (${describe(error)}); the file is corrupt.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail(`the header is not valid JSON (${describe(error)}); the file is corrupt.`);
  }
  if (!isPlainObject(json)) {
    throw fail('the header is not a JSON object; the file is corrupt or not a safetensors file.');
  }
  return json;
}

function parseMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (!isPlainObject(value)) {
    throw fail('"__metadata__" in the header is not a JSON object.');
  }
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item !== 'string') {
      throw fail(`"__metadata__.${key}" is not a string.`);
    }
    metadata[key] = item;
  }
  return metadata;
}

/** Validates one header entry; its offsets stay relative to the data section. */
function parseEntry(name: string, value: unknown, dataLength: number, fail: Fail): TensorEntry {
  if (!isPlainObject(value)) {
    throw fail('the header entry is not a JSON object.', name);
  }
  const { dtype, shape, data_offsets: offsets } = value;

  if (typeof dtype !== 'string') {
    throw fail('"dtype" is missing or not a string.', name);
  }
  const elementBytes = DTYPE_BYTES[dtype];
  if (!Object.hasOwn(DTYPE_BYTES, dtype) || elementBytes === undefined) {
    throw fail(`unknown dtype "${dtype}"; the safetensors format defines ${Object.keys(DTYPE_BYTES).join(', ')}.`, name);
  }

  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw fail(`"shape" must be an array of non-negative integers, got ${truncatedJson(shape)}.`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw fail(`"data_offsets" must be two non-negative integers [begin, end], got ${truncatedJson(offsets)}.`, name);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) {
    throw fail(`"data_offsets" begin ${begin} is after end ${end}.`, name);
  }
  if (end > dataLength) {
    throw fail(`"data_offsets" [${begin}, ${end}] reach past the ${dataLength}-byte data section; the file is truncated or the header is corrupt.`, name);
  }

  // The byte range is already bounded by the file, so stop multiplying as soon
  // as the product exceeds it: that keeps the arithmetic exact. A zero dimension
  // makes the tensor empty whatever the other dimensions are.
  const dims = shape as number[];
  let elementCount = dims.includes(0) ? 0 : 1;
  for (const dim of dims) {
    if (elementCount === 0 || elementCount * elementBytes > dataLength) break;
    elementCount *= dim;
  }
  const byteLength = elementCount * elementBytes;
  if (byteLength !== end - begin) {
    throw fail(
      `shape [${dims.join(', ')}] of ${dtype} needs ${byteLength} bytes, but "data_offsets" [${begin}, ${end}] span ${end - begin}.`,
      name,
    );
  }
  return { name, dtype, shape: dims, elementCount, begin, end };
}

function checkNoOverlap(entries: TensorEntry[], fail: Fail): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (current.begin < previous.end) {
      throw fail(`its bytes overlap those of tensor "${previous.name}"; the header is corrupt.`, current.name);
    }
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function readF32(raw: Uint8Array, count: number): Float32Array {
  if (littleEndian && raw.byteOffset % 4 === 0) {
    return new Float32Array(raw.buffer, raw.byteOffset, count);
  }
  if (littleEndian) {
    // Float32Array views need a 4-byte aligned offset, so copy to a fresh buffer.
    return new Float32Array(raw.slice().buffer, 0, count);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** Reads little-endian 16-bit words, through a view when alignment and byte order allow. */
function readUint16(raw: Uint8Array, count: number): Uint16Array {
  if (littleEndian && raw.byteOffset % 2 === 0) {
    return new Uint16Array(raw.buffer, raw.byteOffset, count);
  }
  const words = new Uint16Array(count);
  for (let i = 0; i < count; i++) words[i] = raw[2 * i] | (raw[2 * i + 1] << 8);
  return words;
}

let f16Table: Float32Array | undefined;

/**
 * Value of every IEEE 754 binary16 bit pattern: 1 sign bit, 5 exponent bits
 * (bias 15), 10 mantissa bits. Exponent 0 is zero or subnormal (m * 2^-24);
 * exponent 31 is infinity (m = 0) or NaN. Every value is exact in float32.
 */
function halfTable(): Float32Array {
  if (f16Table !== undefined) return f16Table;
  const table = new Float32Array(65536); // [bit pattern] -> value
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    let magnitude: number;
    if (exponent === 0) magnitude = mantissa * 2 ** -24;
    else if (exponent === 31) magnitude = mantissa === 0 ? Infinity : NaN;
    else magnitude = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[bits] = sign * magnitude;
  }
  f16Table = table;
  return table;
}

function convertF16(raw: Uint8Array, count: number): Float32Array {
  const words = readUint16(raw, count);
  const table = halfTable();
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = table[words[i]];
  return out;
}

/** bfloat16 is the upper half of a float32, so shifting the bits back is exact for every value. */
function convertBF16(raw: Uint8Array, count: number): Float32Array {
  const words = readUint16(raw, count);
  const out = new Float32Array(count);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) outBits[i] = words[i] << 16;
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function truncatedJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
