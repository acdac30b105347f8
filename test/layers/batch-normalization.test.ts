// BatchNormalization (shared/SPEC-LAYERS.md §15): the wasm forward and backward against the float64
// reference (test/reference/normalization.ts), whose gradients are checked by finite differences, in
// training (batch statistics, with and without a mask) and inference (moving statistics), with the
// channel axis last (vectorised over channels) and in the middle (vectorised over the inner axes),
// at small and larger sizes; the moving statistics over several fit steps against a float64
// simulation; summary, save/load with the moving statistics, the worker pool, and bad arguments.
// Covers src/layers/normalization/batch-normalization.ts (through the public wl.layers API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { runLayer } from '../helpers/layer-run.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { summaryLines } from '../helpers/seed-models.js';
import { dot } from '../reference/finite-difference.js';
import { expectFiniteDifferences } from '../reference/gradient-check.js';
import {
  batchMomentsRef, batchNormBackwardRef, batchNormRef, movingAverageRef, type BatchNormRefOptions, type Layout,
} from '../reference/normalization.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const layoutOf = (shape: number[], axis: number): Layout => ({ outer: product(shape.slice(0, axis)), channels: shape[axis], inner: product(shape.slice(axis + 1)) });
/** A (B, T) mask of 0 / 1 with at least one valid step. */
const maskOf = (rng: () => number, n: number) => Float64Array.from({ length: n }, (_, i) => (i === 0 || rng() > 0.35 ? 1 : 0));

describe('BatchNormalization reference (float64)', () => {
  for (const mode of ['training', 'training, masked', 'inference'] as const) {
    it(`has gradients equal to central finite differences (${mode})`, () => {
      const rng = testRng(mode.length);
      const l: Layout = { outer: 6, channels: 3, inner: 1 };
      const x = uniform(rng, 18, -2, 2);
      const dy = uniform(rng, 18);
      const o: BatchNormRefOptions = {
        gamma: uniform(rng, 3, 0.5, 1.5), beta: uniform(rng, 3), eps: 1e-3, training: mode !== 'inference',
        mask: mode.includes('masked') ? maskOf(rng, 6) : null, movingMean: uniform(rng, 3), movingVariance: uniform(rng, 3, 0.5, 2),
      };
      const g = batchNormBackwardRef(x, l, o, dy);
      const loss = () => dot(dy, batchNormRef(x, l, o).y);
      expectFiniteDifferences(loss, [['dx', g.dx, x], ['dgamma', g.dgamma, o.gamma as Float64Array], ['dbeta', g.dbeta, o.beta as Float64Array]]);
    });
  }
});

interface EngineCase {
  shape: number[];
  axis: number;
  training: boolean;
  masked?: boolean;
  center?: boolean;
  scale?: boolean;
}

const ENGINE_CASES: EngineCase[] = [
  { shape: [3, 5], axis: -1, training: true },
  { shape: [3, 5], axis: -1, training: false },
  { shape: [50, 13], axis: -1, training: true },
  { shape: [4, 6, 9], axis: -1, training: true, masked: true },
  { shape: [32, 20, 37], axis: -1, training: true, masked: true },
  { shape: [32, 20, 37], axis: -1, training: false },
  { shape: [7, 6, 9], axis: 1, training: true },
  { shape: [5, 3, 17], axis: 1, training: true, center: false },
  { shape: [5, 3, 17], axis: 1, training: false, scale: false },
  { shape: [64, 24], axis: -1, training: true, center: false, scale: false },
];

