/**
 * GRU (Cho et al. 2014) with Keras semantics (shared/SPEC.md §2): weights kernel (F, 3u),
 * recurrent_kernel (u, 3u), bias (3u) or (2, 3u) with reset_after, gate blocks [z | r | h].
 * Defaults are Keras 3's: activation tanh, recurrentActivation sigmoid, resetAfter true,
 * glorotUniform / orthogonal / zeros. The seed's Keras 2 layer is
 * `{ resetAfter: false, recurrentActivation: 'hard_sigmoid' }`. Everything recurrent (states,
 * masks, return_state, stateful) is the base layer's; the cell is ops/gru.ts's kernels.
 */
import { gruBackward, gruForward, type GruCache } from '../../ops/gru.js';
import type { ActivationIdentifier } from '../activations.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import type { RecurrentCell } from './cell.js';
import { Recurrent, RECURRENT_SPECS, type RecurrentLayerArgs } from './recurrent.js';

export interface GRULayerArgs extends RecurrentLayerArgs {
  /** Default sigmoid (Keras 3); Keras 2.0–2.2 and tfjs used hard_sigmoid. */
  recurrentActivation?: ActivationIdentifier;
  /** Default true (Keras 3, cuDNN-compatible); false is Keras 2 / tfjs. */
  resetAfter?: boolean;
}

const SCHEMA = layerSchema<GRULayerArgs>()('GRU', {
  ...RECURRENT_SPECS,
  recurrentActivation: arg.activation('sigmoid', { elementwise: true }),
  resetAfter: arg.bool(true),
});

export class GRU extends Recurrent {
  static readonly className = 'GRU';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: GRULayerArgs) {
    super(args);
  }

  get recurrentActivation() {
    return this.options.recurrentActivation;
  }

  get resetAfter(): boolean {
    return this.options.resetAfter;
  }

  protected makeCell(): RecurrentCell {
    const { units, useBias, resetAfter, kernelInitializer, recurrentInitializer, biasInitializer } = this.options;
    const u3 = 3 * units;
    const cell: RecurrentCell<GruCache> = {
      gates: 3,
      stateNames: ['h'],
      weights: (features) => [
        { name: 'kernel', shape: [features, u3], initializer: kernelInitializer },
        { name: 'recurrent_kernel', shape: [units, u3], initializer: recurrentInitializer },
        ...(useBias ? [{ name: 'bias', shape: resetAfter ? [2, u3] : [u3], initializer: biasInitializer }] : []),
      ],
      forward: (engine, scratch, input, w, cfg, training) => gruForward(engine, scratch, input, w, { ...cfg, resetAfter }, training),
      backward: (engine, scratch, cache, dOutput, dStates, w, grads, cfg, needInput, needStates) =>
        gruBackward(engine, scratch, cache, dOutput, dStates, w, grads, { ...cfg, resetAfter }, needInput, needStates),
    };
    return cell;
  }
}
