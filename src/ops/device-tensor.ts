/**
 * Tensors in engine memory during a step, and the scratch region that owns them: everything a step
 * allocates is released together when the step ends.
 */
import type { Device } from '../backend/engine.js';
import type { HostArray } from '../dtype.js';
import { sizeOf } from '../shape.js';

/** Data at a byte offset of engine memory, row-major: float32 values, or int32 (bool as 0/1 int32). */
export interface DeviceTensor {
  readonly ptr: number;
  readonly shape: readonly number[];
  readonly size: number;
  /** Absent for float32. */
  readonly dtype?: 'int32';
}

/** A view of the same data under another shape of equal size. */
export function reshape(t: DeviceTensor, shape: readonly number[]): DeviceTensor {
  return { ...t, shape };
}

/** Per-step allocations, released at once. */
export class Scratch {
  private readonly blocks: number[] = [];

  constructor(readonly engine: Device) {}

  /** A float32 tensor of `shape` (or int32 with `dtype`), contents undefined. */
  alloc(shape: readonly number[], dtype?: 'int32'): DeviceTensor {
    const size = sizeOf(shape);
    const ptr = this.engine.allocF32(size);
    this.blocks.push(ptr);
    return dtype ? { ptr, shape, size, dtype } : { ptr, shape, size };
  }

  /** A tensor of `shape` filled with zeros. */
  zeros(shape: readonly number[]): DeviceTensor {
    const t = this.alloc(shape);
    this.engine.zero(t.ptr, t.size);
    return t;
  }

  /** A tensor holding a copy of `data` (float32 unless `data` is an int32 or bool array). */
  from(data: HostArray | ArrayLike<number>, shape: readonly number[]): DeviceTensor {
    const integer = data instanceof Int32Array || data instanceof Uint8Array;
    const t = this.alloc(shape, integer ? 'int32' : undefined);
    this.engine.write(t.ptr, data, integer ? 'int32' : 'float32');
    return t;
  }

  release(): void {
    for (const ptr of this.blocks) this.engine.release(ptr);
    this.blocks.length = 0;
  }
}
