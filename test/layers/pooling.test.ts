// MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D (shared/SPEC-LAYERS.md
// §11, §12): forward and backward against the float64 reference over pool sizes, strides and both
// paddings at a small and a larger size (channel tails, overlapping windows), the reference's
// gradients by finite differences, Keras's observed values, masks (the global average excludes
// masked steps; the others drop the mask as Keras 3), keepdims, shapes, summary, configs, errors,
// and the worker pool.
// Covers src/layers/pooling/average-pooling1d.ts, src/layers/pooling/global-average-pooling1d.ts, src/layers/pooling/global-max-pooling1d.ts, src/layers/pooling/max-pooling1d.ts (through the public wl.layers API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { expectWorkersFitLikeInProcess, runLayer } from '../helpers/layer-step.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { dot, numericGradientAt } from '../reference/finite-difference.js';
import { avgPoolRef, globalShape, maxPoolRef, type Pool1DRefShape } from '../reference/pooling.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const SIZES = { small: { batch: 2, steps: 7, channels: 3 }, larger: { batch: 3, steps: 50, channels: 37 } };
const WINDOWS = [{ pool: 2, stride: 2 }, { pool: 3, stride: 2 }, { pool: 3, stride: 1 }, { pool: 4, stride: 3 }, { pool: 1, stride: 1 }];
type Kind = 'max' | 'average';
const refOf = (kind: Kind) => (kind === 'max' ? maxPoolRef : avgPoolRef);
const make = (kind: Kind, args: wl.AveragePooling1DLayerArgs) => (kind === 'max' ? wl.layers.maxPooling1d(args) : wl.layers.averagePooling1d(args));

describe('1-D pooling against the float64 reference', () => {
  for (const kind of ['max', 'average'] as const) {
    for (const [size, base] of Object.entries(SIZES)) {
      for (const padding of ['valid', 'same'] as const) {
        for (const { pool, stride } of WINDOWS) {
          const s: Pool1DRefShape = { ...base, pool, stride, padding };
          const label = `${kind} ${size} pool ${pool} stride ${stride} ${padding}`;
          it(`${label}: y and dx; the reference's dx by finite differences`, () => {
            const rng = testRng(pool * 10 + stride);
            const x = uniform(rng, s.batch * s.steps * s.channels);
            const expected = refOf(kind)(s, x);
            const dy = uniform(rng, expected.y.length);
            const run = runLayer(engine, make(kind, { poolSize: pool, strides: stride, padding }), x, [s.batch, s.steps, s.channels], { dy });
            expect(run.yShape).toEqual([s.batch, expected.y.length / s.batch / s.channels, s.channels]);
            const ref = refOf(kind)(s, x, dy);
            expectClose(run.y, ref.y, { tol: 1e-6, scale: 1, label: `${label} y` });
            expectClose(run.dx!, ref.dx, { tol: 1e-6, scale: 1, label: `${label} dx` });
            const at = x.length <= 60 ? Array.from(x, (_, i) => i) : Array.from({ length: 25 }, (_, i) => Math.round((i * (x.length - 1)) / 24));
            const fd = numericGradientAt(() => dot(dy, refOf(kind)(s, x).y), x, at);
            expectClose(at.map((i) => ref.dx[i]), fd, { tol: 1e-6, scale: 1, label: `${label} reference dx` });
          });
        }
      }
    }
  }

  it("Keras's observed values (§11): average pooling with 'same' counts only the real cells", () => {
    const x = Array.from({ length: 7 }, (_, i) => i + 1);
    const avg = (args: wl.AveragePooling1DLayerArgs) => Array.from(runLayer(engine, wl.layers.averagePooling1d(args), x, [1, 7, 1], { training: false }).y);
    expect(avg({ poolSize: 2, padding: 'same' }).at(-1)).toBe(7);
    expect(avg({ poolSize: 3, strides: 2, padding: 'same' })).toEqual([1.5, 3, 5, 6.5]);
    // max: ties go to the first cell, and a window of padding only never occurs
    const ties = runLayer(engine, wl.layers.maxPooling1d({ poolSize: 3 }), [2, 2, 1, 5, 5, 5], [1, 6, 1], { dy: [1, 1] });
    expect(Array.from(ties.dx!)).toEqual([1, 0, 0, 1, 0, 0]);
  });
});

