// LayerNormalization (shared/SPEC-LAYERS.md §14): the wasm forward and backward against the float64
// reference (test/reference/normalization.ts), whose gradients are checked by finite differences,
// at a small size and at a larger one with vector tails; center/scale off; trailing axes lists;
// summary, config round trip, the worker pool, and the refusals of bad arguments.
// Covers src/layers/normalization/layer-normalization.ts (through the public wl.layers API).
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
import { layerNormBackwardRef, layerNormRef } from '../reference/normalization.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

describe('LayerNormalization reference (float64)', () => {
  it('has gradients equal to central finite differences (x, gamma, beta)', () => {
    const rng = testRng(3);
    const [rows, n, eps] = [3, 5, 1e-3];
    const x = uniform(rng, rows * n, -2, 2);
    const gamma = uniform(rng, n, 0.5, 1.5);
    const beta = uniform(rng, n);
    const dy = uniform(rng, rows * n);
    const loss = () => dot(dy, layerNormRef(x, n, gamma, beta, eps));
    const g = layerNormBackwardRef(x, n, gamma, eps, dy);
    expectFiniteDifferences(loss, [['dx', g.dx, x], ['dgamma', g.dgamma, gamma], ['dbeta', g.dbeta, beta]]);
  });
});

describe('LayerNormalization on the engine vs the float64 reference', () => {
  // (rows, n): one row shorter than a vector; several rows with tails; a large block
  for (const [shape, axis] of [[[3, 5], -1], [[4, 7, 13], -1], [[64, 9, 131], -1], [[5, 6, 7], [-2, -1]], [[5, 6, 3], [2, 1]]] as [number[], number | number[]][]) {
    for (const [center, scale] of [[true, true], [false, true], [true, false]]) {
      it(`shape ${JSON.stringify(shape)}, axis ${JSON.stringify(axis)}, center ${center}, scale ${scale}: y, dx, dgamma, dbeta`, () => {
        const rng = testRng(shape.length * 100 + shape[shape.length - 1]);
        const n = Array.isArray(axis) ? shape.slice(-axis.length).reduce((a, b) => a * b, 1) : shape[shape.length - 1];
        const size = shape.reduce((a, b) => a * b, 1);
        const x = uniform(rng, size, -3, 3);
        const dy = uniform(rng, size);
        const gamma = scale ? uniform(rng, n, 0.5, 1.5) : null;
        const beta = center ? uniform(rng, n) : null;
        const layer = wl.layers.layerNormalization({ axis, center, scale, epsilon: 1e-3 });
        layer.buildFor([[null, ...shape.slice(1)]]);
        layer.setWeights([gamma, beta].filter((w) => w != null).map((w) => wl.tensor(f32(w!), layer.weights[[gamma, beta].filter((v) => v != null).indexOf(w)].shape)));
        const run = runLayer(engine, layer, x, shape, { training: true, dy });
        const ref = layerNormBackwardRef(x, n, gamma, 1e-3, dy);
        expectClose(run.y, layerNormRef(x, n, gamma, beta, 1e-3), { tol: 1e-5, label: 'y' });
        expectClose(run.dx!, ref.dx, { tol: 2e-5, label: 'dx' });
        if (scale) expectClose(run.grads.get('gamma')!, ref.dgamma, { tol: 1e-5, scale: Math.sqrt(size / n), label: 'dgamma' });
        if (center) expectClose(run.grads.get('beta')!, ref.dbeta, { tol: 1e-5, scale: Math.sqrt(size / n), label: 'dbeta' });
      });
    }
  }

  it('is the same in training and inference, and keeps a masked input\'s mask', () => {
    const rng = testRng(9);
    const x = uniform(rng, 2 * 4 * 6);
    const layer = wl.layers.layerNormalization();
    const a = runLayer(engine, layer, x, [2, 4, 6], { training: true });
    const b = runLayer(engine, layer, x, [2, 4, 6], { training: false });
    expectIdentical(a.y, b.y, 'training vs inference');
    expect(layer.supportsMasking).toBe(true);
  });
});

