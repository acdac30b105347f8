// The losses of 481a988 through whole models (shared/SPEC-LAYERS.md §17, §19): the target formats
// sparseCategoricalCrossentropy takes, the target checks made before any work, binary CE / MAE /
// Huber against float64 hand computations of the loss and one SGD step, 'accuracy' for sigmoid units
// and class-index targets, the loss names, and a sparse-CE fit on 2 workers.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { poolStats, resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';

afterAll(() => resetPool());

const [B, F, C, T] = [6, 3, 4, 3];
const LR = 0.5;

const weightsOf = (m: wl.LayersModel) => m.getWeights().map((w) => Float64Array.from(w.dataSync()));
const scalar = (r: wl.Tensor | wl.Tensor[]) => (Array.isArray(r) ? r : [r]).map((t) => t.dataSync()[0]);

/** Input (F) → Dense(units, activation), or (T, F) → TimeDistributed(Dense) for a sequence output; fixed weights. */
function model(loss: string, args: { units?: number; activation?: string; sequence?: boolean; metrics?: string[]; seed?: number } = {}) {
  const units = args.units ?? C;
  const activation = (args.activation ?? 'softmax') as 'softmax';
  const layers = args.sequence
    ? [wl.layers.timeDistributed({ layer: wl.layers.dense({ units, activation }), inputShape: [T, F] })]
    : [wl.layers.dense({ units, activation, inputShape: [F] })];
  const m = wl.sequential({ layers });
  const rng = testRng(args.seed ?? 7);
  m.setWeights([wl.tensor(Float32Array.from(uniform(rng, F * units)), [F, units]), wl.tensor(Float32Array.from(uniform(rng, units, -0.5, 0.5)), [units])]);
  m.compile({ loss: loss as wl.LossIdentifier, optimizer: wl.optimizers.sgd({ learningRate: LR }), metrics: args.metrics ?? [] });
  return m;
}

/** The loss on (x, y), then one SGD step over all of it as one batch; returns both. */
async function lossAndStep(m: wl.LayersModel, x: wl.Tensor, y: unknown) {
  const loss = scalar(await m.evaluate(x, y as wl.Tensor, { workers: 0 }))[0];
  await m.fit(x, y as wl.Tensor, { epochs: 1, batchSize: 1000, shuffle: false, verbose: 0, workers: 0 });
  return { loss, weights: weightsOf(m) };
}

function expectSameStep(a: { loss: number; weights: Float64Array[] }, b: { loss: number; weights: Float64Array[] }, label: string) {
  expectClose([a.loss], [b.loss], { tol: 1e-6, scale: 0, label: `${label} loss` });
  a.weights.forEach((w, i) => expectClose(w, b.weights[i], { tol: 1e-6, scale: 1e-2, label: `${label} weight ${i}` }));
}

