// Keras 3 golden values for the losses beyond categorical cross-entropy (shared/keras3 cases written
// by Keras 3.15.1; the Python of each is repeated above its build): the loss value, and the gradients
// through one SGD and one RMSprop step. The runner is test/helpers/keras3-runner.ts.
import { afterAll, describe } from 'vitest';
import * as wl from '../../src/index.js';
import { defineKeras3Cases, type CaseSpec } from '../helpers/keras3-runner.js';
import { resetPool } from '../helpers/pool.js';

afterAll(() => resetPool());

// keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="relu"), layers.Dense(3)])
const reluThenLinear = () => wl.sequential({ layers: [wl.layers.dense({ units: 5, activation: 'relu', inputShape: [4] }), wl.layers.dense({ units: 3 })] });

const CASES: CaseSpec[] = [
  // ... loss "huber" (delta 1)
  { name: 'huber_dense', build: reluThenLinear, pool: true },
  // ... loss "mean_absolute_error"
  { name: 'mae_dense', build: reluThenLinear },
  {
    // inp = keras.Input(shape=(6, 4)); h = layers.LSTM(5)(inp)
    // cls = layers.Dense(3, activation="softmax", name="cls")(h); reg = layers.Dense(2, name="reg")(h)
    // model = keras.Model(inp, [cls, reg])   loss [categorical_crossentropy, mean_squared_error], loss_weights [1.0, 0.5]
    name: 'multi_output_two_losses',
    pool: true,
    build: () => {
      const inp = wl.input({ shape: [6, 4] });
      const h = wl.layers.lstm({ units: 5 }).apply(inp) as wl.SymbolicTensor;
      const cls = wl.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(h) as wl.SymbolicTensor;
      const reg = wl.layers.dense({ units: 2, name: 'reg' }).apply(h) as wl.SymbolicTensor;
      return wl.model({ inputs: inp, outputs: [cls, reg] });
    },
  },
];

describe('Keras 3 golden values, losses (shared/keras3)', () => {
  defineKeras3Cases(CASES);
});