describe('LayerNormalization in a model', () => {
  const build = () => wl.sequential({
    layers: [
      wl.layers.gru({ units: 24, returnSequences: true, inputShape: [10, 8] }),
      wl.layers.layerNormalization({ name: 'ln' }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4, activation: 'softmax' }) }),
    ],
  });

  it('summary row: Keras\'s output shape and 2·C parameters (gamma, beta)', () => {
    wl.clearSession();
    const model = build();
    expect(summaryLines(model).find((l) => l.startsWith('ln '))).toBe('ln (LayerNormalization)      (None, 10, 24)            48        ');
    expect(model.layers[1].weights.map((w) => [w.name, w.shape])).toEqual([['ln/gamma', [24]], ['ln/beta', [24]]]);
    const multi = wl.sequential({ layers: [wl.layers.layerNormalization({ axis: [-2, -1], inputShape: [4, 6] })] });
    expect(multi.countParams()).toBe(2 * 24);
    expect(multi.layers[0].weights.map((w) => w.shape)).toEqual([[4, 6], [4, 6]]);
  });

  it('round-trips through the tfjs layers format (config with axis as a list, weights, predictions)', async () => {
    wl.setSeed(5);
    const model = wl.sequential({ layers: [wl.layers.layerNormalization({ axis: -1, epsilon: 1e-5, center: false, inputShape: [3, 7] })] });
    model.layers[0].setWeights([wl.randomUniform([7])]);
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    const config = loaded.layers[0].getConfig();
    expect(config).toMatchObject({ axis: [-1], epsilon: 1e-5, center: false, scale: true, rms_scaling: false });
    expect(loaded.getConfig()).toEqual(model.getConfig());
    const x = wl.randomUniform([4, 3, 7]);
    expectIdentical(((await loaded.predict(x)) as wl.Tensor).dataSync(), ((await model.predict(x)) as wl.Tensor).dataSync(), 'predictions');
  });

  it('fit with workers: 2 (on the pool) equals in-process within 1e-5', async () => {
    const train = async (workers: 0 | 2) => {
      wl.clearSession();
      wl.setSeed(17);
      const x = wl.randomUniform([96, 10, 8]);
      const y = wl.oneHot(wl.tensor1d(Array.from({ length: 96 * 10 }, (_, i) => (i * 7) % 4), 'int32'), 4).reshape([96, 10, 4]);
      const model = build();
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      const history = await model.fit(x, y, { batchSize: 48, epochs: 2, shuffle: false, verbose: 0, workers });
      const weights = model.getWeights().map((w) => w.dataSync().slice());
      const poolSize = wl.poolInfo()?.size ?? 0;
      await model.dispose();
      return { loss: history.history.loss as number[], weights, poolSize };
    };
    const inProcess = await train(0);
    const pooled = await train(2);
    expect(pooled.poolSize, 'the pool ran').toBe(2);
    pooled.weights.forEach((w, i) => expectClose(w, inProcess.weights[i], { tol: 1e-5, label: `weight ${i}` }));
    expectClose(pooled.loss, inProcess.loss, { tol: 1e-5, label: 'loss' });
  });
});

describe('LayerNormalization refuses bad arguments before any work', () => {
  it('epsilon ≤ 0, a non-integer axis, an axis out of range, a repeated or non-trailing axis', () => {
    expect(() => wl.layers.layerNormalization({ epsilon: 0 })).toThrow('received an invalid value for epsilon, expected a positive number. Received: epsilon=0');
    expect(() => wl.layers.layerNormalization({ epsilon: -1e-3 })).toThrow('expected a positive number');
    expect(() => wl.layers.layerNormalization({ axis: 1.5 })).toThrow('expected an integer or a non-empty list of integers. Received: axis=1.5');
    expect(() => wl.layers.layerNormalization({ axis: [] })).toThrow('non-empty list');
    const input = wl.input({ shape: [6, 5] });
    expect(() => wl.layers.layerNormalization({ axis: 3 }).apply(input)).toThrow('axis 3 is out of range for an input of shape (None, 6, 5): expected an axis in [-2, 2] other than the batch axis (0 or -3)');
    expect(() => wl.layers.layerNormalization({ axis: 0 }).apply(input)).toThrow('other than the batch axis');
    expect(() => wl.layers.layerNormalization({ axis: [-1, 2] }).apply(input)).toThrow('names an axis twice');
    expect(() => wl.layers.layerNormalization({ axis: 1 }).apply(input)).toThrow('normalizing over axis (1,) of an input of shape (None, 6, 5) is not supported yet: the axes must be the last ones');
    expect(() => wl.layers.layerNormalization({ rmsScaling: true } as wl.LayerNormalizationLayerArgs)).toThrow('rms_scaling is not supported yet');
  });
});
