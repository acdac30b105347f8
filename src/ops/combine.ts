/**
 * Combining tensors on engine memory: concatenating and slicing along any axis, repeating along a
 * new axis, elementwise sums, differences and products, scaling, and reversing the time axis. Plain
 * loops over the device's views (memory-bound passes, a small part of any step that uses them; the
 * repeat's gradient is a column sum in wasm); a planning device has no memory, so on it they only
 * allocate.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { sizeOf } from '../shape.js';
import { columnSums } from './elementwise.js';

function view(engine: Device, t: DeviceTensor): Float32Array {
  return engine.f32(t.ptr, t.size);
}

/** [a | b] along the last axis (every other axis equal). */
export function concatLastAxis(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  return concat(engine, scratch, [a, b], a.shape.length - 1);
}

/** The columns [from, from + width) of the last axis, as a new tensor. */
export function sliceLastAxis(engine: Device, scratch: Scratch, t: DeviceTensor, from: number, width: number): DeviceTensor {
  return slice(engine, scratch, t, t.shape.length - 1, from, width);
}

/** The parts joined along `axis` (every other axis equal), as a new tensor. */
export function concat(engine: Device, scratch: Scratch, parts: readonly DeviceTensor[], axis: number): DeviceTensor {
  const total = parts.reduce((n, p) => n + p.shape[axis], 0);
  const out = scratch.alloc([...parts[0].shape.slice(0, axis), total, ...parts[0].shape.slice(axis + 1)]);
  const vo = view(engine, out);
  if (!vo.length) return out;
  // each part is (rows, chunk) with rows the product of the axes before `axis`
  const rows = sizeOf(parts[0].shape.slice(0, axis));
  const rowWidth = out.size / rows;
  let offset = 0;
  for (const p of parts) {
    const vp = view(engine, p), chunk = p.size / rows;
    for (let r = 0; r < rows; r++) vo.set(vp.subarray(r * chunk, (r + 1) * chunk), r * rowWidth + offset);
    offset += chunk;
  }
  return out;
}

/** The entries [from, from + width) of `axis`, as a new tensor (concat's inverse, one part at a time). */
export function slice(engine: Device, scratch: Scratch, t: DeviceTensor, axis: number, from: number, width: number): DeviceTensor {
  const out = scratch.alloc([...t.shape.slice(0, axis), width, ...t.shape.slice(axis + 1)]);
  const vt = view(engine, t), vo = view(engine, out);
  if (!vo.length) return out;
  const rows = sizeOf(t.shape.slice(0, axis));
  const inner = t.size / (rows * t.shape[axis]);
  const [rowWidth, chunk, start] = [t.size / rows, width * inner, from * inner];
  for (let r = 0; r < rows; r++) vo.set(vt.subarray(r * rowWidth + start, r * rowWidth + start + chunk), r * chunk);
  return out;
}

/** x (B, F) repeated n times along a new axis 1: (B, n, F). */
export function repeatAxis1(engine: Device, scratch: Scratch, x: DeviceTensor, n: number): DeviceTensor {
  const [batch, width] = [x.shape[0], x.size / x.shape[0]];
  const out = scratch.alloc([batch, n, ...x.shape.slice(1)]);
  const vx = view(engine, x), vo = view(engine, out);
  if (!vo.length) return out;
  for (let b = 0; b < batch; b++) {
    const row = vx.subarray(b * width, (b + 1) * width);
    for (let k = 0; k < n; k++) vo.set(row, (b * n + k) * width);
  }
  return out;
}

/** repeatAxis1's gradient: dy (B, n, F) summed over axis 1 into (B, F), each sample a column sum in wasm. */
export function sumAxis1(engine: Device, scratch: Scratch, dy: DeviceTensor): DeviceTensor {
  const [batch, n] = dy.shape;
  const width = dy.size / (batch * n);
  const out = scratch.alloc([batch, ...dy.shape.slice(2)]);
  for (let b = 0; b < batch; b++) columnSums(engine, n, width, dy.ptr + b * n * width * 4, width, out.ptr + b * width * 4, false);
  return out;
}

/** a + b, elementwise (same shapes), as a new tensor. */
export function add(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  const out = scratch.alloc(a.shape);
  const va = view(engine, a), vb = view(engine, b), vo = view(engine, out);
  for (let i = 0; i < vo.length; i++) vo[i] = va[i] + vb[i];
  return out;
}

/** a − b, elementwise (same shapes), as a new tensor. */
export function subtract(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  const out = scratch.alloc(a.shape);
  const va = view(engine, a), vb = view(engine, b), vo = view(engine, out);
  for (let i = 0; i < vo.length; i++) vo[i] = va[i] - vb[i];
  return out;
}

/** a ⊙ b, elementwise (same shapes), as a new tensor. */
export function multiply(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  const out = scratch.alloc(a.shape);
  const va = view(engine, a), vb = view(engine, b), vo = view(engine, out);
  for (let i = 0; i < vo.length; i++) vo[i] = va[i] * vb[i];
  return out;
}

/** s · a, as a new tensor. */
export function scale(engine: Device, scratch: Scratch, a: DeviceTensor, s: number): DeviceTensor {
  const out = scratch.alloc(a.shape);
  const va = view(engine, a), vo = view(engine, out);
  for (let i = 0; i < vo.length; i++) vo[i] = va[i] * s;
  return out;
}

/** A (B, T, ...) tensor with its time axis (axis 1) reversed. */
export function reverseTime(engine: Device, scratch: Scratch, t: DeviceTensor): DeviceTensor {
  const [batch, steps] = t.shape;
  const inner = t.size / (batch * steps);
  const out = scratch.alloc(t.shape);
  const vt = view(engine, t), vo = view(engine, out);
  if (!vo.length) return out;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < steps; s++) {
      const from = (b * steps + s) * inner;
      vo.set(vt.subarray(from, from + inner), (b * steps + steps - 1 - s) * inner);
    }
  }
  return out;
}
