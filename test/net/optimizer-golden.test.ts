// Golden optimizer steps through the public API: a Dense(2) on 3 inputs trained with mean squared
// error, whose gradient is written out here (dL/dW = 2/(N·units)·Xᵀ(XW + b − Y), dL/db the column
// sums of the same residual), and Keras 3's update rules written out here in float64 — Adam with its
// defaults and with other settings, SGD plain, with momentum and with Nesterov momentum — over three
// steps on different batches, so the optimizer state carried from step to step is checked too.
import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { expectNear, f32Values, rms, rng } from './support.js';

const N = 4; // samples per batch
const IN = 3;
const UNITS = 2;
const STEPS = 3;
/** float32 allows about this much relative error in the new weights (from the float32 gradient). */
const TOL = 1e-6;

interface Weights {
  W: Float64Array; // (IN, UNITS), row-major
  b: Float64Array; // (UNITS)
}

interface Batch {
  X: Float64Array; // (N, IN)
  Y: Float64Array; // (N, UNITS)
}

/** The MSE loss and its gradient for the linear layer, in float64. */
function mse({ W, b }: Weights, { X, Y }: Batch): { loss: number; gW: Float64Array; gb: Float64Array } {
  const R = new Float64Array(N * UNITS); // residual XW + b − Y
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < UNITS; j++) {
      let s = b[j];
      for (let i = 0; i < IN; i++) s += X[n * IN + i] * W[i * UNITS + j];
      R[n * UNITS + j] = s - Y[n * UNITS + j];
    }
  }
  const c = 2 / (N * UNITS);
  const gW = new Float64Array(IN * UNITS);
  const gb = new Float64Array(UNITS);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < UNITS; j++) {
      const r = R[n * UNITS + j];
      gb[j] += c * r;
      for (let i = 0; i < IN; i++) gW[i * UNITS + j] += c * X[n * IN + i] * r;
    }
  }
  const loss = R.reduce((s, r) => s + r * r, 0) / (N * UNITS);
  return { loss, gW, gb };
}

/** One optimizer step over every parameter of one variable, in float64, keeping its own state. */
type Rule = (p: Float64Array, g: Float64Array, state: Float64Array[], t: number) => void;

interface AdamConfig { lr: number; b1: number; b2: number; eps: number }

/** Keras 3 Adam: m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; α = lr·√(1−b2^t)/(1−b1^t); p −= α·m/(√v + ε). */
function adamRule({ lr, b1, b2, eps }: AdamConfig): Rule {
  return (p, g, state, t) => {
    const [m, v] = state;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  };
}

interface SgdConfig { lr: number; momentum: number; nesterov: boolean }

