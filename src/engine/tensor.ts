/**
 * A dense float32 tensor in row-major order: the last dimension is contiguous.
 * `data.length` always equals the product of `shape`.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Product of a shape's dimensions; 1 for a scalar (empty shape). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

export function shapeToString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