describe('sparseCategoricalCrossentropy: every target format equals categoricalCrossentropy on one-hot targets', () => {
  const rng = testRng(1);
  const x = wl.tensor(Float32Array.from(uniform(rng, B * F, -2, 2)), [B, F]);
  const k = [2, 0, 3, 1, 3, 0];
  const oneHot = wl.oneHot(k, C);
  const formats: [string, unknown][] = [
    ['(B,) nested', k],
    ['(B, 1) nested', k.map((v) => [v])],
    ['(B,) float32 tensor', wl.tensor(Float32Array.from(k), [B])],
    ['(B, 1) flat Float32Array', Float32Array.from(k)],
    ['(B,) int32 tensor', wl.tensor(k, [B], 'int32')],
    ['(B, 1) int32 tensor', wl.tensor(k, [B, 1], 'int32')],
    ['(B, 1) flat Int32Array', Int32Array.from(k)],
  ];

  // softmax: both fused (gradient w.r.t. the logits); sigmoid: both through the probabilities
  for (const activation of ['softmax', 'sigmoid']) {
    it(`Dense(${C}, ${activation}): same loss (evaluate) and same weights after one fit step`, async () => {
      const expected = await lossAndStep(model('categoricalCrossentropy', { activation }), x, oneHot);
      for (const [name, y] of formats) {
        expectSameStep(await lossAndStep(model('sparseCategoricalCrossentropy', { activation }), x, y), expected, `${activation} ${name}`);
      }
      for (const [name, y] of formats) {
        expectSameStep(await lossAndStep(model('sparse_categorical_crossentropy', { activation }), x, y), expected, `${activation} snake_case ${name}`);
      }
    });
  }

  it('TimeDistributed(Dense softmax): targets (B, T) and (B, T, 1), nested and int32', async () => {
    const xs = wl.tensor(Float32Array.from(uniform(rng, B * T * F, -2, 2)), [B, T, F]);
    const ks = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b + 2 * t) % C));
    const expected = await lossAndStep(model('categoricalCrossentropy', { sequence: true }), xs, wl.oneHot(ks.flat(), C).reshape([B, T, C]));
    const sequenceFormats: [string, unknown][] = [
      ['(B, T) nested', ks],
      ['(B, T, 1) nested', ks.map((row) => row.map((v) => [v]))],
      ['(B, T) int32 tensor', wl.tensor(ks.flat(), [B, T], 'int32')],
      ['(B, T, 1) int32 tensor', wl.tensor(ks.flat(), [B, T, 1], 'int32')],
      ['(B, T, 1) flat Float32Array', Float32Array.from(ks.flat())],
    ];
    for (const [name, y] of sequenceFormats) {
      expectSameStep(await lossAndStep(model('sparseCategoricalCrossentropy', { sequence: true }), xs, y), expected, name);
    }
  });
  it('validationData and validationSplit take class indices too: val_loss equals evaluate on them', async () => {
    const rows = (from: number, to: number) => wl.tensor(x.dataSync().slice(from * F, to * F), [to - from, F]);
    const [xVal, kVal] = [rows(0, 3), k.slice(0, 3)];
    const m = model('sparseCategoricalCrossentropy');
    const before = scalar(await m.evaluate(xVal, kVal, { workers: 0 }))[0];
    const history = await m.fit(rows(3, B), wl.tensor(k.slice(3), [B - 3], 'int32'), {
      epochs: 1, batchSize: 3, shuffle: false, verbose: 0, workers: 0, validationData: [xVal, kVal],
    });
    const after = scalar(await m.evaluate(xVal, kVal, { workers: 0 }))[0];
    expect(after).not.toBeCloseTo(before, 4);
    expectClose([history.history.val_loss[0]], [after], { tol: 1e-6, scale: 0 });
    const split = await model('sparseCategoricalCrossentropy').fit(x, k, { epochs: 1, batchSize: 3, verbose: 0, workers: 0, validationSplit: 0.5 });
    expect(Number.isFinite(split.history.val_loss[0])).toBe(true);
  });
});

