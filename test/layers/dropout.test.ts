// Dropout, SpatialDropout1D and the input dropout of recurrent layers (shared/SPEC-LAYERS.md §1.7, §8):
// identity outside training; in training a fraction ≈ rate of the values dropped and the rest scaled
// by 1/(1 − rate); noiseShape broadcasting; dx = dy ⊙ mask; masks that depend on (seed, global row,
// element) only, so a chunk of a batch draws its rows' masks alone; rates refused outside their range.
// Covers src/layers/core/spatial-dropout1d.ts (through the public wl.layers API).
import { describe, it, expect, beforeAll } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import type { ForwardContext } from '../../src/layers/context.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { dropoutMask, type NoiseSource } from '../../src/ops/dropout.js';
import { mixSeed, noiseUniform } from '../../src/random-noise.js';
import { expectIdentical } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});

function random(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

/** Runs a layer's forward (and, given dy, backward) on the engine; returns host copies. */
function run(layer: wl.Layer, x: Float32Array, shape: number[], noise: NoiseSource | null, dy?: Float32Array) {
  layer.buildFor([shape]);
  const scratch = new Scratch(engine);
  try {
    const input = scratch.from(x, shape);
    const ctx: ForwardContext = { engine, scratch, training: true, masks: [null], stateSums: null, noise };
    const { outputs: [y], cache } = layer.forward([input], ctx);
    const out = engine.read(y.ptr, y.size);
    if (!dy) return { y: out, dx: null };
    const [dx] = layer.backward([scratch.from(dy, y.shape)], cache, { engine, scratch, gradients: new Map(), needInputGradients: [true], logitsGradient: false }) as DeviceTensor[];
    return { y: out, dx: engine.read(dx.ptr, dx.size) };
  } finally {
    scratch.release();
  }
}

const noise = (seed: number, firstRow = 0): NoiseSource => ({ seed, firstRow });

describe('Dropout', () => {
  it('is the identity in predict and without noise (inference)', async () => {
    const model = wl.sequential({ layers: [wl.layers.dropout({ rate: 0.5, inputShape: [4, 3] })] });
    const x = wl.randomUniform([5, 4, 3]);
    expectIdentical((await model.predict(x)).dataSync(), x.dataSync(), 'predict');
    const values = random(60);
    expectIdentical(run(wl.layers.dropout({ rate: 0.5 }), values, [5, 4, 3], null).y, values, 'forward without noise');
  });

  it('drops a fraction ≈ rate in training and scales the rest by 1/(1 − rate)', () => {
    const rate = 0.3;
    const n = 64 * 50 * 40;
    const { y } = run(wl.layers.dropout({ rate }), new Float32Array(n).fill(1), [64, 50, 40], noise(123));
    const kept = Math.fround(1 / (1 - rate));
    let zeros = 0, wrong = 0;
    for (const v of y) {
      if (v === 0) zeros++;
      else if (v !== kept) wrong++;
    }
    expect(wrong, `kept values other than ${kept}`).toBe(0);
    // binomial: sd = sqrt(rate (1 − rate) / n) ≈ 0.0013
    expect(Math.abs(zeros / n - rate)).toBeLessThan(0.006);
  });

  it('rate 0 is the identity and rate 1 gives zeros (Keras 3) in training', () => {
    const x = random(24);
    expectIdentical(run(wl.layers.dropout({ rate: 0 }), x, [4, 6], noise(5)).y, x, 'rate 0');
    expect(Array.from(run(wl.layers.dropout({ rate: 1 }), x, [4, 6], noise(5)).y).every((v) => v === 0)).toBe(true);
  });

  it('noiseShape [null, 1, null] shares one mask value along time; [1, null, null] along the batch', () => {
    const [b, t, c] = [16, 10, 32];
    const ones = new Float32Array(b * t * c).fill(1);
    const time = run(wl.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null] }), ones, [b, t, c], noise(9)).y;
    const batch = run(wl.layers.dropout({ rate: 0.5, noiseShape: [1, null, null] }), ones, [b, t, c], noise(9)).y;
    let dropped = 0;
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < c; k++) {
        const first = time[i * t * c + k];
        if (first === 0) dropped++;
        for (let s = 1; s < t; s++) expect(time[(i * t + s) * c + k]).toBe(first);
      }
    }
    expect(dropped / (b * c)).toBeGreaterThan(0.35);
    expect(dropped / (b * c)).toBeLessThan(0.65);
    for (let i = 1; i < b; i++) expectIdentical(batch.subarray(i * t * c, (i + 1) * t * c), batch.subarray(0, t * c), `sample ${i}`);
  });

  it('SpatialDropout1D drops whole channels of each sample', () => {
    const [b, t, c] = [32, 7, 20];
    const layer = wl.layers.spatialDropout1d({ rate: 0.25 });
    const { y } = run(layer, new Float32Array(b * t * c).fill(1), [b, t, c], noise(77));
    let dropped = 0;
    const masks = new Set<string>();
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < c; k++) {
        const first = y[i * t * c + k];
        if (first === 0) dropped++;
        for (let s = 1; s < t; s++) expect(y[(i * t + s) * c + k]).toBe(first);
      }
      masks.add(Array.from(y.subarray(i * t * c, i * t * c + c)).join());
    }
    expect(Math.abs(dropped / (b * c) - 0.25)).toBeLessThan(0.08);
    expect(masks.size).toBeGreaterThan(b - 3); // the samples' masks differ
    expect(layer.name).toMatch(/^spatial_dropout1d_\d+$/);
  });

  it('backward is dx = dy ⊙ mask (the layer is linear in x for a fixed mask)', () => {
    const shape = [6, 5, 4];
    const n = 120;
    const layer = wl.layers.dropout({ rate: 0.4, noiseShape: [null, 1, null] });
    const mask = run(layer, new Float32Array(n).fill(1), shape, noise(31)).y;
    const x = random(n, 2), dy = random(n, 3);
    const { y, dx } = run(layer, x, shape, noise(31), dy);
    expectIdentical(y, Float32Array.from(x, (v, i) => v * mask[i]), 'y = x ⊙ mask');
    expectIdentical(dx!, Float32Array.from(dy, (v, i) => v * mask[i]), 'dx = dy ⊙ mask');
    // and by central differences of L = Σ dy ⊙ y, in float64 over the float32 outputs
    const h = 1e-2;
    for (const i of [0, 17, 63, 119]) {
      const plus = x.slice(), minus = x.slice();
      plus[i] += h;
      minus[i] -= h;
      const L = (v: Float32Array) => run(layer, v, shape, noise(31)).y.reduce((s, yi, j) => s + yi * dy[j], 0);
      expect(Math.abs((L(plus) - L(minus)) / (2 * h) - dx![i])).toBeLessThan(1e-4);
    }
  });

  it('a chunk of rows draws the same masks as the whole batch (global row index)', () => {
    const shape = [12, 3, 8];
    const ones = new Float32Array(12 * 24).fill(1);
    const whole = run(wl.layers.dropout({ rate: 0.5 }), ones, shape, noise(4)).y;
    const part = run(wl.layers.dropout({ rate: 0.5 }), ones.subarray(0, 5 * 24), [5, 3, 8], noise(4, 5)).y;
    expectIdentical(part, whole.subarray(5 * 24, 10 * 24), 'rows 5..9');
    const other = run(wl.layers.dropout({ rate: 0.5 }), ones, shape, noise(5)).y;
    expect(Array.from(other)).not.toEqual(Array.from(whole));
  });

  it('refuses a rate outside [0, 1] or missing, with the value received', () => {
    expect(() => wl.layers.dropout({ rate: 1.5 })).toThrow('Dropout: received an invalid value for rate, expected a number in [0, 1]. Received: rate=1.5');
    expect(() => wl.layers.dropout({ rate: -0.1 })).toThrow('expected a number in [0, 1]. Received: rate=-0.1');
    expect(() => wl.layers.dropout({} as wl.DropoutLayerArgs)).toThrow('Received: rate=undefined');
    expect(() => wl.layers.spatialDropout1d({ rate: Number.NaN })).toThrow('SpatialDropout1D: received an invalid value for rate');
    expect(() => wl.layers.dropout({ rate: 0.5, noiseShape: [0] })).toThrow('noiseShape');
    expect(() => wl.layers.dropout({ rate: 0.5, seed: 1.5 })).toThrow('expected an integer or null. Received: seed=1.5');
    expect(() => wl.layers.lstm({ units: 4, dropout: 1 })).toThrow('LSTM: received an invalid value for dropout, expected a number in [0, 1). Received: dropout=1');
    expect(() => wl.layers.lstm({ units: 4, recurrentDropout: 1 })).toThrow('LSTM: received an invalid value for recurrentDropout, expected a number in [0, 1). Received: recurrentDropout=1');
    const layer = wl.layers.dropout({ rate: 0.5, noiseShape: [null, 3] });
    expect(() => layer.apply(wl.input({ shape: [4] }))).toThrow('noiseShape (None, 3) does not broadcast to the input shape (None, 4)');
  });

  it('recurrentDropout: inference runs as without it (dropout does nothing there), training trains', async () => {
    const model = wl.sequential({ layers: [wl.layers.gru({ units: 3, recurrentDropout: 0.2, inputShape: [4, 2] }), wl.layers.dense({ units: 2 })] });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const x = wl.randomUniform([5, 4, 2]);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const plain = wl.sequential({ layers: [wl.layers.gru({ units: 3, inputShape: [4, 2] }), wl.layers.dense({ units: 2 })] });
    plain.setWeights(model.getWeights());
    expect((await model.predict(x, { workers: 0 }) as wl.Tensor).dataSync()).toEqual((await plain.predict(x, { workers: 0 }) as wl.Tensor).dataSync());
    const history = await model.fit(x, wl.randomUniform([5, 2]), { epochs: 1, verbose: 0, workers: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    expect(model.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== before[i][j]))).toBe(true);
  });

  it('writes rate, noise_shape and seed to its config and reads them back', async () => {
    const model = wl.sequential({ layers: [wl.layers.dropout({ rate: 0.2, noiseShape: [null, 1, null], seed: 3, inputShape: [4, 2] }), wl.layers.spatialDropout1d({ rate: 0.1 })] });
    const [d, s] = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(d).toMatchObject({ class_name: 'Dropout', config: { rate: 0.2, noise_shape: [null, 1, null], seed: 3 } });
    expect(s).toMatchObject({ class_name: 'SpatialDropout1D', config: { rate: 0.1, seed: null } });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.getConfig()).toEqual(model.getConfig());
  });
});

