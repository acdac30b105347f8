/** Activation names as Keras and tfjs spell them, resolved to kernel codes. */
import { ActivationCode } from '../backend/activation-codes.js';
import { unknownName } from '../errors.js';

/** Names accepted for an activation (Keras snake_case and tfjs camelCase). */
export type ActivationIdentifier =
  | 'linear' | 'relu' | 'sigmoid' | 'hard_sigmoid' | 'hardSigmoid' | 'keras3_hard_sigmoid' | 'keras3HardSigmoid' | 'tanh' | 'softmax';

export interface Activation {
  /** Keras name, used in configs: `hard_sigmoid`. */
  readonly name: 'linear' | 'relu' | 'sigmoid' | 'hard_sigmoid' | 'keras3_hard_sigmoid' | 'tanh' | 'softmax';
  /** Elementwise kernel code, or null for softmax (a row operation over the last axis). */
  readonly code: ActivationCode | null;
}

const BY_NAME: Record<string, Activation> = {
  linear: { name: 'linear', code: ActivationCode.linear },
  relu: { name: 'relu', code: ActivationCode.relu },
  sigmoid: { name: 'sigmoid', code: ActivationCode.sigmoid },
  hard_sigmoid: { name: 'hard_sigmoid', code: ActivationCode.hardSigmoid },
  hardSigmoid: { name: 'hard_sigmoid', code: ActivationCode.hardSigmoid },
  keras3_hard_sigmoid: { name: 'keras3_hard_sigmoid', code: ActivationCode.keras3HardSigmoid },
  keras3HardSigmoid: { name: 'keras3_hard_sigmoid', code: ActivationCode.keras3HardSigmoid },
  tanh: { name: 'tanh', code: ActivationCode.tanh },
  softmax: { name: 'softmax', code: null },
};

/**
 * Resolves an activation name; null/undefined is linear.
 * Keras-divergence: 'hard_sigmoid' is Keras 2 / tfjs's clip(0.2x + 0.5, 0, 1), not Keras 3's
 * clip(x/6 + 0.5, 0, 1), which is spelt 'keras3_hard_sigmoid' (or 'keras3HardSigmoid') here.
 *
 * @example resolveActivation('keras3HardSigmoid') // { name: 'keras3_hard_sigmoid', code: 5 }
 */
export function resolveActivation(value: unknown): Activation {
  if (value == null) return BY_NAME.linear;
  if (typeof value === 'string' && Object.hasOwn(BY_NAME, value)) return BY_NAME[value];
  throw unknownName('activation', value, Object.keys(BY_NAME));
}