describe('BatchNormalization on the engine vs the float64 reference', () => {
  for (const c of ENGINE_CASES) {
    const label = `shape ${JSON.stringify(c.shape)}, axis ${c.axis}, ${c.training ? 'training' : 'inference'}${c.masked ? ', masked' : ''}` +
      `${c.center === false ? ', no center' : ''}${c.scale === false ? ', no scale' : ''}`;
    it(`${label}: y, dx, dgamma, dbeta and the batch statistics`, () => {
      const rng = testRng(product(c.shape) + c.axis);
      const axis = c.axis < 0 ? c.axis + c.shape.length : c.axis;
      const l = layoutOf(c.shape, axis);
      const size = product(c.shape);
      const x = uniform(rng, size, -2, 3);
      const dy = uniform(rng, size);
      const [scale, center] = [c.scale ?? true, c.center ?? true];
      const o: BatchNormRefOptions = {
        gamma: scale ? uniform(rng, l.channels, 0.5, 1.5) : null, beta: center ? uniform(rng, l.channels) : null, eps: 1e-3,
        training: c.training, mask: c.masked ? maskOf(rng, l.outer) : null,
        movingMean: uniform(rng, l.channels), movingVariance: uniform(rng, l.channels, 0.5, 2),
      };
      const layer = wl.layers.batchNormalization({ axis: c.axis, center, scale });
      layer.buildFor([[null, ...c.shape.slice(1)]]);
      layer.setWeights([o.gamma, o.beta, o.movingMean, o.movingVariance].filter((w) => w != null).map((w) => wl.tensor(f32(w!), [l.channels])));
      const mask = o.mask ? { data: o.mask, shape: c.shape.slice(0, -1) } : undefined;
      const run = runLayer(engine, layer, x, c.shape, { training: c.training, dy, mask });
      const ref = batchNormRef(x, l, o);
      const grads = batchNormBackwardRef(x, l, o, dy);
      const sums = Math.sqrt(size / l.channels);
      expectClose(run.y, ref.y, { tol: 2e-5, label: 'y' });
      expectClose(run.dx!, grads.dx, { tol: 2e-5, label: 'dx' });
      if (scale) expectClose(run.grads.get('gamma')!, grads.dgamma, { tol: 1e-5, scale: sums, label: 'dgamma' });
      if (center) expectClose(run.grads.get('beta')!, grads.dbeta, { tol: 1e-5, scale: sums, label: 'dbeta' });
      if (c.training) {
        const moments = batchMomentsRef(x, l, o.mask ?? null);
        expectClose(run.states.get('moving_mean')!, moments.mean, { tol: 1e-5, label: 'batch mean' });
        expectClose(run.states.get('moving_variance')!, moments.variance, { tol: 1e-5, label: 'batch variance' });
      } else {
        expect(layer.stateVariables.length ? run.states.get('moving_mean') : null, 'inference writes no state').toEqual(new Float32Array(l.channels));
      }
    });
  }

  it('trainable false: training uses the moving statistics and has no state updates', () => {
    const rng = testRng(77);
    const x = uniform(rng, 40, -2, 2);
    const layer = wl.layers.batchNormalization({ trainable: false });
    layer.buildFor([[null, 8]]);
    expect(layer.stateVariables).toEqual([]);
    expect([layer.trainableWeights.length, layer.nonTrainableWeights.length]).toEqual([0, 4]);
    const training = runLayer(engine, layer, x, [5, 8], { training: true });
    const inference = runLayer(engine, layer, x, [5, 8], { training: false });
    expectIdentical(training.y, inference.y, 'frozen: training = inference');
  });
});

/** Input → BatchNormalization → Dense(softmax): the BatchNormalization sees the data itself. */
function bnModel(args: wl.BatchNormalizationLayerArgs = {}) {
  return wl.sequential({
    layers: [wl.layers.batchNormalization({ name: 'bn', inputShape: [6, 5], ...args }), wl.layers.dense({ units: 3, activation: 'softmax' })],
  });
}

function data(samples: number, seed = 4) {
  const rng = testRng(seed);
  const x = uniform(rng, samples * 30, -1, 4);
  const labels = Array.from({ length: samples * 6 }, (_, i) => (i * 5 + seed) % 3);
  return { raw: x, x: wl.tensor(f32(x), [samples, 6, 5]), y: wl.oneHot(wl.tensor1d(labels, 'int32'), 3).reshape([samples, 6, 3]) };
}

