/**
 * Combining tensors on engine memory: concatenating and splitting along the last axis, elementwise
 * sums and products, scaling, and reversing the time axis. Plain loops over the device's views
 * (memory-bound passes, a small part of any step that uses them); a planning device has no memory,
 * so on it they only allocate.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

function view(engine: Device, t: DeviceTensor): Float32Array {
  return engine.f32(t.ptr, t.size);
}

/** [a | b] along the last axis (every other axis equal). */
export function concatLastAxis(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  const wa = a.shape[a.shape.length - 1], wb = b.shape[b.shape.length - 1];
  const rows = a.size / wa;
  const out = scratch.alloc([...a.shape.slice(0, -1), wa + wb]);
  const va = view(engine, a), vb = view(engine, b), vo = view(engine, out);
  if (!vo.length) return out;
  for (let r = 0; r < rows; r++) {
    vo.set(va.subarray(r * wa, (r + 1) * wa), r * (wa + wb));
    vo.set(vb.subarray(r * wb, (r + 1) * wb), r * (wa + wb) + wa);
  }
  return out;
}

/** The columns [from, from + width) of the last axis, as a new tensor. */
export function sliceLastAxis(engine: Device, scratch: Scratch, t: DeviceTensor, from: number, width: number): DeviceTensor {
  const w = t.shape[t.shape.length - 1];
  const rows = t.size / w;
  const out = scratch.alloc([...t.shape.slice(0, -1), width]);
  const vt = view(engine, t), vo = view(engine, out);
  if (!vo.length) return out;
  for (let r = 0; r < rows; r++) vo.set(vt.subarray(r * w + from, r * w + from + width), r * width);
  return out;
}

/** a + b, elementwise (same shapes), as a new tensor. */
export function add(engine: Device, scratch: Scratch, a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  const out = scratch.alloc(a.shape);
  const va = view(engine, a), vb = view(engine, b), vo = view(engine, out);
  for (let i = 0; i < vo.length; i++) vo[i] = va[i] + vb[i];
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
