// Weights written during fit (setWeights from a callback, layer.setWeights, a checkpoint loaded
// into the model) take effect at the next step on every worker: the pool republishes its copy of
// the weights when any variable was written since it last copied. Checked against the in-process run.
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { resetPool } from '../helpers/pool.js';

afterAll(() => resetPool());

function build(): wl.LayersModel {
  wl.setSeed(5);
  const model = wl.sequential({ layers: [wl.layers.dense({ units: 6, activation: 'tanh', inputShape: [4] }), wl.layers.dense({ units: 3, activation: 'softmax' })] });
  model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }) });
  return model;
}

wl.setSeed(9);
const x = wl.randomUniform([64, 4], -1, 1);
const y = wl.oneHot(wl.tensor(Array.from({ length: 64 }, (_, i) => i % 3), [64], 'int32'), 3);

/** Fits 2 epochs of 4 batches; after batch 1 of epoch 0 the callback writes `write(model)`. */
async function fitWithWrite(workers: 0 | 2, write: (m: wl.LayersModel) => void): Promise<Float32Array[]> {
  const model = build();
  let done = false;
  await model.fit(x, y, {
    batchSize: 16, epochs: 2, shuffle: false, verbose: 0, workers,
    callbacks: [{ onBatchEnd: (batch: number) => { if (!done && batch === 1) { done = true; write(model); } } }],
  });
  return model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

const filled = (shape: number[], v: number) => wl.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape);

const cases: [string, (m: wl.LayersModel) => void][] = [
  ['model.setWeights', (m) => m.setWeights(m.getWeights().map((w) => filled(w.shape, 0.1)))],
  ['layer.setWeights on one layer', (m) => m.layers[1].setWeights(m.layers[1].getWeights().map((w) => filled(w.shape, -0.2)))],
];

describe('weights written during fit reach the workers at the next step', () => {
  for (const [label, write] of cases) {
    it(`${label}: 2 workers end with the in-process weights`, async () => {
      const here = await fitWithWrite(0, write);
      const pool = await fitWithWrite(2, write);
      const untouched = await fitWithWrite(0, () => {});
      here.forEach((w, i) => {
        for (let k = 0; k < w.length; k++) expect(Math.abs(pool[i][k] - w[k]), `weight ${i}[${k}]`).toBeLessThan(1e-5);
      });
      // the write changed the outcome (so the comparison above tests something)
      expect(Math.max(...here[0].map((v, k) => Math.abs(v - untouched[0][k])))).toBeGreaterThan(1e-2);
    });
  }
});
