// tf.train, tf.losses and tf.metrics against TensorFlow.js 4.22 itself (cpu backend): the same
// optimizer arguments train a model to the same weights, and the loss and metric functions give
// tfjs's values, reductions and weights included.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { tfjs } from './tfjs.js';
import { expectClose } from '../helpers/compare.js';

/** Deterministic values in [−1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31) - 1);
}

describe('tf.train', () => {
  // tol: Adam's ε enters Keras 3's step scaled by sqrt(1 − β₂ᵗ) (docs/from-tfjs.md); centered RMSprop
  // with a tiny ε, since tfjs subtracts ε under the square root where Keras adds it
  const cases: [string, (w: typeof wl.train) => wl.Optimizer, (t: Awaited<ReturnType<typeof tfjs>>['tf']['train']) => unknown, number?][] = [
    ['sgd(0.1)', (w) => w.sgd(0.1), (t) => t.sgd(0.1)],
    ['momentum(0.05, 0.9)', (w) => w.momentum(0.05, 0.9), (t) => t.momentum(0.05, 0.9)],
    ['momentum(0.05, 0.9, nesterov)', (w) => w.momentum(0.05, 0.9, true), (t) => t.momentum(0.05, 0.9, true)],
    ['rmsprop(0.01)', (w) => w.rmsprop(0.01), (t) => t.rmsprop(0.01)],
    ['rmsprop(0.01, 0.8, 0.5, 1e-6)', (w) => w.rmsprop(0.01, 0.8, 0.5, 1e-6), (t) => t.rmsprop(0.01, 0.8, 0.5, 1e-6)],
    ['rmsprop(0.01, 0.8, 0.5, 1e-12, centered)', (w) => w.rmsprop(0.01, 0.8, 0.5, 1e-12, true), (t) => t.rmsprop(0.01, 0.8, 0.5, 1e-12, true)],
    ['adam(0.01)', (w) => w.adam(0.01), (t) => t.adam(0.01), 1e-4],
    ['adam(0.01, 0.8, 0.99, 1e-12)', (w) => w.adam(0.01, 0.8, 0.99, 1e-12), (t) => t.adam(0.01, 0.8, 0.99, 1e-12)],
  ];
  for (const [name, ours, theirs, tol = 2e-6] of cases) {
    it(`${name} trains a dense model to tfjs's weights`, async () => {
      const { tf, tfl } = await tfjs();
      const x = values(32 * 3, 1);
      const y = values(32 * 2, 2);
      const peer = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), tfl.layers.dense({ units: 2 })] });
      const model = wl.sequential({ layers: [wl.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), wl.layers.dense({ units: 2 })] });
      peer.setWeights(peer.getWeights().map((w, i) => tf.tensor(values(w.size, 10 + i).map((v) => 0.5 * v), w.shape)));
      model.setWeights(peer.getWeights().map((w) => wl.tensor(w.dataSync() as Float32Array, w.shape)));
      peer.compile({ loss: 'meanSquaredError', optimizer: theirs(tf.train) as never });
      model.compile({ loss: 'meanSquaredError', optimizer: ours(wl.train) });
      const fitArgs = { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 } as const;
      await peer.fit(tf.tensor2d(x, [32, 3]), tf.tensor2d(y, [32, 2]), fitArgs);
      await model.fit(wl.tensor(x, [32, 3]), wl.tensor(y, [32, 2]), { ...fitArgs, workers: 0 });
      const expected = peer.getWeights();
      model.getWeights().forEach((w, i) => expectClose(w.dataSync(), expected[i].dataSync() as Float32Array, { tol }));
    });
  }

  it('refuses a learning rate that is not a positive number, naming the factory', () => {
    expect(() => wl.train.sgd(undefined as never)).toThrow(/train\.sgd: .*learningRate.*positive number/);
    expect(() => wl.train.rmsprop(-1)).toThrow(/train\.rmsprop/);
  });
});

describe('tf.losses', () => {
  const shape = [4, 3];
  const labels = values(12, 3).map((v) => (v > 0 ? 1 : 0));
  const predictions = values(12, 4).map((v) => 0.5 + 0.45 * v);
  const logits = values(12, 5).map((v) => 6 * v);
  const weights = [[1], [0], [2], [0.5]];
  const reductions = [wl.Reduction.NONE, wl.Reduction.MEAN, wl.Reduction.SUM, wl.Reduction.SUM_BY_NONZERO_WEIGHTS];

  it("every loss gives tfjs's value, with and without weights, under every reduction", async () => {
    const { tf } = await tfjs();
    const T = (v: number[] | number[][]) => tf.tensor(v as number[], Array.isArray(v[0]) ? undefined : shape);
    const W = (v: number[] | number[][]) => wl.tensor(v as number[], Array.isArray(v[0]) ? undefined : shape);
    const pairs: [string, (l: typeof wl.losses, w: wl.Tensor | null, r: wl.Reduction) => wl.Tensor, (l: typeof tf.losses, w: unknown, r: number) => { dataSync(): ArrayLike<number>; shape: number[] }][] = [
      ['absoluteDifference', (l, w, r) => l.absoluteDifference(W(labels), W(predictions), w, r), (l, w, r) => l.absoluteDifference(T(labels), T(predictions), w as never, r)],
      ['meanSquaredError', (l, w, r) => l.meanSquaredError(W(labels), W(predictions), w, r), (l, w, r) => l.meanSquaredError(T(labels), T(predictions), w as never, r)],
      ['huberLoss', (l, w, r) => l.huberLoss(W(labels), W(logits), w, 1.5, r), (l, w, r) => l.huberLoss(T(labels), T(logits), w as never, 1.5, r)],
      ['logLoss', (l, w, r) => l.logLoss(W(labels), W(predictions), w, 1e-7, r), (l, w, r) => l.logLoss(T(labels), T(predictions), w as never, 1e-7, r)],
      ['hingeLoss', (l, w, r) => l.hingeLoss(W(labels), W(logits), w, r), (l, w, r) => l.hingeLoss(T(labels), T(logits), w as never, r)],
      ['cosineDistance', (l, w, r) => l.cosineDistance(W(labels), W(predictions), 1, w, r), (l, w, r) => l.cosineDistance(T(labels), T(predictions), 1, w as never, r)],
      ['sigmoidCrossEntropy', (l, w, r) => l.sigmoidCrossEntropy(W(labels), W(logits), w, 0.2, r), (l, w, r) => l.sigmoidCrossEntropy(T(labels), T(logits), w as never, 0.2, r)],
      ['softmaxCrossEntropy', (l, w, r) => l.softmaxCrossEntropy(W(labels), W(logits), w, 0.1, r), (l, w, r) => l.softmaxCrossEntropy(T(labels), T(logits), w as never, 0.1, r)],
    ];
    for (const [name, ours, theirs] of pairs) {
      for (const r of reductions) {
        for (const withWeights of [false, true]) {
          const got = ours(wl.losses, withWeights ? wl.tensor(weights) : null, r);
          const want = theirs(tf.losses, withWeights ? tf.tensor(weights) : undefined, r);
          expect(got.shape, `${name} r=${r} weights=${withWeights}`).toEqual(want.shape);
          expectClose(got.dataSync(), Float32Array.from(want.dataSync()), { tol: 2e-6 });
        }
      }
    }
    expect(wl.losses.computeWeightedLoss(wl.tensor([1, 2, 3]), wl.tensor([1, 0, 1])).dataSync()[0]).toBe(2);
  });

  it('refuses labels and predictions of different shapes, naming both', () => {
    expect(() => wl.losses.meanSquaredError([1, 2], [1, 2, 3])).toThrow(/losses\.meanSquaredError: labels and predictions must have the same shape, got \[2\] and \[3\]/);
  });
});

describe('tf.metrics', () => {
  it("every metric function gives tfjs-layers' value", async () => {
    const { tf, tfl } = await tfjs();
    const yTrue = values(12, 6).map((v) => (v > 0 ? 1 : 0));
    const probabilities = values(12, 7).map((v) => 0.5 + 0.45 * v);
    const hard = probabilities.map((p) => (p > 0.5 ? 1 : 0));
    const reals = values(12, 8);
    const classes = [2, 0, 1, 1];
    const theirs = tfl.metrics as unknown as Record<string, (a: unknown, b: unknown) => { dataSync(): ArrayLike<number>; shape: number[] }>;
    const ours = wl.metrics as unknown as Record<string, (a: unknown, b: unknown) => wl.Tensor>;
    const cases: [string, number[], number[] | number[][], number[]?][] = [
      ['binaryAccuracy', yTrue, probabilities],
      ['categoricalAccuracy', yTrue, probabilities],
      ['precision', yTrue, hard],
      ['recall', yTrue, hard],
      ['binaryCrossentropy', yTrue, probabilities],
      ['categoricalCrossentropy', yTrue, probabilities],
      ['cosineProximity', reals, probabilities],
      ['meanSquaredError', reals, probabilities],
      ['MSE', reals, probabilities],
      ['mse', reals, probabilities],
      ['meanAbsoluteError', reals, probabilities],
      ['meanAbsolutePercentageError', reals, probabilities],
      ['MAPE', reals, probabilities],
      ['mape', reals, probabilities],
      ['r2Score', reals, probabilities],
    ];
    for (const [name, t, p] of cases) {
      const want = theirs[name](tf.tensor(t, [4, 3]), tf.tensor(p as number[], [4, 3]));
      const got = ours[name](wl.tensor(t, [4, 3]), wl.tensor(p as number[], [4, 3]));
      expect(got.shape, name).toEqual(want.shape);
      expectClose(got.dataSync(), Float32Array.from(want.dataSync()), { tol: 2e-6, scale: name.startsWith('m') || name === 'MAPE' ? 100 : 1 });
    }
    const sparse = theirs.sparseCategoricalAccuracy(tf.tensor(classes, [4, 1]), tf.tensor(probabilities, [4, 3]));
    expect(Array.from(ours.sparseCategoricalAccuracy(wl.tensor(classes, [4, 1]), wl.tensor(probabilities, [4, 3])).dataSync())).toEqual(Array.from(sparse.dataSync()));
    expect(Array.from(wl.metrics.binaryAccuracy([[1, 0]], [[0.7, 0.6]]).dataSync())).toEqual([0.5]);
  });
});
