// Conv1D (shared/SPEC-LAYERS.md §10): forward and backward against the float64 reference for every
// padding mode with strides and dilation, at a small size and a larger one (several GEMM tiles and
// tails: n = 70 filters, K·C = 84); the reference's gradients against central finite differences;
// Keras's observed values; shapes, parameter counts, summary, config round trip, errors, and
// training on the worker pool equal to in-process.
// Covers src/layers/convolutional/conv-args.ts (through the public wl.layers API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { layerFromConfig } from '../../src/layers/registry.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { expectWorkersFitLikeInProcess, runLayer } from '../helpers/layer-step.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { conv1dRef, conv1dRefBackward, type Conv1DRefShape } from '../reference/conv1d.js';
import { dot, numericGradientAt } from '../reference/finite-difference.js';
import { loadCase } from '../helpers/keras3-case.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const SIZES = {
  small: { batch: 2, steps: 9, channels: 3, filters: 5, taps: 3, activation: 'tanh' as const },
  larger: { batch: 3, steps: 61, channels: 21, filters: 70, taps: 4, activation: 'relu' as const },
};
const WINDOWS = [
  { stride: 1, dilation: 1 }, { stride: 2, dilation: 1 }, { stride: 3, dilation: 1 }, { stride: 1, dilation: 2 }, { stride: 1, dilation: 3 },
];
const PADDINGS = ['valid', 'same', 'causal'] as const;

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** A Conv1D for `s` with random kernel and bias, its weights as float64, and random x and dy. */
function setup(s: Conv1DRefShape, seed: number) {
  const rng = testRng(seed);
  const layer = wl.layers.conv1d({
    filters: s.filters, kernelSize: s.taps, strides: s.stride, dilationRate: s.dilation, padding: s.padding, activation: s.activation,
  });
  const shape = [s.batch, s.steps, s.channels];
  layer.buildFor([shape]);
  const w = uniform(rng, s.taps * s.channels * s.filters, -0.5, 0.5), b = uniform(rng, s.filters, -0.5, 0.5);
  layer.setWeights([wl.tensor(Float32Array.from(w), [s.taps, s.channels, s.filters]), wl.tensor(Float32Array.from(b), [s.filters])]);
  const x = uniform(rng, s.batch * s.steps * s.channels);
  const y = conv1dRef(s, x, w, b);
  return { layer, shape, x, w, b, y, dy: uniform(rng, y.length) };
}

describe('Conv1D against the float64 reference', () => {
  for (const [size, base] of Object.entries(SIZES)) {
    for (const padding of PADDINGS) {
      for (const { stride, dilation } of WINDOWS) {
        const s: Conv1DRefShape = { ...base, padding, stride, dilation };
        const label = `${size} ${padding} stride ${stride} dilation ${dilation}`;
        it(`${label}: y, dx, dkernel, dbias`, () => {
          const { layer, shape, x, w, y, dy } = setup(s, 7 + stride * 3 + dilation);
          const run = runLayer(engine, layer, x, shape, { dy });
          expect(run.yShape).toEqual([s.batch, y.length / s.batch / s.filters, s.filters]);
          const ref = conv1dRefBackward(s, x, w, y, dy);
          const terms = s.taps * s.channels;
          expectClose(run.y, y, { tol: 1e-5, scale: Math.sqrt(terms) * 0.3, label: `${label} y` });
          expectClose(run.dx!, ref.dx, { tol: 1e-5, scale: maxAbs(ref.dx), label: `${label} dx` });
          expectClose(run.grads[0], ref.dw, { tol: 1e-5, scale: maxAbs(ref.dw), label: `${label} dkernel` });
          expectClose(run.grads[1], ref.db, { tol: 1e-5, scale: maxAbs(ref.db), label: `${label} dbias` });
        });

        it(`${label}: the reference's gradients match central finite differences`, () => {
          const { x, w, b, dy } = setup(s, 11 + stride + dilation);
          const loss = () => dot(dy, conv1dRef(s, x, w, b));
          const y = conv1dRef(s, x, w, b);
          const ref = conv1dRefBackward(s, x, w, y, dy);
          // every entry at the small size, a spread of 12 (ends included) at the larger one
          const probe = (n: number) => (n <= 200 ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: 12 }, (_, i) => Math.round((i * (n - 1)) / 11)));
          for (const [name, param, analytic] of [['x', x, ref.dx], ['kernel', w, ref.dw], ['bias', b, ref.db]] as const) {
            const at = probe(param.length);
            const fd = numericGradientAt(loss, param, at);
            expectClose(at.map((i) => analytic[i]), fd, { tol: 1e-6, scale: maxAbs(analytic), label: `${label} d${name}` });
          }
        });
      }
    }
  }

  it('a linear layer without bias, and a softmax over the filters, as the reference', () => {
    const s: Conv1DRefShape = { batch: 2, steps: 12, channels: 8, filters: 16, taps: 5, stride: 1, dilation: 1, padding: 'same' };
    const rng = testRng(3);
    const layer = wl.layers.conv1d({ filters: 16, kernelSize: 5, padding: 'same', useBias: false });
    layer.buildFor([[2, 12, 8]]);
    expect(layer.getWeights().map((t) => t.shape)).toEqual([[5, 8, 16]]);
    const w = uniform(rng, 5 * 8 * 16), x = uniform(rng, 2 * 12 * 8);
    layer.setWeights([wl.tensor(Float32Array.from(w), [5, 8, 16])]);
    const y = conv1dRef(s, x, w, null);
    const dy = uniform(rng, y.length);
    const run = runLayer(engine, layer, x, [2, 12, 8], { dy });
    expectClose(run.y, y, { tol: 1e-5, scale: 1, label: 'y' });
    expectClose(run.grads[0], conv1dRefBackward(s, x, w, y, dy).dw, { tol: 1e-5, scale: 1, label: 'dkernel' });

    const soft = wl.layers.conv1d({ filters: 4, kernelSize: 2, activation: 'softmax' });
    const probs = runLayer(engine, soft, x.subarray(0, 12 * 8), [1, 12, 8]).y;
    for (let r = 0; r < 11; r++) expect(probs.subarray(r * 4, r * 4 + 4).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
  });
});

