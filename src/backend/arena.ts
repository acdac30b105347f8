/**
 * First-fit allocator over a WebAssembly.Memory: JS owns the layout above the module's static data.
 * Blocks are 64-byte aligned (a cache line; v128 needs 16). Free blocks are kept sorted by address
 * and merged with their neighbours; the memory grows when no free block fits.
 */

export const ALIGN = 64;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; V8 allows 65536 pages. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;

interface FreeBlock {
  start: number;
  size: number;
}

export class Arena {
  private readonly free: FreeBlock[] = [];
  private readonly used = new Map<number, number>();
  private inUse = 0;
  private peak = 0;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const start = alignUp(Math.max(base, ALIGN));
    const end = memory.buffer.byteLength;
    if (end > start) this.free.push({ start, size: end - start });
  }

  /** Bytes currently allocated. */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** Most bytes ever allocated at once. */
  get peakBytes(): number {
    return this.peak;
  }

  /** Allocates `bytes` (rounded up to the alignment) and returns the block's byte offset. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    let index = this.free.findIndex((b) => b.size >= size);
    if (index < 0) index = this.grow(size);
    const block = this.free[index];
    const start = block.start;
    if (block.size === size) this.free.splice(index, 1);
    else {
      block.start += size;
      block.size -= size;
    }
    this.used.set(start, size);
    this.inUse += size;
    this.peak = Math.max(this.peak, this.inUse);
    return start;
  }

  /** Returns a block to the free list. */
  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`Arena.release: ${ptr} is not an allocated block`);
    this.used.delete(ptr);
    this.inUse -= size;
    this.insertFree(ptr, size);
  }

  private insertFree(start: number, size: number): number {
    let i = 0;
    while (i < this.free.length && this.free[i].start < start) i++;
    this.free.splice(i, 0, { start, size });
    const next = this.free[i + 1];
    if (next && start + size === next.start) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.start + prev.size === start) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
      return i - 1;
    }
    return i;
  }

  /** Grows the memory so a block of `size` fits at its end; returns that free block's index. */
  private grow(size: number): number {
    const oldBytes = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.start + last.size === oldBytes ? last.size : 0;
    const needed = size - tailFree;
    // grow geometrically (×1.5) so repeated small growths stay cheap
    const pages = Math.max(Math.ceil(needed / PAGE), Math.ceil((oldBytes * 0.5) / PAGE));
    const maxPages = MAX_MEMORY_BYTES / PAGE - oldBytes / PAGE;
    const minPages = Math.ceil(needed / PAGE);
    if (minPages > maxPages) {
      throw new RangeError(
        `Out of engine memory: a block of ${formatBytes(size)} is needed with ${formatBytes(this.inUse)} in use; the limit is ${formatBytes(MAX_MEMORY_BYTES)}`,
      );
    }
    try {
      this.memory.grow(Math.min(pages, maxPages));
    } catch {
      try {
        this.memory.grow(minPages);
      } catch (cause) {
        throw new RangeError(
          `Out of engine memory: cannot grow by ${formatBytes(minPages * PAGE)} (${formatBytes(this.inUse)} in use): ${(cause as Error).message}`,
        );
      }
    }
    const newBytes = this.memory.buffer.byteLength;
    return this.insertFree(oldBytes, newBytes - oldBytes);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** `1.5 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}
