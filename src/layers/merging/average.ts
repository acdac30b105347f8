/** Average (shared/SPEC-LAYERS.md §13): (Σ x_i) / n elementwise; each input's gradient is dy / n. */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { sumInputs } from './add.js';
import { Merge, mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Average');

export class Average extends Merge<number> {
  static readonly className = 'Average';
  static readonly schema = SCHEMA;

  /**
   * @example const mean = wl.layers.average().apply([a, b, c]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected merge(xs: DeviceTensor[], _masks: unknown[], ctx: ForwardContext) {
    const y = sumInputs(ctx, xs);
    const vy = ctx.engine.f32(y.ptr, y.size);
    for (let i = 0; i < vy.length; i++) vy[i] /= xs.length;
    return { y, data: xs.length };
  }

  protected mergeBackward(dy: DeviceTensor, n: number, need: readonly boolean[], { engine, scratch }: BackwardContext): (DeviceTensor | null)[] {
    const dx = scratch.alloc(dy.shape);
    const vd = engine.f32(dy.ptr, dy.size), vx = engine.f32(dx.ptr, dx.size);
    for (let i = 0; i < vx.length; i++) vx[i] = vd[i] / n;
    return need.map((k) => (k ? dx : null));
  }
}