describe('targets are checked before any work', () => {
  const x = wl.tensor(Float32Array.from(uniform(testRng(2), 8 * F)), [8, F]);

  /** fit and evaluate both refuse `y` with a message matching every pattern, and no weight moved. */
  async function refuses(loss: string, activation: string, units: number, y: unknown, patterns: RegExp[]) {
    const m = model(loss, { activation, units });
    const before = weightsOf(m);
    for (const run of [
      () => m.fit(x, y as wl.Tensor, { epochs: 2, batchSize: 2, verbose: 0, workers: 0 }),
      () => m.evaluate(x, y as wl.Tensor, { batchSize: 2, workers: 0 }),
    ]) {
      const error = await Promise.resolve().then(run as () => unknown).then(() => null, (e: unknown) => e);
      expect(error, `${loss} accepted ${JSON.stringify(y)}`).toBeInstanceOf(Error);
      for (const p of patterns) expect((error as Error).message).toMatch(p);
    }
    weightsOf(m).forEach((w, i) => expect(w).toEqual(before[i]));
  }

  // the bad value is in the last batch: had any batch run first, the weights would have moved
  it('sparse CE: a non-integer, a negative and a class ≥ classes, named with the value, position and range', async () => {
    const good = [0, 1, 2, 3, 0, 1, 2, 3];
    for (const bad of [1.5, -1, 4, 7]) {
      const y = [...good];
      y[7] = bad;
      await refuses('sparseCategoricalCrossentropy', 'softmax', C, y, [new RegExp(`holds ${bad}\\b`), /at \[7\b/, /\[0, 3\]/, /sparse_categorical_crossentropy/]);
      await refuses('sparseCategoricalCrossentropy', 'softmax', C, wl.tensor(y, [8, 1]), [new RegExp(`holds ${bad}\\b`), /at \[7, 0\]/, /\[0, 3\]/]);
    }
    await refuses('sparseCategoricalCrossentropy', 'softmax', C, Float32Array.from([0, 1, 2, 3, 0, 1, 2, NaN]), [/holds NaN/, /at \[7\b/, /\[0, 3\]/]);
  });

  it('binary CE: targets outside [0, 1], named with the value and position', async () => {
    for (const bad of [1.5, -0.25]) {
      const y = [[0], [1], [0.5], [1], [0], [1], [bad], [0]];
      await refuses('binaryCrossentropy', 'sigmoid', 1, y, [new RegExp(`holds ${bad}\\b`), /at \[6, 0\]/, /\[0, 1\]/, /binary_crossentropy/]);
    }
    // a target one rank short of a one-unit output gains its last axis before the check
    await refuses('binaryCrossentropy', 'sigmoid', 1, [0, 1, 0, 1, 0, 1, 0, 2], [/holds 2\b/, /at \[7\b/, /\[0, 1\]/]);
  });

  it('the same out-of-range targets are fine for losses without those rules', async () => {
    const m = model('mae', { activation: 'sigmoid', units: 1 });
    await m.fit(x, [0, 1, 0, 1, 0, 1, 0, 2], { epochs: 1, batchSize: 4, verbose: 0, workers: 0 });
    const mse = model('mse', { units: C });
    await mse.evaluate(x, wl.tensor(Float32Array.from({ length: 8 * C }, (_, i) => i - 7), [8, C]), { workers: 0 });
  });
});

// x → Dense(1, sigmoid): p = σ(w·x + b). Kept away from the clip, so Keras's clipped value is the
// plain formula; binary CE's gradient w.r.t. the logit is p − y, mean over the batch.
describe('binaryCrossentropy, meanAbsoluteError, huber: loss and one SGD step by hand (float64)', () => {
  const xs = [-1.5, 0.5, 2, -0.25, 1.25, 0.75];
  const ys = [0, 1, 1, 0.3, 0, 0.8]; // soft targets are allowed
  const [w0, b0] = [0.75, -0.25];
  const x = wl.tensor(xs, [xs.length, 1]);

  function tiny(loss: string, layers: wl.Layer[]) {
    const m = wl.sequential({ layers });
    m.setWeights([wl.tensor([w0], [1, 1]), wl.tensor([b0], [1])]);
    m.compile({ loss: loss as wl.LossIdentifier, optimizer: wl.optimizers.sgd({ learningRate: LR }) });
    return m;
  }

  /** The loss, and weights after one step, from per-sample loss values and dLoss/dz (z = the Dense's output). */
  function byHand(perSample: (z: number, y: number) => [number, number]) {
    let loss = 0, gw = 0, gb = 0;
    xs.forEach((xi, i) => {
      const [l, dz] = perSample(w0 * xi + b0, ys[i]);
      loss += l / xs.length;
      gw += (dz * xi) / xs.length;
      gb += dz / xs.length;
    });
    return { loss, weights: [w0 - LR * gw, b0 - LR * gb] };
  }

  async function check(m: wl.LayersModel, expected: { loss: number; weights: number[] }) {
    const { loss, weights } = await lossAndStep(m, x, wl.tensor(ys, [ys.length, 1]));
    expectClose([loss], [expected.loss], { tol: 1e-5, scale: 0, label: 'loss' });
    expectClose(weights.map((w) => w[0]), expected.weights, { tol: 1e-5, scale: 0.1, label: 'weights' });
  }

  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const bce = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));

  it('Dense(1, sigmoid) (fused) and Dense(1) → Activation(sigmoid) (fused): value, and the gradient p − y', async () => {
    const expected = byHand((z, y) => [bce(sigmoid(z), y), sigmoid(z) - y]);
    await check(tiny('binaryCrossentropy', [wl.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [1] })]), expected);
    await check(tiny('binary_crossentropy', [wl.layers.dense({ units: 1, inputShape: [1] }), wl.layers.activation({ activation: 'sigmoid' })]), expected);
  });

  it('Dense(1) linear with outputs in (0, 1) (not fused): the gradient (p − y)/(p(1 − p))', async () => {
    // p = 0.125x + 0.5 lies in [0.3125, 0.75] for these x
    const m = tiny('binaryCrossentropy', [wl.layers.dense({ units: 1, inputShape: [1] })]);
    m.setWeights([wl.tensor([0.125], [1, 1]), wl.tensor([0.5], [1])]);
    let loss = 0, gw = 0, gb = 0;
    xs.forEach((xi, i) => {
      const p = 0.125 * xi + 0.5, y = ys[i];
      loss += bce(p, y) / xs.length;
      const g = (p - y) / (p * (1 - p)) / xs.length;
      gw += g * xi;
      gb += g;
    });
    await check(m, { loss, weights: [0.125 - LR * gw, 0.5 - LR * gb] });
  });

  for (const name of ['mae', 'meanAbsoluteError', 'mean_absolute_error']) {
    it(`${name}: |z − y| and sign(z − y)`, async () => {
      await check(tiny(name, [wl.layers.dense({ units: 1, inputShape: [1] })]), byHand((z, y) => [Math.abs(z - y), Math.sign(z - y)]));
    });
  }

  it('huber (δ = 1): both branches (errors from −1.375 to 0.6875)', async () => {
    const expected = byHand((z, y) => {
      const e = z - y;
      return Math.abs(e) <= 1 ? [0.5 * e * e, e] : [Math.abs(e) - 0.5, Math.sign(e)];
    });
    const m = tiny('huber', [wl.layers.dense({ units: 1, inputShape: [1] })]);
    await check(m, expected);
  });

  it('several units: MAE and Huber are the mean over the last axis too', async () => {
    const rng = testRng(3);
    const xs2 = wl.tensor(Float32Array.from(uniform(rng, B * F, -2, 2)), [B, F]);
    const y = Float32Array.from(uniform(rng, B * 2, -1, 1));
    for (const loss of ['mae', 'huber']) {
      const m = model(loss, { units: 2, activation: 'linear' });
      const [W, bias] = weightsOf(m);
      const z = Array.from({ length: B * 2 }, (_, i) => {
        const [r, j] = [Math.floor(i / 2), i % 2];
        return bias[j] + [0, 1, 2].reduce((s, f) => s + xs2.dataSync()[r * F + f] * W[f * 2 + j], 0);
      });
      const e = z.map((v, i) => v - y[i]);
      const value = e.reduce((s, v) => s + (loss === 'mae' ? Math.abs(v) : Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5), 0) / (B * 2);
      const got = scalar(await m.evaluate(xs2, wl.tensor(y, [B, 2]), { workers: 0 }))[0];
      expectClose([got], [value], { tol: 1e-5, scale: 0, label: loss });
    }
  });
});

