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

// A non-finite prediction makes the loss non-finite, as Keras reports it (the clip before the log
// must not turn a NaN into a finite number), so terminateOnNaN stops at the batch that produced it.
const NAN_CASES: [string, wl.ActivationIdentifier, wl.LossIdentifier, number, number[][] | number[]][] = [
  ['softmax + categorical CE', 'softmax', 'categoricalCrossentropy', 3, [[1, 0, 0]]],
  ['softmax + sparse categorical CE', 'softmax', 'sparseCategoricalCrossentropy', 3, [0]],
  ['sigmoid + binary CE', 'sigmoid', 'binaryCrossentropy', 1, [[1]]],
  ['linear + categorical CE (not fused)', 'linear', 'categoricalCrossentropy', 3, [[1, 0, 0]]],
  ['linear + mse', 'linear', 'mse', 1, [[1]]],
  ['linear + mae', 'linear', 'mae', 1, [[1]]],
  ['linear + huber', 'linear', 'huber', 1, [[1]]],
];

for (const [label, activation, loss, units, target] of NAN_CASES) {
  it(`a NaN prediction gives a NaN loss: ${label}, and terminateOnNaN stops at batch 0`, async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units, activation, inputShape: [2] })] });
    const kernel = new Float32Array(2 * units);
    kernel[0] = Number.NaN; // the first unit's prediction is NaN
    m.setWeights([wl.tensor(kernel, [2, units]), wl.zeros([units])]);
    m.compile({ loss, optimizer: 'sgd' });
    const y = wl.tensor(target as number[][]);
    const evaluated = (await m.evaluate(wl.tensor([[1, 1]]), y, { workers: 0 })) as wl.Tensor;
    expect(evaluated.dataSync()[0]).toBeNaN();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const history = await m.fit(wl.tensor([[1, 1]]), y, { epochs: 3, batchSize: 1, verbose: 0, workers: 0, callbacks: [wl.callbacks.terminateOnNaN()] });
    expect(log).toHaveBeenCalledWith('Batch 0: Invalid loss, terminating training');
    log.mockRestore();
    expect(history.history.loss.length).toBe(1);
    expect(history.history.loss[0]).toBeNaN();
  });
}
