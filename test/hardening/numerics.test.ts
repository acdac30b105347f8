// Numerics at the edges: softmax at ±1e4 and cross-entropy of exact 0/1 are in the kernel tests
// (test/kernels/softmax-loss.test.ts); here a diverging run is stopped without corrupting the weights.
import { it, expect, vi } from 'vitest';
import * as wl from '../../src/index.js';
import { expectIdentical } from '../helpers/compare.js';

it('an absurd learning rate: terminateOnNaN stops the run, and the saved weights are the last finite ones', async () => {
  wl.setSeed(8);
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [3, 2] }), wl.layers.dense({ units: 1 })] });
  m.compile({ loss: 'mse', optimizer: wl.optimizers.sgd({ learningRate: 1e9 }) });
  const x = wl.randomUniform([32, 3, 2], -1, 1);
  const y = wl.randomUniform([32, 1], -10, 10);
  const finiteWeights: Float32Array[][] = [];
  const losses: number[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await m.fit(x, y, {
    epochs: 100, batchSize: 4, verbose: 0,
    callbacks: [
      { onBatchBegin: () => void finiteWeights.push(m.getWeights().map((w) => w.dataSync().slice())) },
      { onBatchEnd: (_, logs) => void losses.push(logs!.loss) },
      wl.callbacks.terminateOnNaN(),
    ],
  });
  log.mockRestore();
  expect(Number.isFinite(losses.at(-1)!)).toBe(false);
  expect(losses.length).toBeLessThan(400);
  const handler = wl.io.fromMemory();
  await m.save(handler);
  const saved = (await wl.loadLayersModel(handler)).getWeights();
  // the failing batch changed nothing: the weights are those it started from
  saved.forEach((w, i) => {
    expect(w.dataSync().every(Number.isFinite)).toBe(true);
    expectIdentical(w.dataSync(), finiteWeights.at(-1)![i], `weight ${i}`);
  });
});