describe("'accuracy' with the new losses", () => {
  it('binary accuracy on one sigmoid unit with binaryCrossentropy: 7 of 10 by hand', async () => {
    // p = σ(x): predicted 1 where x > 0 (0 is not above the threshold)
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [1] })] });
    m.setWeights([wl.tensor([1], [1, 1]), wl.tensor([0], [1])]);
    m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const x = wl.tensor([-2, -1, 0, 0.5, 1, 2, -0.5, 3, -3, 0.25], [10, 1]);
    const y = wl.tensor([0, 0, 1, 1, 0, 1, 1, 1, 0, 1], [10, 1]);
    const predicted = [0, 0, 0, 1, 1, 1, 0, 1, 0, 1]; // wrong at 2 (x = 0 gives exactly 0.5), 4 and 6
    const hits = predicted.filter((v, i) => v === y.dataSync()[i]).length;
    expect(hits).toBe(7);
    const [, acc] = scalar(await m.evaluate(x, y, { workers: 0 }));
    expect(acc).toBeCloseTo(0.7, 6);
    const history = await m.fit(x, y, { epochs: 1, batchSize: 10, shuffle: false, verbose: 0, workers: 0 });
    expect(history.history.accuracy[0]).toBeCloseTo(0.7, 6);
  });

  /** Dense(3, softmax) with a kernel 5·I and no bias: the predicted class is the argmax of x. */
  function argmaxOfInput(loss: string, sequence = false) {
    const dense = { units: 3, activation: 'softmax' as const, useBias: false };
    const m = wl.sequential({
      layers: [sequence ? wl.layers.timeDistributed({ layer: wl.layers.dense(dense), inputShape: [2, 3] }) : wl.layers.dense({ ...dense, inputShape: [3] })],
    });
    m.setWeights([wl.tensor([5, 0, 0, 0, 5, 0, 0, 0, 5], [3, 3])]);
    m.compile({ loss: loss as wl.LossIdentifier, optimizer: 'sgd', metrics: ['accuracy'] });
    return m;
  }
  // predicted classes 0, 1, 2, 2, 1, 0, 1, 2
  const x = wl.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.2, 0.1, 0.9], [-1, 0.5, 0], [2, 1, 1.5], [0.3, 0.4, 0.35], [0, 0.1, 0.2]], [8, 3]);

  it('sparse categorical accuracy with class-index targets: 5 of 8 by hand, in every target format', async () => {
    const k = [0, 1, 1, 2, 0, 0, 2, 2]; // right at 0, 1, 3, 5, 7
    for (const y of [k, k.map((v) => [v]), wl.tensor(k, [8], 'int32'), Float32Array.from(k)]) {
      const [, acc] = scalar(await argmaxOfInput('sparseCategoricalCrossentropy').evaluate(x, y as wl.Tensor, { workers: 0 }));
      expect(acc).toBeCloseTo(5 / 8, 6);
    }
    // the same targets one-hot under categorical CE: categorical accuracy, the same count
    const [, acc] = scalar(await argmaxOfInput('categoricalCrossentropy').evaluate(x, wl.oneHot(k, 3), { workers: 0 }));
    expect(acc).toBeCloseTo(5 / 8, 6);
  });

  it('sparse categorical accuracy over timesteps: 5 of 8 positions', async () => {
    const k = [[0, 1], [1, 2], [0, 0], [2, 2]]; // pairs of the rows above: right at 0, 1, 3, 5, 7
    const [, acc] = scalar(await argmaxOfInput('sparseCategoricalCrossentropy', true).evaluate(x.reshape([4, 2, 3]), k, { workers: 0 }));
    expect(acc).toBeCloseTo(5 / 8, 6);
  });
});

