/**
 * LayerNormalization (shared/SPEC-LAYERS.md §14, Keras 3): each sample is normalized over `axis`
 * (the last axis by default, or a list of trailing axes): y = (x − mean)·rsqrt(var + ε)·gamma + beta
 * with the biased variance, the same in training and inference. Weights gamma then beta, each of
 * the normalized axes' shape. Masks pass through. One fused kernel pass per row forward (mean and
 * rstd saved) and one backward (dx, dgamma, dbeta).
 */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { layerNormBackward, layerNormForward, type LayerNormSaved } from '../../ops/normalization.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import type { ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';
import { GAMMA_BETA_OPTIONS_AT_DEFAULT, NormalizationLayer, epsilonSpec, resolveAxis } from './common.js';

export interface LayerNormalizationLayerArgs extends LayerArgs {
  /** The axis or axes normalized over (default -1); a list must be the input's last axes. */
  axis?: number | number[];
  /** Added to the variance (default 1e-3); positive. */
  epsilon?: number;
  /** Add the learned offset beta (default true). */
  center?: boolean;
  /** Multiply by the learned scale gamma (default true). */
  scale?: boolean;
  /** Default zeros. */
  betaInitializer?: InitializerIdentifier;
  /** Default ones. */
  gammaInitializer?: InitializerIdentifier;
}

/** An axis or a list of axes, resolved to a list (Keras writes a list to the config). */
const axesSpec: ArgSpec<number[]> = {
  resolve(owner, name, v) {
    if (v === undefined || v === null) return [-1];
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.some((a) => typeof a !== 'number' || !Number.isSafeInteger(a))) {
      throw invalidArgument(owner, name, 'an integer or a non-empty list of integers', v);
    }
    return [...(list as number[])];
  },
  toConfig: (v) => [...v],
};

const SCHEMA = layerSchema<LayerNormalizationLayerArgs>()('LayerNormalization', {
  axis: axesSpec,
  epsilon: epsilonSpec(),
  center: arg.bool(true),
  scale: arg.bool(true),
  betaInitializer: arg.initializer('zeros'),
  gammaInitializer: arg.initializer('ones'),
  rmsScaling: arg.onlyDefault([false], 'rms_scaling is not supported yet'),
  ...GAMMA_BETA_OPTIONS_AT_DEFAULT,
});

export class LayerNormalization extends NormalizationLayer<LayerNormSaved> {
  static readonly className = 'LayerNormalization';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  /** Values normalized together: the product of the normalized axes' sizes. */
  private groupSize = 0;

  /**
   * @example wl.layers.layerNormalization()
   * @example wl.layers.layerNormalization({ axis: [-2, -1], epsilon: 1e-5 })
   * @throws ValueError when epsilon is not positive or axis not integers
   */
  constructor(args: LayerNormalizationLayerArgs = {}) {
    super(args);
  }

  get axis(): number[] {
    return [...this.options.axis];
  }

  /** The normalized axes of an input of `shape`, non-negative; refuses bad or unsupported ones. */
  private axesFor(shape: Shape): number[] {
    const owner = `LayerNormalization ${this.name}`;
    const axes = this.options.axis.map((a) => resolveAxis(owner, a, shape));
    const sorted = [...new Set(axes)].sort((a, b) => a - b);
    if (sorted.length !== axes.length) throw new ValueError(`${owner}: axis ${pythonTuple(this.options.axis)} names an axis twice for an input of shape ${pythonTuple(shape)}`);
    if (sorted.some((a, i) => a !== shape.length - sorted.length + i)) {
      throw new ValueError(`${owner}: normalizing over axis ${pythonTuple(this.options.axis)} of an input of shape ${pythonTuple(shape)} is not supported yet: the axes must be the last ones (e.g. -1, or [-2, -1])`);
    }
    return axes;
  }

  protected override build([inputShape]: Shape[]): void {
    const axes = this.axesFor(inputShape);
    const shape = axes.map((a) => inputShape[a] as number);
    this.groupSize = shape.reduce((a, b) => a * b, 1);
    this.addGammaBeta(shape);
    this.inputSpec = { ndim: inputShape.length, axes: Object.fromEntries(axes.map((a) => [a - inputShape.length, inputShape[a] as number])) };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    this.axesFor(inputShape);
    return [inputShape];
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<LayerNormSaved> {
    const { y, saved } = layerNormForward(engine, scratch, x, { n: this.groupSize, ...this.gammaBetaPtrs(engine), epsilon: this.epsilon });
    return { outputs: [y], cache: saved };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], saved: LayerNormSaved, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy) return [null];
    const { engine, scratch, gradients } = ctx;
    const dx = layerNormBackward(engine, scratch, saved, dy, {
      n: this.groupSize, gamma: this.gammaBetaPtrs(engine).gamma, needDx: ctx.needInputGradients[0], ...this.gammaBetaGradients(gradients),
    });
    return [dx];
  }
}
