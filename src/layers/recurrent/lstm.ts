/**
 * LSTM (Hochreiter & Schmidhuber 1997) with Keras semantics (shared/SPEC-LAYERS.md §2): gate blocks
 * [i | f | c | o] in kernel (F, 4u), recurrent_kernel (u, 4u) and bias (4u); c_t = f⊙c + i⊙φ(·),
 * h_t = o⊙φ(c_t); states [h, c]. Defaults are Keras 3's: recurrentActivation sigmoid (tfjs:
 * hardSigmoid) and unitForgetBias true (tfjs: false), so the forget gate's bias starts at 1.
 */
import { LSTM_CELL } from '../../ops/rnn.js';
import type { ActivationIdentifier } from '../activations.js';
import { Deferred, Initializer } from '../initializers.js';
import { arg, layerSchema, type ArgsOf } from '../schema.js';
import type { RecurrentCell } from './cell.js';
import { Recurrent, RECURRENT_SPECS, type RecurrentLayerArgs } from './recurrent.js';
import { uniformRecurrentCell } from './uniform-cell.js';

export interface LSTMLayerArgs extends RecurrentLayerArgs {
  /** Default sigmoid (Keras 3); tfjs's default is hardSigmoid. */
  recurrentActivation?: ActivationIdentifier;
  /** Default true (Keras 3): the forget gate's bias starts at 1 whatever biasInitializer says. tfjs: false. */
  unitForgetBias?: boolean;
}

const SCHEMA = layerSchema<LSTMLayerArgs>()('LSTM', {
  ...RECURRENT_SPECS,
  recurrentActivation: arg.activation('sigmoid', { elementwise: true }),
  unitForgetBias: arg.bool(true),
});

/** The LSTM's bias with unit_forget_bias: [init(u), ones(u), init(2u)]. */
class UnitForgetBias extends Initializer {
  constructor(private readonly inner: Initializer, private readonly units: number) {
    super();
  }
  get className(): string {
    return this.inner.className;
  }
  generate(shape: readonly number[]): Float32Array {
    const u = this.units;
    const values = new Float32Array(shape[0]);
    values.set(this.inner.generate([u]), 0);
    values.fill(1, u, 2 * u);
    values.set(this.inner.generate([2 * u]), 2 * u);
    return values;
  }
}

export class LSTM extends Recurrent {
  static readonly className = 'LSTM';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: LSTMLayerArgs) {
    super(args);
  }

  get recurrentActivation() {
    return this.options.recurrentActivation;
  }

  get unitForgetBias(): boolean {
    return this.options.unitForgetBias;
  }

  protected makeCell(): RecurrentCell {
    const { biasInitializer, units } = this.options;
    // a deferred initializer (weights set right after) runs nothing, so the forget bias needs no filling
    const forgetBias = this.unitForgetBias && !(biasInitializer instanceof Deferred);
    return uniformRecurrentCell(LSTM_CELL, ['h', 'c'], {
      ...this.options,
      biasInitializer: forgetBias ? new UnitForgetBias(biasInitializer, units) : biasInitializer,
    });
  }
}
