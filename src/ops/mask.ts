/**
 * Timestep masks on engine memory: (B, T) float32, 1 for a valid step and 0 for a masked one, as
 * Masking makes them and the recurrent kernels read them (time-major, see ops/rnn.ts).
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

/** mask[b, t] = 1 when any of x[b, t, ...] differs from `value`, else 0. */
export function maskSteps(engine: Device, scratch: Scratch, x: DeviceTensor, value: number): DeviceTensor {
  const [batch, steps] = x.shape;
  const inner = x.size / (batch * steps);
  const mask = scratch.alloc([batch, steps]);
  const vx = engine.f32(x.ptr, x.size), vm = engine.f32(mask.ptr, mask.size);
  for (let r = 0; r < vm.length; r++) {
    let valid = 0;
    for (let i = r * inner, end = i + inner; i < end; i++) {
      if (vx[i] !== value) {
        valid = 1;
        break;
      }
    }
    vm[r] = valid;
  }
  return mask;
}

/** x (B, T, ...) with every masked step's values set to 0, as a new tensor. */
export function multiplyByMask(engine: Device, scratch: Scratch, x: DeviceTensor, mask: DeviceTensor): DeviceTensor {
  const inner = x.size / mask.size;
  const out = scratch.alloc(x.shape);
  const vx = engine.f32(x.ptr, x.size), vm = engine.f32(mask.ptr, mask.size), vo = engine.f32(out.ptr, out.size);
  for (let r = 0; r < vm.length; r++) {
    const keep = vm[r] !== 0;
    for (let i = r * inner, end = i + inner; i < end; i++) vo[i] = keep ? vx[i] : 0;
  }
  return out;
}

/** The indices of the valid steps of a (B, T) mask, row-major (b·T + t). */
export function validSteps(engine: Device, mask: DeviceTensor): number[] {
  const vm = engine.f32(mask.ptr, mask.size);
  const valid: number[] = [];
  for (let r = 0; r < vm.length; r++) if (vm[r] !== 0) valid.push(r);
  return valid;
}

/** The rows `rows` of x seen as (R, width), packed into a new (rows.length, width) tensor. */
export function gatherRows(engine: Device, scratch: Scratch, x: DeviceTensor, rows: readonly number[], width: number): DeviceTensor {
  const out = scratch.alloc([rows.length, width]);
  const vx = engine.f32(x.ptr, x.size), vo = engine.f32(out.ptr, out.size);
  if (!vo.length) return out;
  rows.forEach((r, i) => vo.set(vx.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/** gatherRows' inverse: packed rows written back to `rows` of a zeroed tensor of `shape`. */
export function scatterRows(engine: Device, scratch: Scratch, packed: DeviceTensor, rows: readonly number[], shape: readonly number[]): DeviceTensor {
  const out = scratch.zeros(shape);
  const width = packed.shape[1];
  const vp = engine.f32(packed.ptr, packed.size), vo = engine.f32(out.ptr, out.size);
  if (!vp.length) return out;
  rows.forEach((r, i) => vo.set(vp.subarray(i * width, (i + 1) * width), r * width));
  return out;
}
