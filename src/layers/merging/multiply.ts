/**
 * Multiply (shared/SPEC-LAYERS.md §13): Π x_i elementwise, left to right. Keras 3 with masks: an
 * input's masked positions count as 1, and when every input has a mask the output is 0 where no
 * input is valid. dx_i = dy ⊙ Π_{j≠i} x_j (0 at x_i's masked positions and where the output was zeroed).
 */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Merge, mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Multiply');

interface MultiplyData {
  /** The factors: the inputs, with 1 at their masked positions. */
  factors: DeviceTensor[];
  masks: (DeviceTensor | null)[];
  /** Where some input is valid (every input masked), else null. */
  anyValid: Float32Array | null;
}

export class Multiply extends Merge<MultiplyData> {
  static readonly className = 'Multiply';
  static readonly schema = SCHEMA;

  /**
   * @example const gated = wl.layers.multiply().apply([values, gates]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected override get readsMasks(): boolean {
    return true;
  }

  protected merge(xs: DeviceTensor[], masks: (DeviceTensor | null)[], { engine, scratch }: ForwardContext) {
    const factors = xs.map((x, i) => (masks[i] ? scratch.alloc(x.shape) : x));
    const y = scratch.alloc(xs[0].shape);
    const vy = engine.f32(y.ptr, y.size);
    const every = masks.every((m) => m != null);
    const anyValid = every ? new Float32Array(vy.length) : null;
    factors.forEach((f, i) => {
      const mask = masks[i];
      if (!mask) return;
      const vf = engine.f32(f.ptr, f.size), vx = engine.f32(xs[i].ptr, xs[i].size), vm = engine.f32(mask.ptr, mask.size);
      for (let e = 0; e < vf.length; e++) vf[e] = vm[e] !== 0 ? vx[e] : 1;
      if (anyValid) for (let e = 0; e < vf.length; e++) if (vm[e] !== 0) anyValid[e] = 1;
    });
    if (vy.length) vy.set(engine.f32(factors[0].ptr, factors[0].size));
    for (const f of factors.slice(1)) {
      const vf = engine.f32(f.ptr, f.size);
      for (let e = 0; e < vy.length; e++) vy[e] *= vf[e];
    }
    if (anyValid) for (let e = 0; e < vy.length; e++) vy[e] *= anyValid[e];
    return { y, data: { factors, masks, anyValid } };
  }

  protected mergeBackward(dy: DeviceTensor, { factors, masks, anyValid }: MultiplyData, need: readonly boolean[], { engine, scratch }: BackwardContext) {
    return factors.map((_, i) => {
      if (!need[i]) return null;
      const dx = scratch.alloc(dy.shape);
      const vx = engine.f32(dx.ptr, dx.size);
      if (!vx.length) return dx;
      vx.set(engine.f32(dy.ptr, dy.size));
      factors.forEach((f, j) => {
        if (j === i) return;
        const vf = engine.f32(f.ptr, f.size);
        for (let e = 0; e < vx.length; e++) vx[e] *= vf[e];
      });
      const mask = masks[i];
      if (mask) {
        const vm = engine.f32(mask.ptr, mask.size);
        for (let e = 0; e < vx.length; e++) if (vm[e] === 0) vx[e] = 0;
      }
      if (anyValid) for (let e = 0; e < vx.length; e++) vx[e] *= anyValid[e];
      return dx;
    });
  }
}
