/**
 * Permute (shared/SPEC-LAYERS.md §9): the non-batch axes reordered by `dims`, 1-based as Keras
 * (`[2, 1]` swaps the two axes of a (B, T, F) input: output axis i is input axis dims[i − 1]). The
 * gradient is the inverse permutation. No mask passes (Keras 3 drops it).
 */
import { ValueError, describe } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { inversePermutation, permute } from '../../ops/permute.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';

export interface PermuteLayerArgs extends LayerArgs {
  /** A permutation of 1..k for an input of k non-batch axes (required), e.g. [2, 1]. */
  dims: number[];
}

const dimsSpec: ArgSpec<number[]> = {
  resolve(owner, name, v) {
    const sorted = Array.isArray(v) ? [...v].sort((a, b) => a - b) : null;
    if (!sorted || sorted.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new ValueError(`${owner}: received an invalid value for ${name}, expected a permutation of 1..k (1-based, batch axis excluded), e.g. [2, 1]. Received: ${name}=${describe(v)}`);
    }
    return [...(v as number[])];
  },
  toConfig: (v) => [...v],
};

const SCHEMA = layerSchema<PermuteLayerArgs>()('Permute', {
  dims: dimsSpec,
});

export class Permute extends Layer<null> {
  static readonly className = 'Permute';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.permute({ dims: [2, 1] }) // (batch, 10, 64) → (batch, 64, 10)
   */
  constructor(args: PermuteLayerArgs) {
    super(args);
  }

  get dims(): number[] {
    return [...this.options.dims];
  }

  private get perm(): number[] {
    return [0, ...this.options.dims];
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: this.options.dims.length + 1 };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    if (inputShape.length !== this.perm.length) {
      throw new ValueError(`Permute ${this.name}: dims ${describe(this.dims)} permute ${this.dims.length} axes, but the input shape has ${inputShape.length - 1} besides the batch axis: ${describe(inputShape)}`);
    }
    return [this.perm.map((p) => inputShape[p])];
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<null> {
    return { outputs: [permute(engine, scratch, x, this.perm)], cache: null };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], _cache: null, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    return [dy && needInputGradients[0] ? permute(engine, scratch, dy, inversePermutation(this.perm)) : null];
  }
}
