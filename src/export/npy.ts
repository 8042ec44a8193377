/**
 * NumPy .npy writer, format version 1.0 (numpy.lib.format). A file is the
 * magic string "\x93NUMPY", version bytes 1 and 0, and a little-endian uint16
 * header length. The header follows: an ASCII Python dict literal with
 * 'descr', 'fortran_order' and 'shape', padded with spaces and ended by "\n"
 * so that the data starts at a multiple of 64 bytes (NumPy's ARRAY_ALIGN).
 * The data comes last, in C order.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE_BYTES = 10; // magic (6) + version (2) + header length (2)
const ALIGNMENT = 64;

/** Returns the header dict for little-endian float32 data of `shape`, before padding. */
export function npyHeaderDict(shape: readonly number[]): string {
  // Python writes a one-element tuple as "(n,)".
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
}

/** Encodes `data` (C order, row-major) as a float32 .npy file of `shape`. */
export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array {
  for (const dimension of shape) {
    if (!Number.isSafeInteger(dimension) || dimension < 0) {
      throw new RangeError(`encodeNpyFloat32: shape [${shape.join(', ')}] has an invalid dimension ${dimension}.`);
    }
  }
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (count !== data.length) {
    throw new RangeError(`encodeNpyFloat32: shape [${shape.join(', ')}] holds ${count} values but the data has ${data.length}.`);
  }

  const dict = npyHeaderDict(shape);
  const unpadded = PREAMBLE_BYTES + dict.length + 1; // + "\n"
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  const header = dict + ' '.repeat(padding) + '\n';
  if (header.length > 0xffff) {
    throw new RangeError(`encodeNpyFloat32: a header of ${header.length} bytes does not fit format version 1.0.`);
  }

  const bytes = new Uint8Array(PREAMBLE_BYTES + header.length + data.length * 4);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const dataStart = PREAMBLE_BYTES + header.length;
  // DataView writes little-endian whatever the platform's byte order.
  for (let i = 0; i < data.length; i++) view.setFloat32(dataStart + i * 4, data[i], true);
  return bytes;
}
