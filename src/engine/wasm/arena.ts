/**
 * A first-fit allocator over one shared WebAssembly memory, kept on the TypeScript side so the
 * kernels need no runtime. Blocks are 16-byte aligned (one f32x4) and freed blocks merge with free
 * neighbours. The memory grows on demand and never shrinks; growing a shared memory keeps existing
 * views valid, which is why the WebAssembly path requires shared memory.
 */
import { EngineError } from '../errors';

const ALIGNMENT = 16;
/** WebAssembly page size in bytes. */
const PAGE = 65536;
/**
 * Bytes below this offset are never handed out: 0 stands for "no buffer" in kernel arguments, and
 * the kernels have no static data, so the first 1 KiB is simply unused.
 */
const FIRST_OFFSET = 1024;

interface FreeBlock {
  offset: number;
  size: number;
}

export class WasmArena {
  /** Free blocks sorted by offset, not touching each other. */
  private readonly freeBlocks: FreeBlock[] = [];
  /** Byte size of each live block, by offset. */
  private readonly liveBlocks = new Map<number, number>();
  /** End of the highest block ever handed out. */
  private top = FIRST_OFFSET;
  /**
   * Every SharedArrayBuffer object this arena made views from: each grow returns a new object over
   * the same memory, so identity with the current `memory.buffer` is not enough.
   */
  private readonly buffers = new WeakSet<SharedArrayBuffer>();

  constructor(readonly memory: WebAssembly.Memory) {}

  /** Bytes currently handed out. */
  get liveBytes(): number {
    let total = 0;
    for (const size of this.liveBlocks.values()) total += size;
    return total;
  }

  /** Returns a zeroed, 16-byte aligned view of `length` floats. */
  allocate(length: number): Float32Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`WasmArena.allocate: length ${length} is invalid; use a non-negative integer.`);
    }
    const size = Math.max(ALIGNMENT, Math.ceil((length * 4) / ALIGNMENT) * ALIGNMENT);
    const offset = this.takeFree(size) ?? this.extend(size);
    this.liveBlocks.set(offset, size);
    const buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, offset, length);
    view.fill(0);
    return view;
  }

  /** Returns a view from `allocate` to the free list. */
  free(view: Float32Array): void {
    const size = this.liveBlocks.get(view.byteOffset);
    if (size === undefined) {
      throw new EngineError(`WasmArena.free: no live block starts at byte ${view.byteOffset}; the buffer was freed already or not allocated here.`);
    }
    this.liveBlocks.delete(view.byteOffset);
    this.insertFree({ offset: view.byteOffset, size });
  }

  /** True when `view` lies in this arena's memory. */
  owns(view: Float32Array): boolean {
    return view.buffer instanceof SharedArrayBuffer
      && view.byteOffset >= FIRST_OFFSET
      && view.byteOffset + view.byteLength <= this.memory.buffer.byteLength
      && this.buffers.has(view.buffer);
  }

  private takeFree(size: number): number | undefined {
    const index = this.freeBlocks.findIndex((block) => block.size >= size);
    if (index < 0) return undefined;
    const block = this.freeBlocks[index];
    const offset = block.offset;
    if (block.size === size) {
      this.freeBlocks.splice(index, 1);
    } else {
      block.offset += size;
      block.size -= size;
    }
    return offset;
  }

  private extend(size: number): number {
    const offset = this.top;
    const end = offset + size;
    const available = this.memory.buffer.byteLength;
    if (end > available) {
      const pages = Math.ceil((end - available) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (error) {
        const mib = Math.round(end / 2 ** 20);
        throw new EngineError(
          `The WebAssembly kernels need ${mib} MiB of memory and growing it failed ` +
            `(${error instanceof Error ? error.message : String(error)}). Analyse fewer tokens or use a smaller model.`,
        );
      }
    }
    this.top = end;
    return offset;
  }

  private insertFree(block: FreeBlock): void {
    let index = this.freeBlocks.findIndex((other) => other.offset > block.offset);
    if (index < 0) index = this.freeBlocks.length;
    this.freeBlocks.splice(index, 0, block);
    // Merge with the next block, then with the previous one.
    const next = this.freeBlocks[index + 1];
    if (next !== undefined && block.offset + block.size === next.offset) {
      block.size += next.size;
      this.freeBlocks.splice(index + 1, 1);
    }
    const previous = this.freeBlocks[index - 1];
    if (previous !== undefined && previous.offset + previous.size === block.offset) {
      previous.size += block.size;
      this.freeBlocks.splice(index, 1);
    }
    // A free block at the top goes back to the unallocated space.
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    if (last !== undefined && last.offset + last.size === this.top) {
      this.top = last.offset;
      this.freeBlocks.pop();
    }
  }
}
