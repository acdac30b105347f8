/** What LayerNormalization and BatchNormalization share: the epsilon argument, axis checks, the gamma/beta options. */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { arg, type ArgSpec } from '../schema.js';

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
