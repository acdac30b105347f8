// Golden values from Keras's own test suite: keras/src/layers/rnn/gru_test.py (test_correctness;
// the Python is in test/helpers/keras-golden.ts) and keras/src/optimizers/rmsprop_test.py.
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { GOLDEN_GRU, goldenGru } from '../helpers/keras-golden.js';

describe("Keras's golden values", () => {
  for (const [name, variant, perRow] of GOLDEN_GRU) {
    it(`GRU(3) on arange(72).reshape(3, 6, 4), ${name}`, async () => {
      const { out, expected } = await goldenGru(wl, variant, perRow);
      expect(out.shape).toEqual([3, 3]);
      expectClose(out.dataSync(), expected, { tol: 1e-5, scale: 1 });
    });
  }

  it('RMSprop(learning_rate=0.5), one step: vars [1,2,3,4], grads [1,6,7,2] → [-0.5811, 0.4189, 1.4189, 2.4189] (rmsprop_test.py)', async () => {
    // loss = Σ g·w has gradient g: a linear model with those weights and inputs gives it exactly
    const model = wl.sequential({ layers: [wl.layers.dense({ units: 1, useBias: false, inputShape: [4] })] });
    model.setWeights([wl.tensor([1, 2, 3, 4], [4, 1])]);
    model.compile({ loss: 'meanSquaredError', optimizer: wl.optimizers.rmsprop({ learningRate: 0.5 }) });
    // MSE gradient 2(p − y)·x with p − y = 0.5 gives dL/dw = x: choose x = g and y = p − 0.5
    const x = wl.tensor([[1, 6, 7, 2]]);
    const p = 1 * 1 + 2 * 6 + 3 * 7 + 4 * 2;
    await model.fit(x, wl.tensor([[p - 0.5]]), { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
    expectClose(model.getWeights()[0].dataSync(), [-0.5811, 0.4189, 1.4189, 2.4189], { tol: 1e-4, scale: 0 });
  });
});