describe('BatchNormalization in a model', () => {
  it('summary row: Keras\'s output shape, 4·C parameters of which 2·C non-trainable', () => {
    wl.clearSession();
    const model = bnModel();
    const lines = summaryLines(model);
    expect(lines.find((l) => l.startsWith('bn '))).toBe('bn (BatchNormalization)      (None, 6, 5)              20        ');
    expect(lines).toContain('Total params: 38');
    expect(lines).toContain('Trainable params: 28');
    expect(lines).toContain('Non-trainable params: 10');
  });

  it('the moving statistics after several fit steps equal a float64 simulation (momentum 0.9)', async () => {
    const { raw, x, y } = data(40);
    const model = bnModel({ momentum: 0.9 });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    await model.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, workers: 0 });
    const [, , movingMean, movingVariance] = model.layers[0].getWeights().map((w) => w.dataSync());
    let mean: Float64Array = new Float64Array(5);
    let variance: Float64Array = new Float64Array(5).fill(1);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let start = 0; start < 40; start += 16) {
        const rows = Math.min(16, 40 - start);
        const batch = batchMomentsRef(raw.subarray(start * 30, (start + rows) * 30), { outer: rows * 6, channels: 5, inner: 1 }, null);
        mean = movingAverageRef(mean, batch.mean, 0.9);
        variance = movingAverageRef(variance, batch.variance, 0.9);
      }
    }
    expectClose(movingMean, mean, { tol: 1e-5, label: 'moving_mean' });
    expectClose(movingVariance, variance, { tol: 1e-5, label: 'moving_variance' });
    // predict uses them: the reference in inference mode with the trained gamma, beta and moving statistics
    const [gamma, beta] = model.layers[0].getWeights().map((w) => w.dataSync());
    const bnOut = wl.sequential({ layers: [wl.layers.batchNormalization({ inputShape: [6, 5] })] });
    bnOut.setWeights(model.layers[0].getWeights());
    const predicted = ((await bnOut.predict(x, { workers: 0 })) as wl.Tensor).dataSync();
    const ref = batchNormRef(raw, { outer: 240, channels: 5, inner: 1 }, { gamma, beta, eps: 1e-3, training: false, movingMean, movingVariance });
    expectClose(predicted, ref.y, { tol: 1e-5, label: 'predict with the moving statistics' });
    await model.dispose();
    await bnOut.dispose();
  });

  it('behind Masking, the batch statistics leave the masked steps out (Keras 3 masked moments)', async () => {
    const { raw, y } = data(8, 12);
    const values = Float64Array.from(raw);
    const mask = Array.from({ length: 48 }, (_, r) => (r % 6 >= 4 && r % 12 !== 5 ? 0 : 1)); // trailing padding, varied
    mask.forEach((m, r) => m === 0 && values.fill(0, r * 5, r * 5 + 5));
    const model = wl.sequential({ layers: [wl.layers.masking({ inputShape: [6, 5] }), wl.layers.batchNormalization({ momentum: 0.5 }), wl.layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    await model.fit(wl.tensor(f32(values), [8, 6, 5]), y, { batchSize: 8, epochs: 1, verbose: 0, workers: 0 });
    const [, , movingMean, movingVariance] = model.layers[1].getWeights().map((w) => w.dataSync());
    const batch = batchMomentsRef(values, { outer: 48, channels: 5, inner: 1 }, mask);
    expectClose(movingMean, movingAverageRef(new Float64Array(5), batch.mean, 0.5), { tol: 1e-6, label: 'moving_mean' });
    expectClose(movingVariance, movingAverageRef(new Float64Array(5).fill(1), batch.variance, 0.5), { tol: 1e-6, label: 'moving_variance' });
    const unmasked = batchMomentsRef(values, { outer: 48, channels: 5, inner: 1 }, null);
    expect(Math.abs(unmasked.mean[0] - batch.mean[0]), 'the mask changes the statistics').toBeGreaterThan(1e-2);
    await model.dispose();
  });

  it('saves and loads the moving statistics (tfjs layers format): same weights, config and predictions', async () => {
    const { x, y } = data(24);
    const model = bnModel({ momentum: 0.8, epsilon: 1e-4, center: false });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
    await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0, workers: 0 });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.layers[0].getConfig()).toMatchObject({ axis: -1, momentum: 0.8, epsilon: 1e-4, center: false, scale: true, synchronized: false });
    expect(loaded.getConfig()).toEqual(model.getConfig());
    expect(loaded.layers[0].weights.map((w) => [w.name, w.trainable])).toEqual([['bn/gamma', true], ['bn/moving_mean', false], ['bn/moving_variance', false]]);
    const moving = model.layers[0].getWeights()[1].dataSync();
    expect(Array.from(moving).some((v) => v !== 0), 'the fit moved the moving mean').toBe(true);
    loaded.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), model.getWeights()[i].dataSync(), `weight ${i}`));
    expectIdentical(((await loaded.predict(x, { workers: 0 })) as wl.Tensor).dataSync(), ((await model.predict(x, { workers: 0 })) as wl.Tensor).dataSync(), 'predictions');
    await model.dispose();
    await loaded.dispose();
  });

  it('fit with workers: 2 gives the in-process weights (the step runs in one share: whole-batch statistics); predict on the pool equals in-process', async () => {
    const train = async (workers: 0 | 2) => {
      wl.clearSession();
      wl.setSeed(3);
      const { x, y } = data(96, 8);
      const model = wl.sequential({
        layers: [
          wl.layers.gru({ units: 32, returnSequences: true, inputShape: [6, 5] }), wl.layers.batchNormalization(),
          wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3, activation: 'softmax' }) }),
        ],
      });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
      const history = await model.fit(x, y, { batchSize: 48, epochs: 2, verbose: 0, workers });
      const big = data(2000, 9).x;
      await model.predictAsync(big, { workers, batchSize: 1000 }); // starts the pool (workers: 2)
      const predicted = ((await model.predictAsync(big, { workers, batchSize: 1000 })) as wl.Tensor).dataSync();
      const weights = model.getWeights().map((w) => w.dataSync().slice());
      const poolSize = wl.poolInfo()?.size ?? 0;
      await model.dispose();
      return { loss: history.history.loss as number[], weights, predicted, poolSize };
    };
    const inProcess = await train(0);
    const pooled = await train(2);
    expect(pooled.poolSize, 'predict ran on the pool').toBe(2);
    pooled.weights.forEach((w, i) => expectIdentical(w, inProcess.weights[i], `weight ${i}`));
    expectIdentical(pooled.loss, inProcess.loss, 'loss');
    expectClose(pooled.predicted, inProcess.predicted, { tol: 1e-5, label: 'predict on 2 workers' });
  });
});

