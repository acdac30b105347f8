/**
 * Broadcasting on engine memory, as the merge layers need it (Keras's Merge: inputs of lower rank
 * get axes of size 1 after the batch axis, then axes of size 1 stretch): a tensor copied out to a
 * larger shape, and a gradient summed back to the smaller one. Strided JS loops: only inputs whose
 * shapes differ take this path.
 */
import type { Device } from '../backend/engine.js';
import { reshape, type DeviceTensor, type Scratch } from './device-tensor.js';

/** `shape` with axes of size 1 inserted after the batch axis up to `rank` (Keras's expand_dims at axis 1). */
export function alignRank<T extends number | null>(shape: readonly T[], rank: number): T[] {
  return [shape[0], ...(new Array(Math.max(rank - shape.length, 0)).fill(1) as T[]), ...shape.slice(1)];
}

/** Whether two concrete shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Steps through `shape` row-major, calling visit(outIndex, inIndex) where inIndex advances by
 * `strides` (an input read in another axis order, or 0 on a stretched axis).
 */
export function walk(shape: readonly number[], strides: readonly number[], count: number, visit: (o: number, i: number) => void): void {
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < count; o++) {
    visit(o, src);
    for (let d = rank - 1; d >= 0; d--) {
      src += strides[d];
      if (++index[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/** The strides of `small` (aligned to `shape`'s rank) read along `shape`: 0 where it stretches. */
function stretchStrides(small: readonly number[], shape: readonly number[]): number[] {
  const aligned = alignRank(small, shape.length);
  let stride = 1;
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = aligned[d] === 1 && shape[d] !== 1 ? 0 : stride;
    stride *= aligned[d];
  }
  return strides;
}

/** t stretched to `shape` (t's shape broadcasts to it); t itself, reshaped, when no axis stretches. */
export function broadcastTo(engine: Device, scratch: Scratch, t: DeviceTensor, shape: readonly number[]): DeviceTensor {
  if (t.size === shape.reduce((n, d) => n * d, 1)) return reshape(t, shape);
  const out = scratch.alloc(shape);
  const vt = engine.f32(t.ptr, t.size), vo = engine.f32(out.ptr, out.size);
  if (vo.length) walk(shape, stretchStrides(t.shape, shape), vo.length, (o, i) => (vo[o] = vt[i]));
  return out;
}

/** broadcastTo's gradient: g (of the broadcast shape) summed over the stretched axes into `shape`. */
export function sumToShape(engine: Device, scratch: Scratch, g: DeviceTensor, shape: readonly number[]): DeviceTensor {
  if (g.size === shape.reduce((n, d) => n * d, 1)) return reshape(g, shape);
  const out = scratch.zeros(shape);
  const vg = engine.f32(g.ptr, g.size), vo = engine.f32(out.ptr, out.size);
  if (vg.length) walk(g.shape, stretchStrides(shape, g.shape), vg.length, (o, i) => (vo[i] += vg[o]));
  return out;
}
