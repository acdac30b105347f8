// Whole-model gradients through the public API, with non-zero biases, on both GRU code paths (the
// small-units path: units a multiple of 4 up to 32; the packed path: larger units), resetAfter true
// and false, with softmax + cross-entropy heads (TimeDistributed(Dense) + Activation, Dense(softmax)
// on the last state) and a mean-squared-error head.
//
// The library's gradient is read off one SGD step: with learningRate 1 and no momentum,
// w_new = w − g, so g = w − w_new (one fit() of one batch, shuffle false, workers 0). It is compared
// with central finite differences, in float64, of a float64 model (test/reference) that reads the
// same float32 weights; that model's loss is first checked against the library's evaluate().
import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { gruForwardRef, type GruRefConfig } from '../reference/gru.js';
import { denseRef, meanCrossentropyRef, meanSquaredErrorRef } from '../reference/dense.js';
import { expectNear, f32Values, rms, rng } from './support.js';
import { numericGradientAt } from '../reference/finite-difference.js';
// The one internal: which GRU path a size takes, so a change of the threshold cannot silently leave a
// path untested (the guard test below).
import { getEngine } from '../../src/backend/engine.js';

const [B, T, F, C] = [3, 4, 3, 4];
/** Small path (≤ 32, multiple of 4) and packed path (> 32; and 6, not a multiple of 4). */
const SMALL_UNITS = 8;
const PACKED_UNITS = [40, 6];
/** Finite differences probe every parameter of a tensor up to this size, else this many, seeded. */
const PROBES = 48;

type Head = 'timeDistributed-softmax-ce' | 'dense-softmax-ce' | 'dense-mse';

interface Case {
  units: number;
  resetAfter: boolean;
  head: Head;
}

function buildModel({ units, resetAfter, head }: Case): wl.LayersModel {
  const sequences = head !== 'dense-softmax-ce';
  const gru = wl.layers.gru({ units, resetAfter, returnSequences: sequences, inputShape: [T, F] });
  const layers: wl.Layer[] = [gru];
  if (head === 'timeDistributed-softmax-ce') {
    layers.push(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: C }) }), wl.layers.activation({ activation: 'softmax' }));
  } else if (head === 'dense-softmax-ce') {
    layers.push(wl.layers.dense({ units: C, activation: 'softmax' }));
  } else {
    layers.push(wl.layers.dense({ units: C })); // Dense on the 3-D sequence output
  }
  const model = wl.sequential({ layers });
  model.compile({ loss: head === 'dense-mse' ? 'meanSquaredError' : 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 1 }) });
  return model;
}

/** Values for a weight of `shape`: biases all non-zero (|b| in [0.1, 0.5]), kernels of moderate size. */
function weightValues(next: () => number, shape: number[], isBias: boolean, fanIn: number): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (isBias) return f32Values(next, n, 0.1, 0.5).map((v) => Math.fround(next() < 0.5 ? -v : v));
  const limit = Math.min(0.6, 1.5 / Math.sqrt(fanIn));
  return f32Values(next, n, -limit, limit);
}

/** The float64 loss of the case's model with weights `w` (Keras order) on (xs, ys). */
function referenceLoss(c: Case, xs: ArrayLike<number>, ys: ArrayLike<number>, [k, rk, b, dk, db]: Float64Array[]): number {
  const cfg: GruRefConfig = {
    units: c.units, resetAfter: c.resetAfter, returnSequences: c.head !== 'dense-softmax-ce', goBackwards: false,
    recurrentActivation: 'sigmoid', activation: 'tanh',
  };
  const h = gruForwardRef(xs, [B, T, F], { kernel: k, recurrentKernel: rk, bias: b }, cfg).out;
  const rows = cfg.returnSequences ? B * T : B;
  if (c.head === 'dense-mse') return meanSquaredErrorRef(denseRef(h, rows, c.units, dk, db, C), ys);
  return meanCrossentropyRef(denseRef(h, rows, c.units, dk, db, C, 'softmax'), ys, C);
}

/** Indices of a tensor of `n` values to probe: all, or PROBES of them spread at random. */
function probes(next: () => number, n: number): number[] {
  if (n <= PROBES) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < PROBES) picked.add(Math.floor(next() * n));
  return [...picked].sort((a, b) => a - b);
}

