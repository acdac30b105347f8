import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';

/** One-hot sequences of `classes` symbols; the target at step t is the input at step t − 1 (class 0 at t = 0). */
function shiftTask(samples: number, steps: number, classes: number) {
  const x = new Float32Array(samples * steps * classes);
  const y = new Float32Array(samples * steps * classes);
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let s = 0; s < samples; s++) {
    let previous = 0;
    for (let t = 0; t < steps; t++) {
      const c = Math.floor(next() * classes);
      x[(s * steps + t) * classes + c] = 1;
      y[(s * steps + t) * classes + previous] = 1;
      previous = c;
    }
  }
  return { x: wl.tensor(x, [samples, steps, classes]), y: wl.tensor(y, [samples, steps, classes]) };
}

function accuracy(pred: wl.Tensor, target: wl.Tensor): number {
  const p = pred.dataSync(), y = target.dataSync();
  const k = pred.shape[pred.rank - 1];
  let hits = 0;
  for (let r = 0; r < p.length / k; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[r * k + j] > p[r * k + best]) best = j;
    hits += y[r * k + best];
  }
  return hits / (p.length / k);
}

describe('training on a learnable sequence task', () => {
  it('a GRU learns to output the previous input symbol: accuracy ≥ 0.98 on held-out data within 6 epochs', async () => {
    wl.setSeed(2024);
    const { x, y } = shiftTask(1536, 20, 8);
    const test = shiftTask(256, 20, 8);
    const model = wl.sequential({
      layers: [
        wl.layers.gru({ units: 32, returnSequences: true, inputShape: [20, 8] }),
        wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }),
        wl.layers.activation({ activation: 'softmax' }),
      ],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    const before = accuracy(await model.predict(test.x), test.y);
    const history = await model.fit(x, y, { batchSize: 64, epochs: 6, verbose: 0 });
    const after = accuracy(await model.predict(test.x), test.y);
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThanOrEqual(0.98);
    expect(history.loss[5]).toBeLessThan(history.loss[0]);
    expect(history.loss[5]).toBeLessThan(0.1);
  });

  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`${optimizer} reduces the loss of a Dense regression`, async () => {
      wl.setSeed(5);
      const x = wl.randomUniform([256, 3], -1, 1);
      const w = [0.5, -1, 2];
      const xs = x.dataSync();
      const y = wl.tensor(Float32Array.from({ length: 256 }, (_, i) => xs[3 * i] * w[0] + xs[3 * i + 1] * w[1] + xs[3 * i + 2] * w[2] + 0.3), [256, 1]);
      const model = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [3] })] });
      model.compile({ loss: 'mse', optimizer: optimizer === 'adam' ? wl.optimizers.adam({ learningRate: 0.05 }) : wl.optimizers.sgd({ learningRate: 0.2, momentum: 0.5 }) });
      const history = await model.fit(x, y, { batchSize: 32, epochs: 20, verbose: 0 });
      expect(history.loss[19]).toBeLessThan(0.01 * history.loss[0]);
      expect(history.loss[19]).toBeLessThan(1e-3);
    });
  }

  it('is reproducible: the same seed gives bit-identical weights and losses', async () => {
    const run = async () => {
      wl.setSeed(99);
      wl.clearSession();
      const { x, y } = shiftTask(300, 10, 4);
      const model = wl.sequential({ layers: [wl.layers.gru({ units: 8, returnSequences: true, inputShape: [10, 4] }), wl.layers.dense({ units: 4, activation: 'softmax' })] });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      const h = await model.fit(x, y, { batchSize: 32, epochs: 2, verbose: 0 });
      return { loss: h.loss, weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
    };
    const [a, b] = [await run(), await run()];
    expect(b).toEqual(a);
  });
});
