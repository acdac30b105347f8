/**
 * Tensors in engine memory during a step, and the scratch region that owns them: everything a step
 * allocates is released together when the step ends.
 */
import type { Engine } from '../backend/engine.js';
import { sizeOf } from '../shape.js';

/** f32 data at a byte offset of engine memory, row-major. */
export interface DeviceTensor {
  readonly ptr: number;
  readonly shape: readonly number[];
  readonly size: number;
}

/** A view of the same data under another shape of equal size. */
export function reshape(t: DeviceTensor, shape: readonly number[]): DeviceTensor {
  return { ptr: t.ptr, shape, size: t.size };
}

/** Per-step allocations, released at once. */
export class Scratch {
  private readonly blocks: number[] = [];

  constructor(readonly engine: Engine) {}

  /** A tensor of `shape`, contents undefined. */
  alloc(shape: readonly number[]): DeviceTensor {
    const size = sizeOf(shape);
    const ptr = this.engine.allocF32(size);
    this.blocks.push(ptr);
    return { ptr, shape, size };
  }

  /** A tensor of `shape` filled with zeros. */
  zeros(shape: readonly number[]): DeviceTensor {
    const t = this.alloc(shape);
    this.engine.f32(t.ptr, t.size).fill(0);
    return t;
  }

  /** A tensor holding a copy of `data`. */
  from(data: ArrayLike<number>, shape: readonly number[]): DeviceTensor {
    const t = this.alloc(shape);
    this.engine.write(t.ptr, data);
    return t;
  }

  release(): void {
    for (const ptr of this.blocks) this.engine.release(ptr);
    this.blocks.length = 0;
  }
}
