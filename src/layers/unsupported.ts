/**
 * Keras options a layer accepts at their defaults only (regularizers and constraints are not
 * supported yet): a config that sets one is refused by name instead of being silently dropped.
 */
import { arg } from './schema.js';

export const WEIGHT_OPTIONS_AT_DEFAULT = {
  kernelRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  biasRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  activityRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  kernelConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
  biasConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
};

export const RECURRENT_OPTIONS_AT_DEFAULT = {
  recurrentRegularizer: arg.onlyDefault([null], 'regularizers are not supported yet'),
  recurrentConstraint: arg.onlyDefault([null], 'constraints are not supported yet'),
};
