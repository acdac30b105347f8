// Tensors made by TensorFlow.js (tfjs-core 4.22) are taken wherever ours are: a script that keeps
// tfjs for its data preparation passes its tensors to fit, evaluate and predict unchanged.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { tfjs } from './tfjs.js';

describe('tfjs-core tensors as data', () => {
  it('fit, evaluate and predict take them, with the results of our own tensors', async () => {
    const { tf } = await tfjs();
    const xs = Array.from({ length: 24 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) / 5]);
    const ys = xs.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
    const build = () => {
      wl.setSeed(9);
      const m = wl.sequential({ layers: [wl.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), wl.layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
      return m;
    };
    const ours = build();
    const theirs = build();
    const h1 = await ours.fit(wl.tensor(xs), wl.tensor(ys, [24, 1]), { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, workers: 0 });
    const h2 = await theirs.fit(tf.tensor2d(xs), tf.tensor2d(ys, [24, 1]), { epochs: 2, batchSize: 8, shuffle: false, verbose: 0, workers: 0 });
    expect(h2.history.loss).toEqual(h1.history.loss);
    const p1 = ours.predict(wl.tensor(xs)) as wl.Tensor;
    const p2 = theirs.predict(tf.tensor2d(xs)) as wl.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    const e = theirs.evaluate(tf.tensor2d(xs), tf.tensor1d(ys, 'int32')) as wl.Tensor[];
    const f = ours.evaluate(wl.tensor(xs), wl.tensor(ys, [24, 1])) as wl.Tensor[];
    expect(e.map((t) => t.dataSync()[0])).toEqual(f.map((t) => t.dataSync()[0]));
  });
});