/** Keras 3 SGD: without momentum p −= lr·g; else v = μ·v − lr·g and p += v (Nesterov: p += μ·v − lr·g). */
function sgdRule({ lr, momentum, nesterov }: SgdConfig): Rule {
  return (p, g, [v]) => {
    for (let i = 0; i < p.length; i++) {
      if (momentum === 0) {
        p[i] -= lr * g[i];
        continue;
      }
      v[i] = momentum * v[i] - lr * g[i];
      p[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
    }
  };
}

function problem(seed: number) {
  const next = rng(seed);
  const start: Weights = { W: f32Values(next, IN * UNITS, -0.8, 0.8), b: f32Values(next, UNITS, -0.5, 0.5) };
  // a different batch for every step, so consecutive gradients differ and the carried state matters
  const batches: Batch[] = Array.from({ length: STEPS }, () => ({ X: f32Values(next, N * IN), Y: f32Values(next, N * UNITS, -2, 2) }));
  return { start, batches };
}

function buildModel(optimizer: wl.Optimizer | string, start: Weights): wl.LayersModel {
  const model = wl.sequential({ layers: [wl.layers.dense({ units: UNITS, inputShape: [IN], useBias: true })] });
  model.compile({ loss: 'meanSquaredError', optimizer });
  model.setWeights([wl.tensor2d(Float32Array.from(start.W), [IN, UNITS]), wl.tensor1d(Float32Array.from(start.b))]);
  return model;
}

const FIT = { batchSize: N, epochs: 1, shuffle: false, verbose: 0, workers: 0 } as const;

/**
 * Trains `optimizer` one batch per fit() call and checks the loss fit reports and the weights after
 * every step against the float64 trajectory of `rule`.
 */
async function checkSteps(optimizer: wl.Optimizer | string, rule: Rule, slots: number, seed: number): Promise<void> {
  const { start, batches } = problem(seed);
  const model = buildModel(optimizer, start);
  const ref: Weights = { W: start.W.slice(), b: start.b.slice() };
  const stateW = Array.from({ length: slots }, () => new Float64Array(IN * UNITS));
  const stateB = Array.from({ length: slots }, () => new Float64Array(UNITS));
  try {
    for (let t = 1; t <= STEPS; t++) {
      const batch = batches[t - 1];
      const { loss, gW, gb } = mse(ref, batch);
      const history = await model.fit(wl.tensor2d(Float32Array.from(batch.X), [N, IN]), wl.tensor2d(Float32Array.from(batch.Y), [N, UNITS]), FIT);
      expectNear(history.history.loss as number[], [loss], 1e-6, 0, `step ${t}: the loss fit reports`);
      rule(ref.W, gW, stateW, t);
      rule(ref.b, gb, stateB, t);
      const [W, b] = model.getWeights().map((w) => w.dataSync());
      expectNear(W, ref.W, TOL, rms(ref.W), `step ${t}: kernel`);
      expectNear(b, ref.b, TOL, rms(ref.b), `step ${t}: bias`);
    }
  } finally {
    await model.dispose();
  }
}

describe('golden optimizer steps (Keras 3 update rules, float64 by hand)', () => {
  beforeEach(() => wl.clearSession());

  it('the weights move: the test problem has gradients well away from zero', () => {
    const { start, batches } = problem(1);
    const { gW, gb } = mse(start, batches[0]);
    for (const g of [...gW, ...gb]) expect(Math.abs(g)).toBeGreaterThan(1e-3);
  });

  it('Adam, Keras 3 defaults (lr 0.001, β1 0.9, β2 0.999, ε 1e-7), three steps', async () => {
    const adam = wl.optimizers.adam();
    expect(adam.getConfig()).toMatchObject({ learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    await checkSteps(adam, adamRule({ lr: 0.001, b1: 0.9, b2: 0.999, eps: 1e-7 }), 2, 1);
  });

  it("Adam by name ('adam') takes the same defaults", async () => {
    await checkSteps('adam', adamRule({ lr: 0.001, b1: 0.9, b2: 0.999, eps: 1e-7 }), 2, 2);
  });

  it('Adam with every setting given (a large ε: outside the square root, not bias-corrected)', async () => {
    const cfg = { lr: 0.05, b1: 0.8, b2: 0.99, eps: 0.05 };
    await checkSteps(wl.optimizers.adam({ learningRate: cfg.lr, beta1: cfg.b1, beta2: cfg.b2, epsilon: cfg.eps }), adamRule(cfg), 2, 3);
  });

  it('SGD without momentum: p −= lr·g (and the Keras default lr 0.01)', async () => {
    expect(wl.optimizers.sgd().getConfig()).toMatchObject({ learning_rate: 0.01, momentum: 0, nesterov: false });
    await checkSteps(wl.optimizers.sgd({ learningRate: 0.1 }), sgdRule({ lr: 0.1, momentum: 0, nesterov: false }), 0, 4);
    await checkSteps('sgd', sgdRule({ lr: 0.01, momentum: 0, nesterov: false }), 0, 5);
  });

  it('SGD with momentum 0.9: v = μv − lr·g; p += v', async () => {
    const cfg = { lr: 0.1, momentum: 0.9, nesterov: false };
    await checkSteps(wl.optimizers.sgd({ learningRate: cfg.lr, momentum: cfg.momentum }), sgdRule(cfg), 1, 6);
  });

  it('SGD with Nesterov momentum 0.7: p += μv − lr·g', async () => {
    const cfg = { lr: 0.1, momentum: 0.7, nesterov: true };
    await checkSteps(wl.optimizers.sgd({ learningRate: cfg.lr, momentum: cfg.momentum, nesterov: true }), sgdRule(cfg), 1, 7);
  });

  it('three batches in one fit() call give the same weights as three calls (state carried within a fit)', async () => {
    const { start, batches } = problem(8);
    const cfg = { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 };
    const model = buildModel(wl.optimizers.adam({ learningRate: cfg.lr }), start);
    const ref: Weights = { W: start.W.slice(), b: start.b.slice() };
    const rule = adamRule(cfg);
    const [mW, vW, mB, vB] = [new Float64Array(IN * UNITS), new Float64Array(IN * UNITS), new Float64Array(UNITS), new Float64Array(UNITS)];
    batches.forEach((batch, i) => {
      const { gW, gb } = mse(ref, batch);
      rule(ref.W, gW, [mW, vW], i + 1);
      rule(ref.b, gb, [mB, vB], i + 1);
    });
    const X = Float32Array.from(batches.flatMap((b) => [...b.X]));
    const Y = Float32Array.from(batches.flatMap((b) => [...b.Y]));
    await model.fit(wl.tensor2d(X, [N * STEPS, IN]), wl.tensor2d(Y, [N * STEPS, UNITS]), FIT);
    const [W, b] = model.getWeights().map((w) => w.dataSync());
    expectNear(W, ref.W, TOL, rms(ref.W), 'kernel');
    expectNear(b, ref.b, TOL, rms(ref.b), 'bias');
    await model.dispose();
  });
});
