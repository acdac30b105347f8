/**
 * RepeatVector (shared/SPEC-LAYERS.md §9): (B, F) → (B, n, F), y[:, k] = x — an encoder's summary fed
 * to a decoder at every step. The gradient sums over the n copies (a column sum per sample, in wasm).
 * No mask passes (Keras 3 drops it).
 */
import type { Shape } from '../../shape.js';
import { repeatAxis1, sumAxis1 } from '../../ops/combine.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';

export interface RepeatVectorLayerArgs extends LayerArgs {
  /** How many times to repeat the input (required, positive). */
  n: number;
}

const SCHEMA = layerSchema<RepeatVectorLayerArgs>()('RepeatVector', {
  n: arg.positiveInt(),
});

export class RepeatVector extends Layer<null> {
  static readonly className = 'RepeatVector';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.repeatVector({ n: 10 }) // (batch, 32) → (batch, 10, 32)
   */
  constructor(args: RepeatVectorLayerArgs) {
    super(args);
  }

  get n(): number {
    return this.options.n;
  }

  protected override defaultInputSpec(): InputSpec {
    return { ndim: 2 };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    return [[inputShape[0], this.n, inputShape[1]]];
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<null> {
    return { outputs: [repeatAxis1(engine, scratch, x, this.n)], cache: null };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], _cache: null, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    return [dy && needInputGradients[0] ? sumAxis1(engine, scratch, dy) : null];
  }
}
