/**
 * Maximum and Minimum (shared/SPEC-LAYERS.md §13): the elementwise extreme of the inputs, taken left
 * to right as Keras 3 does (base_merge.py _apply_merge_op_and_or_mask): at a position where one side
 * is masked the other side's value is used, so a masked input never wins. Each output element came
 * from one input, which gets its gradient (ties go to the earlier input, as TensorFlow's gradient of
 * maximum/minimum gives them).
 */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Merge } from './merge.js';

export abstract class Extremum extends Merge<Int32Array> {
  /** Whether a wins over b (a is the running result: ties keep it). */
  protected abstract keeps(a: number, b: number): boolean;

  protected override get readsMasks(): boolean {
    return true;
  }

  protected merge(xs: DeviceTensor[], masks: (DeviceTensor | null)[], { engine, scratch }: ForwardContext) {
    const y = scratch.alloc(xs[0].shape);
    const vy = engine.f32(y.ptr, y.size);
    const from = new Int32Array(vy.length);
    if (!vy.length) return { y, data: from };
    vy.set(engine.f32(xs[0].ptr, xs[0].size));
    // the running result's mask (null once an unmasked input joined: Keras stops substituting then)
    let valid: Float32Array | null = masks[0] ? Float32Array.from(engine.f32(masks[0].ptr, masks[0].size)) : null;
    for (let k = 1; k < xs.length; k++) {
      const vx = engine.f32(xs[k].ptr, xs[k].size);
      const mask = masks[k];
      const vm = mask ? engine.f32(mask.ptr, mask.size) : null;
      for (let e = 0; e < vy.length; e++) {
        // a: the running result, b: input k, each with the input its value came from
        let a = vy[e], fromA = from[e], b = vx[e], fromB = k;
        if (vm && vm[e] === 0) {
          b = a;
          fromB = fromA;
        }
        if (valid && valid[e] === 0) {
          a = b;
          fromA = fromB;
        }
        const keep = this.keeps(a, b);
        vy[e] = keep ? a : b;
        from[e] = keep ? fromA : fromB;
      }
      if (valid && vm) for (let e = 0; e < valid.length; e++) valid[e] = valid[e] !== 0 || vm[e] !== 0 ? 1 : 0;
      else valid = null;
    }
    return { y, data: from };
  }

  protected mergeBackward(dy: DeviceTensor, from: Int32Array, need: readonly boolean[], { engine, scratch }: BackwardContext) {
    return need.map((n, k) => {
      if (!n) return null;
      const dx = scratch.alloc(dy.shape);
      const vx = engine.f32(dx.ptr, dx.size), vd = engine.f32(dy.ptr, dy.size);
      for (let e = 0; e < vx.length; e++) vx[e] = from[e] === k ? vd[e] : 0;
      return dx;
    });
  }
}
