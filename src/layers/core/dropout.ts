/**
 * Dropout (shared/SPEC-LAYERS.md §8, Keras 3 semantics): in training each element is zeroed with
 * probability `rate` and the others scaled by 1/(1 − rate) (inverted dropout); `rate = 1` gives
 * zeros. Outside training (predict, evaluate) it is the identity. `noiseShape` draws one mask value
 * per entry of a smaller shape (null: the input's size; 1: shared along that axis) broadcast over
 * the input. Masks come from the step's seed, the sample's row in the whole batch and the element's
 * index (ops/dropout.ts), so they do not depend on how a batch is split across workers.
 */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { dropoutMask, multiplyBroadcast } from '../../ops/dropout.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';

export interface DropoutLayerArgs extends LayerArgs {
  /** The fraction of the input's elements dropped in training, in [0, 1] (required). */
  rate: number;
  /**
   * The mask's shape, one entry per input axis, batch axis first: null takes the input's size, 1
   * shares one mask value along that axis (e.g. [null, 1, null]: the same mask at every timestep).
   * Default: the input's shape. A number other than 1 on the batch axis means per sample, as null.
   */
  noiseShape?: (number | null)[] | null;
  /** Seeds this layer's masks (Keras 3): a fit whose noise layers all have seeds repeats by itself. */
  seed?: number | null;
}

const noiseShapeSpec: ArgSpec<(number | null)[] | null> = {
  resolve(owner, name, v) {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || v.length === 0 || v.some((d) => d !== null && !(typeof d === 'number' && Number.isSafeInteger(d) && d > 0))) {
      throw invalidArgument(owner, name, 'a list of positive integers or nulls, one per input axis', v);
    }
    return [...(v as (number | null)[])];
  },
  toConfig: (v) => (v ? [...v] : null),
};

const SCHEMA = layerSchema<DropoutLayerArgs>()('Dropout', {
  rate: arg.fraction(),
  noiseShape: noiseShapeSpec,
  seed: arg.seed(),
});

/** The mask a forward step drew, kept for backward (null: the layer passed its input through). */
type DropoutCache = DeviceTensor | null;

export class Dropout extends Layer<DropoutCache> {
  static readonly className: string = 'Dropout';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example wl.layers.dropout({ rate: 0.2 })
   * @example wl.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 7 })
   * @throws ValueError when rate is not a number in [0, 1]
   */
  constructor(args: DropoutLayerArgs) {
    super(args);
  }

  get rate(): number {
    return this.options.rate;
  }

  get noiseShape(): (number | null)[] | null {
    return this.options.noiseShape;
  }

  get seed(): number | null {
    return this.options.seed;
  }

  override get noiseSeeds(): (number | null)[] {
    return this.rate > 0 ? [this.seed] : [];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    const [shape] = inputShapes;
    const noise = this.noiseShape;
    if (noise) {
      const fits = noise.length === shape.length && noise.every((d, i) => d === null || d === 1 || i === 0 || shape[i] == null || d === shape[i]);
      if (!fits) {
        throw new ValueError(`Layer ${this.name}: noiseShape ${pythonTuple(noise)} does not broadcast to the input shape ${pythonTuple(shape)}; each entry must be null, 1 or the input's size on that axis`);
      }
    }
    return [shape];
  }

  /**
   * The mask's shape for an input of `shape` (axes of size 1 broadcast) and whether one mask serves
   * every sample (batch axis 1 in the noise shape).
   */
  protected maskShape(shape: readonly number[]): { shape: number[]; shared: boolean } {
    const noise = this.noiseShape;
    return { shape: shape.map((n, i) => (noise?.[i] === 1 ? 1 : n)), shared: noise?.[0] === 1 };
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, noise }: ForwardContext): ForwardResult<DropoutCache> {
    if (!noise || this.rate === 0) return { outputs: [x], cache: null };
    const mask = dropoutMask(engine, scratch, { noise, rate: this.rate, ...this.maskShape(x.shape) });
    return { outputs: [multiplyBroadcast(engine, scratch, x, mask)], cache: mask };
  }

  /** @internal dx = dy ⊙ mask (the mask broadcast as in forward). */
  backward([dy]: (DeviceTensor | null)[], mask: DropoutCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [mask ? multiplyBroadcast(engine, scratch, dy, mask) : dy];
  }
}
