/**
 * The uniform cells (SimpleRNN, LSTM) as recurrent-layer cells: every gate comes from one input
 * projection and one recurrent product, so one op (ops/rnn.ts) and one kernel loop run them all.
 */
import { uniformCellBackward, uniformCellForward, type UniformCache, type UniformCell } from '../../ops/rnn.js';
import type { Initializer } from '../initializers.js';
import type { CellWeight, RecurrentCell } from './cell.js';

export interface UniformCellWeights {
  units: number;
  useBias: boolean;
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  /** The bias's initializer over all G·u columns. */
  biasInitializer: Initializer;
}

/** A recurrent cell running `cell`'s kernels with Keras's weights kernel (F, G·u), recurrent_kernel (u, G·u), bias (G·u). */
export function uniformRecurrentCell(cell: UniformCell, stateNames: readonly string[], w: UniformCellWeights): RecurrentCell<UniformCache> {
  const gu = cell.gates * w.units;
  return {
    gates: cell.gates,
    stateNames,
    weights(features: number): CellWeight[] {
      return [
        { name: 'kernel', shape: [features, gu], initializer: w.kernelInitializer },
        { name: 'recurrent_kernel', shape: [w.units, gu], initializer: w.recurrentInitializer },
        ...(w.useBias ? [{ name: 'bias', shape: [gu], initializer: w.biasInitializer }] : []),
      ];
    },
    forward: (engine, scratch, input, pointers, cfg, training) => uniformCellForward(engine, scratch, cell, input, pointers, cfg, training),
    backward: (engine, scratch, cache, dOutput, dStates, pointers, grads, cfg, needInput, needStates) =>
      uniformCellBackward(engine, scratch, cell, cache, dOutput, dStates, pointers, grads, cfg, needInput, needStates),
  };
}