describe('global pooling', () => {
  for (const [size, { batch, steps, channels }] of Object.entries(SIZES)) {
    for (const kind of ['max', 'average'] as const) {
      it(`${kind} ${size}: y (B, C) and dx against the reference; keepdims gives (B, 1, C)`, () => {
        const rng = testRng(steps);
        const x = uniform(rng, batch * steps * channels);
        const dy = uniform(rng, batch * channels);
        const layer = kind === 'max' ? wl.layers.globalMaxPooling1d() : wl.layers.globalAveragePooling1d();
        const run = runLayer(engine, layer, x, [batch, steps, channels], { dy });
        const ref = refOf(kind)(globalShape(batch, steps, channels), x, dy);
        expect(run.yShape).toEqual([batch, channels]);
        expectClose(run.y, ref.y, { tol: 1e-6, scale: 1, label: 'y' });
        expectClose(run.dx!, ref.dx, { tol: 1e-6, scale: 1, label: 'dx' });
        const keep = kind === 'max' ? wl.layers.globalMaxPooling1d({ keepdims: true }) : wl.layers.globalAveragePooling1d({ keepdims: true });
        const kept = runLayer(engine, keep, x, [batch, steps, channels]);
        expect(kept.yShape).toEqual([batch, 1, channels]);
        expect(Array.from(kept.y)).toEqual(Array.from(run.y));
      });
    }
  }

  it('GlobalAveragePooling1D with a mask averages the unmasked steps only (Keras 3), NaN for a wholly masked sample', () => {
    const [batch, steps, channels] = [3, 6, 5];
    const rng = testRng(4);
    const x = uniform(rng, batch * steps * channels);
    const dy = uniform(rng, batch * channels);
    const mask = [1, 1, 0, 1, 0, 0, /**/ 0, 0, 0, 0, 0, 1, /**/ 0, 0, 0, 0, 0, 0];
    const run = runLayer(engine, wl.layers.globalAveragePooling1d(), x, [batch, steps, channels], { dy, mask });
    const ref = avgPoolRef(globalShape(batch, steps, channels), x, dy, mask);
    expectClose(run.y.subarray(0, 2 * channels), ref.y.subarray(0, 2 * channels), { tol: 1e-6, scale: 1, label: 'masked mean' });
    expect(Array.from(run.y.subarray(2 * channels)).every(Number.isNaN)).toBe(true);
    expectClose(run.dx!.subarray(0, 2 * steps * channels), ref.dx.subarray(0, 2 * steps * channels), { tol: 1e-6, scale: 1, label: 'dx' });
    expect(Array.from(run.dx!.subarray(2 * steps * channels)).every((v) => v === 0)).toBe(true);
  });

  it('in a model: Masking → GlobalAveragePooling1D excludes masked steps, GlobalMaxPooling1D drops the mask (Keras 3)', async () => {
    const x = wl.tensor([[[1, 2], [0, 0], [3, -4]], [[0, 0], [0, 0], [5, 6]]]);
    const avg = wl.sequential({ layers: [wl.layers.masking({ maskValue: 0, inputShape: [3, 2] }), wl.layers.globalAveragePooling1d()] });
    expect(Array.from((await avg.predict(x, { workers: 0 }) as wl.Tensor).dataSync())).toEqual([2, -1, 5, 6]);
    const max = wl.sequential({ layers: [wl.layers.masking({ maskValue: 0, inputShape: [3, 2] }), wl.layers.globalMaxPooling1d()] });
    // the masked steps are zeros after Masking and take part in the max
    expect(Array.from((await max.predict(x, { workers: 0 }) as wl.Tensor).dataSync())).toEqual([3, 2, 5, 6]);
    // nothing after global pooling is masked: the loss counts every sample
    avg.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const loss = await avg.evaluate(x, wl.tensor([[0, 0], [0, 0]]), { workers: 0 }) as wl.Tensor;
    expect(loss.dataSync()[0]).toBeCloseTo((4 + 1 + 25 + 36) / 4, 5);
  });
});

