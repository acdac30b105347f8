/** What LayerNormalization and BatchNormalization share: the epsilon argument, axis checks, gamma/beta options, a base class. */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Device } from '../../backend/engine.js';
import type { Shape } from '../../shape.js';
import type { GradientMap } from '../context.js';
import type { Initializer } from '../initializers.js';
import { Layer } from '../layer.js';
import { arg, type ArgSpec } from '../schema.js';
import type { LayerVariable } from '../variable.js';

/** ε, a positive number (default 1e-3, Keras 3's). */
export function epsilonSpec(): ArgSpec<number> {
  return {
    resolve(owner, name, v) {
      if (v === undefined || v === null) return 1e-3;
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw invalidArgument(owner, name, 'a positive number', v);
      return v;
    },
    toConfig: (v) => v,
  };
}

/**
 * `axis` (negative from the end) of an input of `shape`, as a non-negative axis; the batch axis and
 * axes out of range are refused, naming the valid range.
 */
export function resolveAxis(owner: string, axis: number, shape: Shape): number {
  const rank = shape.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 1 || resolved >= rank) {
    throw new ValueError(
      `${owner}: axis ${axis} is out of range for an input of shape ${pythonTuple(shape)}: expected an axis in [${1 - rank}, ${rank - 1}] other than the batch axis (0 or ${-rank})`,
    );
  }
  if (shape[resolved] == null) {
    throw new ValueError(`${owner}: axis ${axis} of the input must have a defined size, but the input shape is ${pythonTuple(shape)}`);
  }
  return resolved;
}

/** Keras's gamma/beta regularizer and constraint options, accepted at their default (null) only. */
export const GAMMA_BETA_OPTIONS_AT_DEFAULT = {
  betaRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  gammaRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  betaConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
  gammaConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
};

/**
 * What both normalization layers are: ε, optional gamma (scale) and beta (center) of one shape,
 * masks passed through.
 */
export abstract class NormalizationLayer<Cache> extends Layer<Cache> {
  protected gamma: LayerVariable | null = null;
  protected beta: LayerVariable | null = null;

  private get normalizationOptions() {
    return this.options as { epsilon: number; center: boolean; scale: boolean; gammaInitializer: Initializer; betaInitializer: Initializer };
  }

  get epsilon(): number {
    return this.normalizationOptions.epsilon;
  }

  get center(): boolean {
    return this.normalizationOptions.center;
  }

  get scale(): boolean {
    return this.normalizationOptions.scale;
  }

  override get supportsMasking(): boolean {
    return true;
  }

  /** Creates gamma (when scale) then beta (when center), Keras's order. */
  protected addGammaBeta(shape: number[]): void {
    const o = this.normalizationOptions;
    if (o.scale) this.gamma = this.addWeight('gamma', shape, o.gammaInitializer);
    if (o.center) this.beta = this.addWeight('beta', shape, o.betaInitializer);
  }

  /** Where gamma and beta are on `engine` (0: absent). */
  protected gammaBetaPtrs(engine: Device): { gamma: number; beta: number } {
    return { gamma: this.gamma ? engine.place(this.gamma) : 0, beta: this.beta ? engine.place(this.beta) : 0 };
  }

  /** The gradient slots of gamma and beta (0: absent or frozen). */
  protected gammaBetaGradients(gradients: GradientMap): { dgamma: number; dbeta: number } {
    return { dgamma: (this.gamma && gradients.get(this.gamma)) ?? 0, dbeta: (this.beta && gradients.get(this.beta)) ?? 0 };
  }
}
