// 'accuracy' is resolved as Keras resolves it: binary accuracy (prediction > 0.5 equals the target)
// for an output of one unit, categorical accuracy (argmax equals argmax) for several. Before, one
// unit was treated as a one-class argmax and always scored 1.0.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';

/** One sigmoid unit over 2 features, with a fixed bias and zero kernel: every prediction is sigmoid(bias). */
function unit(bias: number, metric = 'accuracy') {
  const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
  m.setWeights([wl.zeros([2, 1]), wl.tensor([bias], [1])]);
  m.compile({ loss: 'mse', optimizer: 'sgd', metrics: [metric] });
  return m;
}

// 10 samples, 7 targets 0 and 3 targets 1
const x = wl.randomUniform([10, 2]);
const y = wl.tensor([0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [10, 1]);

describe("'accuracy' on one sigmoid unit is binary accuracy", () => {
  afterAll(() => wl.shutdown());

  it('predictions of 0.5 (not above the threshold) are 0: 7 of 10 right', async () => {
    for (const workers of [0, 2] as const) {
      const [, acc] = (await unit(0).evaluateAsync(x, y, { workers })) as wl.Tensor[];
      expect(acc.dataSync()[0]).toBeCloseTo(0.7, 6);
    }
  });

  it('predictions above 0.5 are 1: 3 of 10 right; fit logs it under the name compiled', async () => {
    const m = unit(0.1, 'acc');
    const [, acc] = (await m.evaluate(x, y, { workers: 0 })) as wl.Tensor[];
    expect(acc.dataSync()[0]).toBeCloseTo(0.3, 6);
    const history = await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, workers: 0, shuffle: false });
    expect(history.history.acc[0]).toBeCloseTo(0.3, 6);
  });

  it('several units keep categorical accuracy', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })] });
    m.setWeights([wl.zeros([2, 3]), wl.tensor([0, 1, 0], [3])]); // always predicts class 1
    m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const targets = wl.oneHot([1, 0, 1, 2, 1], 3);
    const [, acc] = (await m.evaluate(wl.randomUniform([5, 2]), targets, { workers: 0 })) as wl.Tensor[];
    expect(acc.dataSync()[0]).toBeCloseTo(0.6, 6);
  });
});
