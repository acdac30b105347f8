/**
 * BatchNormalization (shared/SPEC-LAYERS.md §15, Keras 3). In training (and while the layer is
 * trainable) each channel of `axis` is normalized with the batch's mean and biased variance over
 * every other axis (masked positions left out when a mask arrives), and the moving statistics
 * follow: moving = moving·momentum + batch·(1 − momentum). Otherwise (predict, evaluate, or
 * trainable false) the moving statistics are used. y = (x − mean)·rsqrt(var + ε)·gamma + beta.
 * Weights: gamma, beta (trainable), moving_mean, moving_variance (non-trainable), each (C,).
 *
 * Batch statistics couple the samples of a step, so a fit of a model with a trainable
 * BatchNormalization runs in one share on the calling thread (runtime/session.ts): the numbers
 * are Keras's whatever `workers` says. The forward writes the batch statistics into the moving
 * statistics' state slots, and applyStateUpdate folds them in after the step.
 */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Device } from '../../backend/engine.js';
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { batchMoments, batchNormBackward, batchNormForward, channelLayout, movingAverage, type ChannelLayout } from '../../ops/normalization.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import type { InitializerIdentifier } from '../initializers.js';
import type { ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';
import type { LayerVariable } from '../variable.js';
import { GAMMA_BETA_OPTIONS_AT_DEFAULT, NormalizationLayer, epsilonSpec, resolveAxis } from './common.js';

export interface BatchNormalizationLayerArgs extends LayerArgs {
  /** The channel axis (default -1): statistics are per entry of this axis, over all the others. */
  axis?: number;
  /** Weight of the old value in the moving statistics' update (default 0.99), in [0, 1]. */
  momentum?: number;
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
  /** Default zeros. */
  movingMeanInitializer?: InitializerIdentifier;
  /** Default ones. */
  movingVarianceInitializer?: InitializerIdentifier;
}

const integerSpec = (fallback: number): ArgSpec<number> => ({
  resolve(owner, name, v) {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidArgument(owner, name, 'an integer', v);
    return v;
  },
  toConfig: (v) => v,
});

const momentumSpec: ArgSpec<number> = {
  resolve(owner, name, v) {
    if (v === undefined || v === null) return 0.99;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalidArgument(owner, name, 'a number in [0, 1]', v);
    return v;
  },
  toConfig: (v) => v,
};

const SCHEMA = layerSchema<BatchNormalizationLayerArgs>()('BatchNormalization', {
  axis: integerSpec(-1),
  momentum: momentumSpec,
  epsilon: epsilonSpec(),
  center: arg.bool(true),
  scale: arg.bool(true),
  betaInitializer: arg.initializer('zeros'),
  gammaInitializer: arg.initializer('ones'),
  movingMeanInitializer: arg.initializer('zeros'),
  movingVarianceInitializer: arg.initializer('ones'),
  ...GAMMA_BETA_OPTIONS_AT_DEFAULT,
  synchronized: arg.onlyDefault([false], 'synchronized batch statistics are not supported'),
  renorm: arg.onlyDefault([false], 'batch renormalization is not supported'),
  renormClipping: arg.onlyDefault([null], 'batch renormalization is not supported'),
  renormMomentum: arg.ignored('number', 0.99),
});

interface BatchNormCache {
  x: DeviceTensor;
  layout: ChannelLayout;
  /** The statistics used: the batch's (training) or the moving ones. */
  mean: number;
  rstd: DeviceTensor;
  mask: DeviceTensor | null;
  training: boolean;
}

export class BatchNormalization extends NormalizationLayer<BatchNormCache> {
  static readonly className = 'BatchNormalization';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;
  private movingMean: LayerVariable | null = null;
  private movingVariance: LayerVariable | null = null;
  /** The channel axis, non-negative, once built. */
  private channelAxis = -1;

  /**
   * @example wl.layers.batchNormalization()
   * @example wl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 })
   * @throws ValueError when momentum is outside [0, 1], epsilon not positive, or axis not an integer
   */
  constructor(args: BatchNormalizationLayerArgs = {}) {
    super(args);
  }

  get axis(): number {
    return this.options.axis;
  }

  get momentum(): number {
    return this.options.momentum;
  }

  /** The moving statistics, updated by training while the layer is trainable. */
  override get stateVariables(): LayerVariable[] {
    return this.trainable && this.movingMean ? [this.movingMean, this.movingVariance!] : [];
  }

  protected override build([inputShape]: Shape[]): void {
    const axis = resolveAxis(`BatchNormalization ${this.name}`, this.axis, inputShape);
    const shape = [inputShape[axis] as number];
    this.channelAxis = axis;
    this.addGammaBeta(shape);
    this.movingMean = this.addWeight('moving_mean', shape, this.options.movingMeanInitializer, false);
    this.movingVariance = this.addWeight('moving_variance', shape, this.options.movingVarianceInitializer, false);
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: shape[0] } };
  }

  computeOutputShapes([inputShape]: Shape[]): Shape[] {
    resolveAxis(`BatchNormalization ${this.name}`, this.axis, inputShape);
    return [inputShape];
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch, training, masks, stateSums }: ForwardContext): ForwardResult<BatchNormCache> {
    const layout = channelLayout(x.shape, this.channelAxis);
    const batchStats = training && this.trainable;
    const mask = batchStats ? masks[0] ?? null : null;
    if (mask && (layout.inner !== 1 || mask.size !== layout.outer)) {
      throw new ValueError(
        `BatchNormalization ${this.name}: a mask of shape ${pythonTuple(mask.shape)} reached an input of shape ${pythonTuple(x.shape)} normalized over axis ${this.axis}: ` +
          'masked batch statistics need the channel axis last and a mask over every other axis',
      );
    }
    let mean: number;
    let variance: number;
    if (batchStats) {
      // the batch statistics go where the moving statistics' updates are collected
      mean = stateSums?.get(this.movingMean!) ?? scratch.alloc([layout.channels]).ptr;
      variance = stateSums?.get(this.movingVariance!) ?? scratch.alloc([layout.channels]).ptr;
      batchMoments(engine, x, layout, mask, mean, variance);
    } else {
      mean = engine.place(this.movingMean!);
      variance = engine.place(this.movingVariance!);
    }
    const { y, rstd } = batchNormForward(engine, scratch, x, layout, {
      mean, variance, ...this.gammaBetaPtrs(engine), epsilon: this.epsilon,
    });
    return { outputs: [y], cache: { x, layout, mean, rstd, mask, training: batchStats } };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], c: BatchNormCache, ctx: BackwardContext): (DeviceTensor | null)[] {
    if (!dy) return [null];
    const { engine, scratch, gradients } = ctx;
    const dx = batchNormBackward(engine, scratch, c.x, dy, c.layout, {
      mean: c.mean, rstd: c.rstd.ptr, gamma: this.gammaBetaPtrs(engine).gamma, mask: c.mask, training: c.training,
      needDx: ctx.needInputGradients[0], ...this.gammaBetaGradients(gradients),
    });
    return [dx];
  }

  /**
   * Folds the step's batch statistic (the whole batch's: such a fit runs in one share) into the
   * moving one.
   * @internal
   */
  override applyStateUpdate(engine: Device, variable: LayerVariable, sumPtr: number): void {
    movingAverage(engine, variable.size, engine.place(variable), sumPtr, this.momentum);
  }
}
