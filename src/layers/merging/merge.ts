/**
 * The elementwise merges' base (Keras 3's Merge, shared/SPEC-LAYERS.md §13): a list of at least two
 * inputs whose shapes broadcast — an input of lower rank gets axes of size 1 after the batch axis,
 * then axes of size 1 stretch — into the output shape. Masks: the output's mask is the OR of the
 * inputs' masks when every input has one, else none (§21). Subclasses give the arithmetic on inputs
 * already stretched to the output shape; this base stretches them and sums their gradients back.
 */
import { ValueError, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { alignRank, broadcastTo, sumToShape } from '../../ops/broadcast.js';
import { reshape, type DeviceTensor, type Scratch } from '../../ops/device-tensor.js';
import type { Device } from '../../backend/engine.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { layerSchema } from '../schema.js';

/** The merges without arguments of their own (Add, Subtract, Multiply, Average, Maximum, Minimum). */
export type MergeLayerArgs = LayerArgs;

/** The schema of a merge without arguments of its own. */
export const mergeSchema = (className: string) => layerSchema<MergeLayerArgs>()(className, {});

/** The broadcast of two shapes (batch axis first), or an error naming both. */
function broadcastPair(owner: string, a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const [x, y] = [alignRank(a, rank), alignRank(b, rank)];
  return x.map((d, i) => {
    const e = y[i];
    if (i === 0) return d ?? e;
    if (d === 1) return e;
    if (e === 1) return d;
    if (d == null || e == null) return d ?? e;
    if (d !== e) throw new ValueError(`${owner}: inputs have incompatible shapes. Received shapes ${pythonTuple(a)} and ${pythonTuple(b)}`);
    return d;
  });
}

/** The shape every one of `shapes` broadcasts to (Keras's Merge output shape); refuses incompatible ones. */
export function broadcastShapes(owner: string, shapes: readonly Shape[]): Shape {
  const batches = new Set(shapes.map((s) => s[0]).filter((d) => d != null));
  if (batches.size > 1) throw new ValueError(`${owner}: cannot merge tensors with different batch sizes. Received tensors with shapes ${shapes.map(pythonTuple).join(', ')}`);
  return shapes.slice(1).reduce<Shape>((out, s) => broadcastPair(owner, out, s), shapes[0]);
}

/** What a merge's forward keeps: the inputs' shapes (for summing gradients back), and its own data. */
export interface MergeCache<Data> {
  shapes: (readonly number[])[];
  data: Data;
}

export abstract class Merge<Data = null> extends Layer<MergeCache<Data>> {
  protected override inputCountRange(): [number, number] {
    return [2, Infinity];
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    return [broadcastShapes(`${this.className} ${this.name}`, inputShapes)];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override outputMayBeMasked(inputsMasked: readonly boolean[]): boolean {
    return inputsMasked.every((m) => m);
  }

  /** Whether the arithmetic reads the inputs' masks (Multiply, Maximum, Minimum), not only the output's. */
  protected get readsMasks(): boolean {
    return false;
  }

  /**
   * The output from inputs stretched to the output shape; `masks[i]` is input i's mask stretched
   * over its features and to the output shape (0/1 per element), given when readsMasks, else null.
   */
  protected abstract merge(xs: DeviceTensor[], masks: (DeviceTensor | null)[], ctx: ForwardContext): { y: DeviceTensor; data: Data };

  /** dL/d(stretched input) per input (null where `need` is false), from dy of the output shape. */
  protected abstract mergeBackward(dy: DeviceTensor, data: Data, need: readonly boolean[], ctx: BackwardContext): (DeviceTensor | null)[];

  /** @internal */
  forward(inputs: DeviceTensor[], ctx: ForwardContext): ForwardResult<MergeCache<Data>> {
    const { engine, scratch } = ctx;
    const shape = broadcastShapes(this.name, inputs.map((x) => x.shape)) as number[];
    const xs = inputs.map((x) => broadcastTo(engine, scratch, x, shape));
    const masks = inputs.map((x, i) => {
      const mask = ctx.masks[i];
      if (!this.readsMasks || !mask) return null;
      const perStep = reshape(mask, [...mask.shape, ...new Array(x.shape.length - mask.shape.length).fill(1)]);
      return broadcastTo(engine, scratch, perStep, shape);
    });
    const { y, data } = this.merge(xs, masks, ctx);
    return { outputs: [y], cache: { shapes: inputs.map((x) => x.shape), data }, masks: [orMasks(engine, scratch, ctx.masks)] };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { shapes, data }: MergeCache<Data>, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !ctx.needInputGradients.some((n) => n)) return shapes.map(() => null);
    const grads = this.mergeBackward(dy, data, ctx.needInputGradients, ctx);
    return grads.map((g, i) => g && sumToShape(ctx.engine, ctx.scratch, g, shapes[i]));
  }
}

/** The OR of the masks (broadcast together) when every one is given, else null; one shared mask is itself. */
export function orMasks(engine: Device, scratch: Scratch, masks: readonly (DeviceTensor | null)[]): DeviceTensor | null {
  if (masks.some((m) => m == null)) return null;
  const given = masks as DeviceTensor[];
  if (given.every((m) => m.ptr === given[0].ptr)) return given[0];
  const shape = broadcastShapes('mask', given.map((m) => m.shape)) as number[];
  const stretched = given.map((m) => broadcastTo(engine, scratch, m, shape));
  const out = scratch.alloc(shape);
  const vo = engine.f32(out.ptr, out.size);
  if (!vo.length) return out;
  vo.fill(0);
  for (const m of stretched) {
    const vm = engine.f32(m.ptr, m.size);
    for (let i = 0; i < vo.length; i++) if (vm[i] !== 0) vo[i] = 1;
  }
  return out;
}
