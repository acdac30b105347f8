/**
 * SimpleRNN with Keras semantics (shared/SPEC-LAYERS.md §3): h_t = φ(x_t·W + b + h_{t−1}·U);
 * weights kernel (F, u), recurrent_kernel (u, u), bias (u). Defaults are Keras 3's (activation
 * tanh, glorotUniform / orthogonal / zeros); everything recurrent is the base layer's.
 */
import { SIMPLE_RNN_CELL } from '../../ops/rnn.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import type { RecurrentCell } from './cell.js';
import { Recurrent, RECURRENT_SPECS, type RecurrentLayerArgs } from './recurrent.js';
import { uniformRecurrentCell } from './uniform-cell.js';

export type SimpleRNNLayerArgs = RecurrentLayerArgs;

const SCHEMA = layerSchema<SimpleRNNLayerArgs>()('SimpleRNN', RECURRENT_SPECS);

export class SimpleRNN extends Recurrent {
  static readonly className = 'SimpleRNN';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: SimpleRNNLayerArgs) {
    super(args);
  }

  protected makeCell(): RecurrentCell {
    return uniformRecurrentCell(SIMPLE_RNN_CELL, ['h'], this.options);
  }
}
