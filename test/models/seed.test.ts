// The seed question's whole story (shared/seed/, SPEC §1): Dense on a 3-D input is TimeDistributed(Dense),
// and a sequence target meets a non-sequence model with Keras's shape error before any training.
import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { expectIdentical } from '../helpers/compare.js';
import { seedModels, InputSize, MaxLen, OutputSize } from '../helpers/seed-models.js';

const N = 1000;

function seedData() {
  wl.setSeed(7);
  return {
    X: wl.randomUniform([N, MaxLen, InputSize]),
    Y1: wl.randomUniform([N, MaxLen, OutputSize]),
    Y2: wl.randomUniform([N, OutputSize]),
  };
}

describe('the seed models', () => {
  beforeEach(() => wl.clearSession());

  it('model1 (TimeDistributed(Dense)) and model2 (Dense) compute the same function given the same weights', async () => {
    const { model1, model2 } = seedModels();
    const { X, Y1 } = seedData();
    model2.setWeights(model1.getWeights());
    const [p1, p2] = [await model1.predict(X, { batchSize: 128 }), await model2.predict(X, { batchSize: 128 })];
    expect(p1.shape).toEqual([N, MaxLen, OutputSize]);
    expectIdentical(p2.dataSync(), p1.dataSync(), 'predictions'); // the same GEMM on (B·T, 16)
    // and they train identically
    await model1.fit(X, Y1, { batchSize: 128, epochs: 1, shuffle: false, verbose: 0 });
    await model2.fit(X, Y1, { batchSize: 128, epochs: 1, shuffle: false, verbose: 0 });
    const w2 = model2.getWeights();
    model1.getWeights().forEach((w, i) => expectIdentical(w2[i].dataSync(), w.dataSync(), `weight ${i}`));
  });

  it('fitting model3 with the sequence target fails before training, with the Keras 2 message', async () => {
    const { model3 } = seedModels();
    const { X, Y1 } = seedData();
    const before = model3.getWeights().map((w) => w.dataSync().slice());
    await expect(model3.fit(X, Y1, { batchSize: 128, epochs: 1, verbose: 0 })).rejects.toThrow(
      'Error when checking target: expected activation_3 to have 2 dimensions, but got array with shape (1000, 64, 8)',
    );
    model3.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), before[i], `weight ${i}`));
  });

  it('fitting model1 with the per-sequence target fails the other way round', async () => {
    const { model1 } = seedModels();
    const { X, Y2 } = seedData();
    await expect(model1.fit(X, Y2, { verbose: 0 })).rejects.toThrow(
      'Error when checking target: expected activation_1 to have 3 dimensions, but got array with shape (1000, 8)',
    );
  });

  it('one epoch of each model: 8 steps of 128 with a last step of 104, the epoch loss their sample-weighted mean', async () => {
    const { model1, model2, model3 } = seedModels();
    const { X, Y1, Y2 } = seedData();
    for (const [model, Y] of [[model1, Y1], [model2, Y1], [model3, Y2]] as const) {
      const batches: { size: number; loss: number }[] = [];
      const history = await model.fit(X, Y, {
        batchSize: 128, epochs: 1, verbose: 0,
        callbacks: { onBatchEnd: (_b, logs) => void batches.push({ size: logs!.size, loss: logs!.loss }) },
      });
      expect(batches.map((b) => b.size)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
      const weighted = batches.reduce((s, b) => s + b.loss * b.size, 0) / N;
      expect(history.history.loss).toHaveLength(1);
      expect(history.loss[0]).toBeCloseTo(weighted, 10);
      expect(history.epoch).toEqual([0]);
      expect(history.params).toMatchObject({ epochs: 1, samples: N, batchSize: 128, steps: 8 });
      // random targets in [0, 1) sum to ≈ 4 per row, so the loss starts near 4·ln 8
      expect(history.loss[0]).toBeGreaterThan(3.5 * Math.log(8));
      expect(history.loss[0]).toBeLessThan(4.5 * Math.log(8));
    }
  });

  it('starts from ln 8 with one-hot targets and near-uniform predictions', async () => {
    const { model1 } = seedModels();
    const { X } = seedData();
    const labels = wl.oneHot(Array.from({ length: N * MaxLen }, (_, i) => i % OutputSize), OutputSize).reshape([N, MaxLen, OutputSize]);
    const loss = ((await model1.evaluate(X, labels, { batchSize: 128 })) as wl.Tensor).dataSync()[0];
    expect(Math.abs(loss - Math.log(8))).toBeLessThan(0.1);
  });
});
