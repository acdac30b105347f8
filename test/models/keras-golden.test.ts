// Golden values from Keras's own test suite: keras/src/layers/rnn/gru_test.py (test_correctness)
// and keras/src/optimizers/rmsprop_test.py. The Python that produced the GRU values:
//
//   sequence = np.arange(72).reshape((3, 6, 4)).astype("float32")
//   layer = layers.GRU(3, kernel_initializer=initializers.Constant(0.01),
//                      recurrent_initializer=initializers.Constant(0.02),
//                      bias_initializer=initializers.Constant(0.03), **variant)
//   output = layer(sequence)   # compared with atol=1e-5, rtol=1e-5
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';

const GOLDEN: [string, Partial<wl.GRULayerArgs>, number[]][] = [
  ['Keras 3 defaults', {}, [0.5217289, 0.6371659, 0.39384964]],
  ['go_backwards=True', { goBackwards: true }, [0.24406259, 0.611516, 0.3928808]],
  ['reset_after=False', { resetAfter: false }, [0.51447755, 0.6426879, 0.40208298]],
  ['use_bias=False', { useBias: false }, [0.49988455, 0.64701194, 0.4103359]],
];

describe("Keras's golden values", () => {
  for (const [name, variant, perRow] of GOLDEN) {
    it(`GRU(3) on arange(72).reshape(3, 6, 4), ${name}`, async () => {
      const sequence = wl.tensor(Float32Array.from({ length: 72 }, (_, i) => i), [3, 6, 4]);
      const model = wl.sequential({
        layers: [wl.layers.gru({
          units: 3, inputShape: [6, 4],
          kernelInitializer: wl.initializers.constant({ value: 0.01 }),
          recurrentInitializer: wl.initializers.constant({ value: 0.02 }),
          biasInitializer: wl.initializers.constant({ value: 0.03 }),
          ...variant,
        })],
      });
      const out = await model.predict(sequence);
      expect(out.shape).toEqual([3, 3]);
      expectClose(out.dataSync(), perRow.flatMap((v) => [v, v, v]), { tol: 1e-5, scale: 1 });
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