describe('loss names', () => {
  const cases: [string, string][] = [
    ['binaryCrossentropy', 'binary_crossentropy'], ['binary_crossentropy', 'binary_crossentropy'],
    ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'], ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy'],
    ['mae', 'mean_absolute_error'], ['meanAbsoluteError', 'mean_absolute_error'], ['mean_absolute_error', 'mean_absolute_error'],
    ['huber', 'huber'],
  ];
  for (const [given, keras] of cases) {
    it(`'${given}' resolves to ${keras}`, () => {
      expect(model(given).loss).toBe(keras);
    });
  }

  it('an unknown name is refused, listing the known ones', () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [1] })] });
    expect(() => m.compile({ loss: 'hinge' as wl.LossIdentifier, optimizer: 'sgd' })).toThrow(/Unknown loss: .*hinge/);
    const message = (() => {
      try {
        m.compile({ loss: 'huber_loss' as wl.LossIdentifier, optimizer: 'sgd' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    for (const known of ['binaryCrossentropy', 'binary_crossentropy', 'sparseCategoricalCrossentropy', 'mae', 'meanAbsoluteError', 'huber', 'categoricalCrossentropy', 'mse']) {
      expect(message).toMatch(new RegExp(`\\b${known}\\b`));
    }
  });
});

describe('on 2 workers', () => {
  it('a sparse-CE fit gives the in-process weights within 1e-6 (several batches, 2 epochs)', async () => {
    const rng = testRng(4);
    const n = 64;
    const x = wl.tensor(Float32Array.from(uniform(rng, n * F, -2, 2)), [n, F]);
    const k = wl.tensor(Array.from({ length: n }, () => Math.floor(rng() * C)), [n], 'int32');
    const run = async (workers: number) => {
      const m = model('sparseCategoricalCrossentropy', { seed: 9, metrics: ['accuracy'] });
      const history = await m.fit(x, k, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, workers });
      return { history: history.history, weights: weightsOf(m) };
    };
    const here = await run(0), pooled = await run(2);
    expect(poolStats().liveWorkers).toBe(2);
    here.weights.forEach((w, i) => expectClose(pooled.weights[i], w, { tol: 1e-6, scale: 1e-2, label: `weight ${i}` }));
    expectClose(pooled.history.loss, here.history.loss, { tol: 1e-6, scale: 0, label: 'loss' });
    expect(pooled.history.accuracy).toEqual(here.history.accuracy);
    expect(here.weights[0]).not.toEqual(weightsOf(model('sparseCategoricalCrossentropy', { seed: 9 }))[0]);
  });
});

describe('a loss function of your own', () => {
  it('is refused by name, saying why and listing the built-in losses', () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [2] })] });
    const myLoss = (yTrue: wl.Tensor, yPred: wl.Tensor) => yTrue.sub(yPred).square().mean();
    expect(() => m.compile({ loss: myLoss as never, optimizer: 'sgd' })).toThrow(/^A loss function of your own \(myLoss\) is not supported yet: the tensor ops have no gradients to train through\. Use one of: categorical_crossentropy, /);
  });
});