describe("Conv1D: Keras's observed values (§10.3: L = 7, kernel of ones, x = 1..7)", () => {
  const x = Array.from({ length: 7 }, (_, i) => i + 1);
  const conv = (args: Partial<wl.Conv1DLayerArgs> & { kernelSize: number }) => {
    const layer = wl.layers.conv1d({ filters: 1, useBias: false, ...args });
    layer.buildFor([[1, 7, 1]]);
    layer.setWeights([wl.tensor(new Float32Array(args.kernelSize).fill(1), [args.kernelSize, 1, 1])]);
    return Array.from(runLayer(engine, layer, x, [1, 7, 1], { training: false }).y);
  };
  it('same, K=4: pads (1, 2)', () => expect(conv({ kernelSize: 4, padding: 'same' })).toEqual([6, 10, 14, 18, 22, 18, 13]));
  it('same, K=3, stride 2', () => expect(conv({ kernelSize: 3, strides: 2, padding: 'same' })).toEqual([3, 9, 15, 13]));
  it('same, K=3, dilation 2: pads (2, 2)', () => expect(conv({ kernelSize: 3, dilationRate: 2, padding: 'same' })[0]).toBe(4));
  it('causal, K=2, dilation 3', () => expect(conv({ kernelSize: 2, dilationRate: 3, padding: 'causal' })).toEqual([1, 2, 3, 5, 7, 9, 11]));
});