describe('pooling layers in models', () => {
  it("have Keras's output shapes, no weights, and summary rows", () => {
    const model = wl.sequential({
      layers: [
        wl.layers.maxPooling1d({ inputShape: [11, 4] }),
        wl.layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }),
        wl.layers.globalMaxPooling1d({ keepdims: true }),
        wl.layers.globalAveragePooling1d(),
      ],
    });
    expect(model.layers.map((l) => l.computeOutputShape([null, 11, 4]))).toEqual([[null, 5, 4], [null, 11, 4], [null, 1, 4], [null, 4]]);
    expect(model.countParams()).toBe(0);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    // Keras 2's layout cuts the first column at 29 characters
    const row = (name: string) => lines.find((l) => l.startsWith(name));
    expect(row('max_pooling1d_')).toMatch(/^max_pooling1d_\d+ \(MaxPooling\S*\s+\(None, 5, 4\)\s+0\s*$/);
    expect(row('average_pooling1d_')).toMatch(/^average_pooling1d_\d+ \(Averag\S*\s+\(None, 5, 4\)\s+0\s*$/);
    expect(row('global_max_pooling1d_')).toMatch(/\(None, 1, 4\)\s+0\s*$/);
    expect(row('global_average_pooling1d_')).toMatch(/\(None, 4\)\s+0\s*$/);
    expect(wl.layers.avgPool1d({ poolSize: 2 })).toBeInstanceOf(wl.AveragePooling1D);
    expect(wl.layers.avgPooling1d({ poolSize: 2 })).toBeInstanceOf(wl.AveragePooling1D);
  });

  it('write Keras configs (strides resolved to the pool size) and load them back', async () => {
    const model = wl.sequential({
      layers: [
        wl.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [12, 2] }),
        wl.layers.maxPooling1d({ poolSize: [3], padding: 'same' }),
        wl.layers.averagePooling1d({ poolSize: 2, strides: 1 }),
        wl.layers.globalAveragePooling1d({ keepdims: true }),
        wl.layers.globalMaxPooling1d(),
      ],
    });
    const configs = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(configs[1].config).toMatchObject({ pool_size: [3], strides: [3], padding: 'same', data_format: 'channels_last' });
    expect(configs[2].config).toMatchObject({ pool_size: [2], strides: [1], padding: 'valid' });
    expect(configs[3].config).toMatchObject({ data_format: 'channels_last', keepdims: true });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    const x = wl.randomUniform([2, 12, 2]);
    expect((await loaded.predict(x, { workers: 0 }) as wl.Tensor).dataSync()).toEqual((await model.predict(x, { workers: 0 }) as wl.Tensor).dataSync());
  });

  it('train on the worker pool as in process (workers: 2 within 1e-5)', async () => {
    const build = () => {
      wl.setSeed(3);
      const m = wl.sequential({
        layers: [
          wl.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'tanh', inputShape: [24, 4] }),
          wl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
          wl.layers.averagePooling1d({ poolSize: 2 }),
          wl.layers.conv1d({ filters: 8, kernelSize: 2 }),
          wl.layers.globalMaxPooling1d(),
          wl.layers.dense({ units: 2 }),
        ],
      });
      m.compile({ loss: 'meanSquaredError', optimizer: 'rmsprop' });
      return m;
    };
    wl.setSeed(8);
    const [x, y] = [wl.randomUniform([40, 24, 4]), wl.randomUniform([40, 2])];
    await expectWorkersFitLikeInProcess(build, x, y, { batchSize: 20, epochs: 2 });
  });
});

describe('pooling errors', () => {
  it('refuse bad arguments by name, with the value received', () => {
    expect(() => wl.layers.maxPooling1d({ poolSize: 0 })).toThrow('MaxPooling1D: received an invalid value for poolSize, expected a positive integer or a list of one. Received: poolSize=0');
    expect(() => wl.layers.averagePooling1d({} as wl.AveragePooling1DLayerArgs)).toThrow('AveragePooling1D: received an invalid value for poolSize, expected a positive integer or a list of one. Received: poolSize=undefined');
    expect(() => wl.layers.maxPooling1d({ strides: 1.5 })).toThrow('Received: strides=1.5');
    expect(() => wl.layers.maxPooling1d({ padding: 'causal' as 'same' })).toThrow('expected one of "valid", "same". Received: padding="causal"');
    expect(() => wl.layers.globalMaxPooling1d({ dataFormat: 'channels_first' as 'channelsLast' })).toThrow('channels_first is not supported');
    expect(() => wl.layers.globalAveragePooling1d({ keepdims: 1 as unknown as boolean })).toThrow('keepdims, expected true or false. Received: keepdims=1');
  });

  it('refuse an input of the wrong rank and a pool longer than an unpadded sequence', () => {
    expect(() => wl.layers.globalAveragePooling1d().apply(wl.input({ shape: [5] }))).toThrow('expected ndim=3, found ndim=2. Full shape received: (None, 5)');
    expect(() => wl.layers.maxPooling1d({ poolSize: 4 }).apply(wl.input({ shape: [3, 2] })))
      .toThrow("MaxPooling1D max_pooling1d_");
    expect(() => wl.layers.maxPooling1d({ poolSize: 4 }).apply(wl.input({ shape: [3, 2] })))
      .toThrow("the pool of 4 steps is longer than the 3 steps of its input with padding 'valid'. Expected an input of at least 4 steps, received shape (None, 3, 2)");
    expect(wl.layers.maxPooling1d({ poolSize: 4, padding: 'same' }).computeOutputShape([null, 3, 2])).toEqual([null, 1, 2]);
  });
});