describe('the counter-based noise', () => {
  it('is uniform in [0, 1) and depends on each of seed, row and index', () => {
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = noiseUniform(42, i % 100, Math.floor(i / 100));
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    expect(noiseUniform(1, 2, 3)).not.toBe(noiseUniform(2, 2, 3));
    expect(noiseUniform(1, 2, 3)).not.toBe(noiseUniform(1, 3, 3));
    expect(noiseUniform(1, 2, 3)).not.toBe(noiseUniform(1, 2, 4));
    expect(mixSeed(7, 0)).not.toBe(mixSeed(7, 1));
  });
});

describe('input dropout in recurrent layers', () => {
  /** x ⊙ m with m the (B, 1, F) mask of `source`, broadcast over time. */
  function masked(x: Float32Array, [b, t, f]: number[], source: NoiseSource, rate: number) {
    const scratch = new Scratch(engine);
    const mask = engine.read(dropoutMask(engine, scratch, { noise: source, rate, shape: [b, 1, f] }).ptr, b * f);
    scratch.release();
    return { mask, x: Float32Array.from(x, (v, i) => v * mask[Math.floor(i / (t * f)) * f + (i % f)]) };
  }

  it('LSTM: one (batch, features) mask for every timestep, and dx = mask ⊙ dx of the masked input', () => {
    const shape = [6, 5, 4];
    const layer = wl.layers.lstm({ units: 3, dropout: 0.5, returnSequences: true });
    const x = random(120, 7), dy = random(6 * 5 * 3, 8);
    const source = noise(2024, 3);
    const { mask, x: xm } = masked(x, shape, source, 0.5);
    expect(mask.some((v) => v === 0) && mask.some((v) => v === 2)).toBe(true);
    const dropped = run(layer, x, shape, source, dy);
    const reference = run(layer, xm, shape, null, dy); // training, without noise: no dropout
    expectIdentical(dropped.y, reference.y, 'outputs');
    expectIdentical(dropped.dx!, Float32Array.from(reference.dx!, (v, i) => v * mask[Math.floor(i / 20) * 4 + (i % 4)]), 'dx');
    expectIdentical(run(layer, x, shape, null).y, run(layer, x, shape, null).y, 'no noise, no dropout');
  });

  it('Bidirectional: the two directions draw different masks', () => {
    const shape = [8, 4, 6];
    const bi = wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 3, dropout: 0.5, returnSequences: true }), mergeMode: null });
    const x = random(8 * 4 * 6, 9);
    bi.buildFor([shape]);
    const scratch = new Scratch(engine);
    const source = noise(55);
    const { outputs } = bi.forward([scratch.from(x, shape)], { engine, scratch, training: true, masks: [null], stateSums: null, noise: source });
    const [yF, yB] = outputs.map((o) => engine.read(o.ptr, o.size));
    scratch.release();
    const fwdMask = masked(x, shape, source, 0.5), bwdMask = masked(x, shape, { ...source, seed: mixSeed(source.seed, 1) }, 0.5);
    expect(Array.from(fwdMask.mask)).not.toEqual(Array.from(bwdMask.mask));
    expectIdentical(yF, run(bi.forwardLayer, fwdMask.x, shape, null).y, 'forward direction');
    const back = run(bi.backwardLayer, bwdMask.x, shape, null).y;
    // Bidirectional returns the backward sequence in input order
    const [b, t, u] = [8, 4, 3];
    const reversed = new Float32Array(back.length);
    for (let i = 0; i < b; i++) for (let s = 0; s < t; s++) reversed.set(back.subarray((i * t + s) * u, (i * t + s + 1) * u), (i * t + (t - 1 - s)) * u);
    expectIdentical(yB, reversed, 'backward direction');
  });
});
