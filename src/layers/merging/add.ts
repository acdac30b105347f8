/** Add (shared/SPEC-LAYERS.md §13): the elementwise sum of its inputs; each input's gradient is dy. */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { addInPlace } from '../../ops/elementwise.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Merge, mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Add');

/** Σ x_i in float32, left to right (Keras's order), the sums in wasm. */
export function sumInputs({ engine, scratch }: ForwardContext, xs: DeviceTensor[]): DeviceTensor {
  const y = scratch.alloc(xs[0].shape);
  const vy = engine.f32(y.ptr, y.size);
  if (vy.length) vy.set(engine.f32(xs[0].ptr, xs[0].size));
  for (const x of xs.slice(1)) addInPlace(engine, y.size, y.ptr, x.ptr);
  return y;
}

export class Add extends Merge {
  static readonly className = 'Add';
  static readonly schema = SCHEMA;

  /**
   * @example const sum = wl.layers.add().apply([a, b]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected merge(xs: DeviceTensor[], _masks: unknown[], ctx: ForwardContext) {
    return { y: sumInputs(ctx, xs), data: null };
  }

  protected mergeBackward(dy: DeviceTensor, _data: null, need: readonly boolean[], _ctx: BackwardContext): (DeviceTensor | null)[] {
    return need.map((n) => (n ? dy : null));
  }
}