describe('BatchNormalization refuses bad arguments before any work', () => {
  it('momentum outside [0, 1], epsilon ≤ 0, a non-integer axis, unsupported Keras options', () => {
    expect(() => wl.layers.batchNormalization({ momentum: 1.5 })).toThrow('received an invalid value for momentum, expected a number in [0, 1]. Received: momentum=1.5');
    expect(() => wl.layers.batchNormalization({ momentum: -0.1 })).toThrow('expected a number in [0, 1]');
    expect(() => wl.layers.batchNormalization({ epsilon: 0 })).toThrow('received an invalid value for epsilon, expected a positive number. Received: epsilon=0');
    expect(() => wl.layers.batchNormalization({ axis: [1] as unknown as number })).toThrow('expected an integer');
    expect(() => wl.layers.batchNormalization({ renorm: true } as wl.BatchNormalizationLayerArgs)).toThrow('batch renormalization is not supported');
    expect(() => wl.layers.batchNormalization({ synchronized: true } as wl.BatchNormalizationLayerArgs)).toThrow('synchronized batch statistics are not supported');
  });

  it('an axis out of range or on the batch axis, named with the input shape', () => {
    const input = wl.input({ shape: [6, 5] });
    expect(() => wl.layers.batchNormalization({ axis: 3 }).apply(input)).toThrow('axis 3 is out of range for an input of shape (None, 6, 5): expected an axis in [-2, 2] other than the batch axis (0 or -3)');
    expect(() => wl.layers.batchNormalization({ axis: -3 }).apply(input)).toThrow('other than the batch axis');
  });

  it('a shared BatchNormalization is refused by fit (Keras updates the statistics per call); a mask with the channel axis not last is refused', async () => {
    const a = wl.input({ shape: [4] });
    const b = wl.input({ shape: [4] });
    const bn = wl.layers.batchNormalization({ name: 'shared_bn' });
    const sum = wl.layers.dense({ units: 2, activation: 'softmax' }).apply(bn.apply(a) as wl.SymbolicTensor) as wl.SymbolicTensor;
    const other = wl.layers.dense({ units: 2, activation: 'softmax' }).apply(bn.apply(b) as wl.SymbolicTensor) as wl.SymbolicTensor;
    const model = wl.model({ inputs: [a, b], outputs: [sum, other] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    const x = wl.randomUniform([4, 4]);
    const y = wl.oneHot(wl.tensor1d([0, 1, 0, 1], 'int32'), 2);
    await expect(model.fit([x, x], [y, y], { epochs: 1, verbose: 0 })).rejects.toThrow('Layer shared_bn (BatchNormalization) is called 2 times in this model: training a shared layer with moving statistics is not supported');

    const masked = wl.sequential({ layers: [wl.layers.masking({ inputShape: [3, 4] }), wl.layers.batchNormalization({ axis: 1, name: 'bn_t' })] });
    masked.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    await expect(masked.fit(wl.randomUniform([2, 3, 4]), wl.randomUniform([2, 3, 4]), { epochs: 1, verbose: 0 })).rejects.toThrow(
      'BatchNormalization bn_t: a mask of shape (2, 3) reached an input of shape (2, 3, 4) normalized over axis 1: masked batch statistics need the channel axis last',
    );
  });
});
