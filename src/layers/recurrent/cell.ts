/**
 * A recurrent cell as the Recurrent base layer sees it: a small descriptor saying its states, its
 * weights (Keras names, shapes, initializers, in get_weights order) and which op runs its sequence.
 * Everything else — return_sequences/return_state, go_backwards, initial and stateful states, masks,
 * dropout, shapes, errors, configs — is the base layer's (recurrent.ts), written once.
 */
import type { Device } from '../../backend/engine.js';
import type { DeviceTensor, Scratch } from '../../ops/device-tensor.js';
import type { CellPointers, SequenceConfig, SequenceGradients, SequenceInputs, SequenceOutputs } from '../../ops/rnn.js';
import type { Initializer } from '../initializers.js';

/** One weight of a cell. */
export interface CellWeight {
  /** Keras's variable name: 'kernel', 'recurrent_kernel', 'bias'. */
  name: string;
  shape: number[];
  initializer: Initializer;
}

export interface RecurrentCell<Cache = unknown> {
  /** Gate blocks of the kernels (G: GRU 3, LSTM 4, SimpleRNN 1): one recurrent dropout mask each. */
  readonly gates: number;
  /** The state names, in Keras's order: ['h'] or ['h', 'c']. */
  readonly stateNames: readonly string[];
  /** The weights for `features` input features, in get_weights order (kernel, recurrent_kernel, bias). */
  weights(features: number): CellWeight[];
  /** Runs the whole sequence (see ops/rnn.ts). */
  forward(engine: Device, scratch: Scratch, input: SequenceInputs, w: CellPointers, cfg: SequenceConfig, training: boolean): SequenceOutputs<Cache>;
  /** Backward through time: weight gradients into `grads`, and the input's and initial states' gradients. */
  backward(
    engine: Device, scratch: Scratch, cache: Cache, dOutput: DeviceTensor | null, dStates: readonly (DeviceTensor | null)[],
    w: CellPointers, grads: CellPointers, cfg: SequenceConfig, needInput: boolean, needStates: readonly boolean[],
  ): SequenceGradients;
}