async function checkCase(c: Case, seed: number): Promise<void> {
  const next = rng(seed);
  const model = buildModel(c);
  try {
    const vars = model.weights;
    const start = vars.map((v) => {
      const isBias = v.name.endsWith('bias');
      const fanIn = v.shape.length > 1 ? v.shape[0] : 1;
      return weightValues(next, [...v.shape], isBias, fanIn);
    });
    expect(vars.map((v) => v.name.split('/').at(-1))).toEqual(['kernel', 'recurrent_kernel', 'bias', 'kernel', 'bias']);
    expect(vars[2].shape).toEqual(c.resetAfter ? [2, 3 * c.units] : [3 * c.units]);
    model.setWeights(start.map((w, i) => wl.tensor(Float32Array.from(w), [...vars[i].shape])));
    for (const i of [2, 4]) expect(Math.min(...model.getWeights()[i].dataSync().map(Math.abs)), 'biases are non-zero').toBeGreaterThan(0.05);

    const xs = f32Values(next, B * T * F);
    const rows = c.head === 'dense-softmax-ce' ? B : B * T;
    const ys = new Float64Array(rows * C);
    if (c.head === 'dense-mse') ys.set(f32Values(next, rows * C, -1, 1));
    else for (let r = 0; r < rows; r++) ys[r * C + Math.floor(next() * C)] = 1; // one-hot targets
    const x = wl.tensor(Float32Array.from(xs), [B, T, F]);
    const y = wl.tensor(Float32Array.from(ys), c.head === 'dense-softmax-ce' ? [B, C] : [B, T, C]);

    // the float64 model is the library's model: same loss at the same weights
    const evaluated = ((await model.evaluate(x, y, { batchSize: B, workers: 0 })) as wl.Tensor).dataSync()[0];
    const loss = referenceLoss(c, xs, ys, start.map((w) => w.slice()));
    expectNear([evaluated], [loss], 1e-5, 0, 'evaluate() vs the float64 loss');

    // the library's gradient: one SGD step of learning rate 1
    await model.fit(x, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const after = model.getWeights().map((w) => w.dataSync());
    const grads = start.map((w, i) => w.map((v, j) => v - after[i][j]));

    const params = start.map((w) => w.slice());
    grads.forEach((g, i) => {
      const p = params[i];
      const idx = probes(next, p.length);
      const fd = numericGradientAt(() => referenceLoss(c, xs, ys, params), p, idx);
      const scale = rms(fd);
      expect(scale, `${vars[i].name}: the probed gradient is not trivially zero`).toBeGreaterThan(1e-5);
      // float32 arithmetic in the engine, and g read off a float32 update: ~1e-4 of the typical size
      expectNear(idx.map((j) => g[j]), fd, 1e-4, scale, `${vars[i].name} (probed at ${idx.length} of ${p.length})`);
    });
  } finally {
    await model.dispose();
  }
}

describe('whole-model gradients vs float64 finite differences, non-zero biases', () => {
  beforeEach(() => wl.clearSession());

  it('the sizes used take both GRU paths (small-units and packed)', async () => {
    const engine = await getEngine();
    expect(engine.kernels.gru_small_units(SMALL_UNITS), `GRU(${SMALL_UNITS}) takes the small-units path`).toBe(1);
    for (const u of PACKED_UNITS) expect(engine.kernels.gru_small_units(u), `GRU(${u}) takes the packed path`).toBe(0);
  });

  let seed = 100;
  for (const units of [SMALL_UNITS, ...PACKED_UNITS]) {
    const path = units === SMALL_UNITS ? 'small-units path' : 'packed path';
    for (const resetAfter of [true, false]) {
      const c: Case = { units, resetAfter, head: 'timeDistributed-softmax-ce' };
      const s = seed++;
      it(`GRU(${units}, resetAfter ${resetAfter}; ${path}) sequences → TimeDistributed(Dense(${C})) → softmax, cross-entropy`, () => checkCase(c, s));
    }
    const last: Case = { units, resetAfter: false, head: 'dense-softmax-ce' };
    const s1 = seed++;
    it(`GRU(${units}, resetAfter ${last.resetAfter}; ${path}) last state → Dense(${C}, softmax), cross-entropy`, () => checkCase(last, s1));
    const mse: Case = { units, resetAfter: true, head: 'dense-mse' };
    const s2 = seed++;
    it(`GRU(${units}, resetAfter ${mse.resetAfter}; ${path}) sequences → Dense(${C}) on 3-D input, mean squared error`, () => checkCase(mse, s2));
  }
});
