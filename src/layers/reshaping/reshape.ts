/**
 * Reshape (shared/SPEC-LAYERS.md §9): each sample's values, row-major, under `targetShape` (batch axis
 * excluded; one entry may be −1, inferred from the sample's size). A view: no data moves either way.
 * No mask passes (Keras 3 drops it).
 */
import { ValueError, describe, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { reshape, type DeviceTensor } from '../../ops/device-tensor.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';

export interface ReshapeLayerArgs extends LayerArgs {
  /** The shape of each sample's output, batch axis excluded; at most one −1 (required). */
  targetShape: number[];
}

const targetShapeSpec: ArgSpec<number[]> = {
  resolve(owner, name, v) {
    const ok = Array.isArray(v) && v.every((d) => d === -1 || (Number.isSafeInteger(d) && d > 0)) && v.filter((d) => d === -1).length <= 1;
    if (!ok) throw new ValueError(`${owner}: received an invalid value for ${name}, expected a list of positive integers with at most one -1. Received: ${name}=${describe(v)}`);
    return [...(v as number[])];
  },
  toConfig: (v) => [...v],
};

const SCHEMA = layerSchema<ReshapeLayerArgs>()('Reshape', {
  targetShape: targetShapeSpec,
});

export class Reshape extends Layer<readonly number[]> {
  static readonly className = 'Reshape';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.reshape({ targetShape: [4, -1] }) // (batch, 2, 6) → (batch, 4, 3)
   */
  constructor(args: ReshapeLayerArgs) {
    super(args);
  }

  get targetShape(): number[] {
    return [...this.options.targetShape];
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    const target = this.options.targetShape;
    const dims = inputShape.slice(1);
    if (dims.some((d) => d == null)) return [[inputShape[0], ...target.map((d) => (d === -1 ? null : d))]];
    const size = (dims as number[]).reduce((n, d) => n * d, 1);
    const known = target.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const fits = target.includes(-1) ? size % known === 0 : size === known;
    if (!fits) {
      throw new ValueError(`Reshape ${this.name}: the total size of each sample must be unchanged: an input of shape ${pythonTuple(inputShape)} has ${size} values per sample, which do not fit targetShape ${pythonTuple(target)}`);
    }
    return [[inputShape[0], ...target.map((d) => (d === -1 ? size / known : d))]];
  }

  /** @internal */
  forward([x]: DeviceTensor[], _ctx: ForwardContext): ForwardResult<readonly number[]> {
    const [shape] = this.computeOutputShapes([x.shape]) as number[][];
    return { outputs: [reshape(x, shape)], cache: x.shape };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], shape: readonly number[], { needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    return [dy && needInputGradients[0] ? reshape(dy, shape) : null];
  }
}