describe('Conv1D in models', () => {
  it("has Keras's output shapes, parameter count (K·C·F + F) and summary row", () => {
    const model = wl.sequential({ layers: [wl.layers.conv1d({ filters: 8, kernelSize: 3, inputShape: [10, 15] })] });
    expect(model.countParams()).toBe(368);
    expect(model.outputs[0].shape).toEqual([null, 8, 8]);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    expect(lines.find((l) => l.includes('(Conv1D)'))).toMatch(/^conv1d_\d+ \(Conv1D\)\s+\(None, 8, 8\)\s+368\s*$/);
    const shapes = (args: Partial<wl.Conv1DLayerArgs>) => wl.layers.conv1d({ filters: 2, kernelSize: 3, ...args }).computeOutputShape([null, 10, 4]);
    expect(shapes({ padding: 'same', strides: 2 })).toEqual([null, 5, 2]);
    expect(shapes({ padding: 'causal', dilationRate: 4 })).toEqual([null, 10, 2]);
    expect(shapes({ strides: 3 })).toEqual([null, 3, 2]);
    expect(shapes({ dilationRate: 2 })).toEqual([null, 6, 2]);
    expect(wl.layers.conv1d({ filters: 2, kernelSize: 3 }).computeOutputShape([null, null, 4])).toEqual([null, null, 2]);
  });

  it('writes a Keras config, loads it back (and a Keras 3 config) and predicts the same', async () => {
    const model = wl.sequential({
      layers: [
        wl.layers.conv1d({ filters: 4, kernelSize: [3], strides: 1, padding: 'causal', dilationRate: 2, activation: 'tanh', inputShape: [9, 3] }),
        wl.layers.conv1d({ filters: 2, kernelSize: 2, strides: [2], padding: 'same', useBias: false, dataFormat: 'channels_last' }),
      ],
    });
    const config = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers[0];
    expect(config).toMatchObject({
      class_name: 'Conv1D',
      config: { filters: 4, kernel_size: [3], strides: [1], padding: 'causal', data_format: 'channels_last', dilation_rate: [2], activation: 'tanh', use_bias: true },
    });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    const x = wl.randomUniform([3, 9, 3]);
    expect((await loaded.predict(x, { workers: 0 }) as wl.Tensor).dataSync()).toEqual((await model.predict(x, { workers: 0 }) as wl.Tensor).dataSync());

    // the Keras 3.15 config of fixture conv1d_causal_dilation (groups, a dtype policy, build_config)
    const keras = (loadCase('conv1d_causal_dilation').config as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers[1];
    const layer = layerFromConfig(keras) as wl.Conv1D;
    expect(layer.getConfig()).toMatchObject({ kernel_size: [2], padding: 'causal', dilation_rate: [2], activation: 'tanh' });
  });

  it('trains on the worker pool as in process (workers: 2 within 1e-5)', async () => {
    const build = () => {
      wl.setSeed(5);
      const m = wl.sequential({
        layers: [
          wl.layers.conv1d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [20, 6] }),
          wl.layers.conv1d({ filters: 8, kernelSize: 2, padding: 'causal', dilationRate: 2, activation: 'tanh' }),
          wl.layers.conv1d({ filters: 8, kernelSize: 3, strides: 2 }),
          wl.layers.globalAveragePooling1d(),
          wl.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      return m;
    };
    wl.setSeed(9);
    const x = wl.randomUniform([48, 20, 6]);
    const y = wl.oneHot(wl.tensor(Int32Array.from({ length: 48 }, (_, i) => i % 3), [48], 'int32'), 3);
    await expectWorkersFitLikeInProcess(build, x, y, { batchSize: 16, epochs: 2 });
  });
});

describe('Conv1D errors', () => {
  it('refuses bad arguments by name, with the value received', () => {
    expect(() => wl.layers.conv1d({ filters: 0, kernelSize: 3 })).toThrow('Conv1D: received an invalid value for filters, expected a positive integer. Received: filters=0');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: -1 })).toThrow('kernelSize, expected a positive integer or a list of one. Received: kernelSize=-1');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, strides: 0 })).toThrow('Received: strides=0');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: [1, 2] as unknown as number })).toThrow('Received: dilationRate=[1, 2]');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow('expected one of "valid", "same", "causal". Received: padding="full"');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow('channels_first is not supported');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, groups: 2 } as wl.Conv1DLayerArgs)).toThrow('groups, expected 1 (grouped convolutions are not supported). Received: groups=2');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow('strides > 1 is not supported together with dilationRate > 1. Received: strides=2 and dilationRate=2');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, kernel_size: 3 } as unknown as wl.Conv1DLayerArgs)).toThrow('Did you mean kernelSize?');
  });

  it('refuses an input of the wrong rank and a kernel longer than an unpadded sequence, before any work', async () => {
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3 }).apply(wl.input({ shape: [5] }))).toThrow('expected ndim=3, found ndim=2. Full shape received: (None, 5)');
    expect(() => wl.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2 }).apply(wl.input({ shape: [4, 2] })))
      .toThrow(/the kernel spans 5 steps \(kernelSize 3, dilationRate 2\), more than the 4 steps of its input with padding 'valid'. Expected an input of at least 5 steps, received shape \(None, 4, 2\)/);
    // 'same' and 'causal' pad the sequence: the kernel may be longer
    expect(wl.layers.conv1d({ filters: 2, kernelSize: 6, padding: 'same' }).computeOutputShape([null, 4, 2])).toEqual([null, 4, 2]);
    // a sequence of unknown length is checked when the data arrives, before the step runs
    const model = wl.sequential({ layers: [wl.layers.conv1d({ filters: 2, kernelSize: 5, inputShape: [null, 2] }), wl.layers.globalMaxPooling1d()] });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const before = model.getWeights().map((w) => w.dataSync().slice());
    await expect(model.fit(wl.randomUniform([4, 3, 2]), wl.randomUniform([4, 2]), { epochs: 1, verbose: 0, workers: 0 }))
      .rejects.toThrow(/the kernel spans 5 steps \(kernelSize 5\), more than the 3 steps of its input/);
    model.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(before[i]));
  });
});
