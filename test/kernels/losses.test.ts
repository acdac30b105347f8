// The losses of shared/SPEC-LAYERS.md §17 beyond categorical CE and MSE (softmax-loss.test.ts):
// sparse categorical CE (fused with softmax and not), binary CE (fused with sigmoid and not), MAE,
// Huber, and the sparse accuracy count (§19), against the float64 references of test/reference/losses.ts.
import { describe, it, expect } from 'vitest';
import {
  softmaxRef, categoricalCrossentropyRef, sparseCrossentropyRef, sparseCrossentropyGradRef, sparseSoftmaxCrossentropyGradRef,
  binaryCrossentropyRef, binaryCrossentropyGradRef, sumAbsoluteErrorRef, sumAbsoluteErrorGradRef, huberRef, huberGradRef,
} from '../reference/losses.js';
import { numericGradient } from '../reference/finite-difference.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';
import { binaryCrossEntropy, huber, meanAbsoluteError } from '../../src/ops/loss.js';
import type { DeviceTensor } from '../../src/ops/device-tensor.js';
import type { Engine } from '../../src/backend/engine.js';

// row widths: scalar-only, one vector + tail, one vector, vector + tail, several vectors, several + tail
const WIDTHS = [1, 3, 4, 7, 16, 33];
const ROWS = 5;
const EPS = Math.fround(1e-7);

function classes(rng: () => number, rows: number, n: number): number[] {
  return Array.from({ length: rows }, () => Math.floor(rng() * n));
}

function oneHot(k: readonly number[], n: number): Float64Array {
  const y = new Float64Array(k.length * n);
  k.forEach((c, r) => (y[r * n + c] = 1));
  return y;
}

const scaled = (g: ArrayLike<number>, s: number) => Float64Array.from(g, (v) => v * s);

/** Values uniform in [lo, hi) whose distance to `avoid` (elementwise partner) is at least `gap` (off a kink). */
function awayFrom(rng: () => number, avoid: ArrayLike<number>, lo: number, hi: number, gap: number, kinks: readonly number[]): Float64Array {
  return Float64Array.from(avoid, (y) => {
    for (;;) {
      const v = Math.fround(lo + (hi - lo) * rng());
      if (kinks.every((k) => Math.abs(Math.abs(v - y) - k) >= gap)) return v;
    }
  });
}

describe('f32_sparse_softmax_ce (fused with a softmax)', () => {
  it('loss = −log(clip(p_k/Σp)) and dlogits = (p − onehot(k))·scale at every width', async () => {
    const engine = await testEngine();
    const rng = testRng(31);
    for (const n of WIDTHS) {
      const p = softmaxRef(uniform(rng, ROWS * n, -4, 4), ROWS, n).map(Math.fround);
      const k = classes(rng, ROWS, n);
      const pd = space(engine, ROWS * n), scale = 1 / ROWS;
      const loss = engine.kernels.f32_sparse_softmax_ce(ROWS, n, put(engine, p), put(engine, k), pd, scale);
      expectClose([loss], [categoricalCrossentropyRef(p, oneHot(k, n), ROWS, n)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
      // inside the clip Keras's clip-then-normalise formula gives the same value
      if (n > 1) expectClose([loss], [sparseCrossentropyRef(p, k, ROWS, n)], { tol: 1e-5, scale: 1e-5, label: `Keras formula n=${n}` });
      expectClose(engine.read(pd, ROWS * n), scaled(sparseSoftmaxCrossentropyGradRef(p, k, ROWS, n), scale), { tol: 1e-6, scale: 0.1, label: `grad n=${n}` });
    }
  });

  it('equals f32_softmax_ce on the one-hot targets, value and gradient', async () => {
    const engine = await testEngine();
    const rng = testRng(32);
    for (const n of WIDTHS) {
      const p = softmaxRef(uniform(rng, ROWS * n, -6, 6), ROWS, n).map(Math.fround);
      const k = classes(rng, ROWS, n);
      const sparse = space(engine, ROWS * n), dense = space(engine, ROWS * n);
      const a = engine.kernels.f32_sparse_softmax_ce(ROWS, n, put(engine, p), put(engine, k), sparse, 0.3);
      const b = engine.kernels.f32_softmax_ce(ROWS, n, put(engine, p), put(engine, oneHot(k, n)), dense, 0.3);
      expectClose([a], [b], { tol: 1e-6, scale: 1e-6, label: `n=${n}` });
      expectClose(engine.read(sparse, ROWS * n), engine.read(dense, ROWS * n), { tol: 1e-6, scale: 0.1, label: `n=${n}` });
    }
  });
});

describe('f32_sparse_ce (probabilities, not fused)', () => {
  it('loss and gradient through the clip equal the reference at every width', async () => {
    const engine = await testEngine();
    const rng = testRng(33);
    for (const n of WIDTHS) {
      const p = uniform(rng, ROWS * n, 0.02, 1); // unnormalised, as any activation gives
      const k = classes(rng, ROWS, n);
      const pd = space(engine, ROWS * n), scale = 0.25;
      const loss = engine.kernels.f32_sparse_ce(ROWS, n, put(engine, p), put(engine, k), pd, scale);
      expectClose([loss], [sparseCrossentropyRef(p, k, ROWS, n)], { tol: 1e-5, scale: 1e-5, label: `loss n=${n}` });
      expectClose(engine.read(pd, ROWS * n), scaled(sparseCrossentropyGradRef(p, k, ROWS, n), scale), { tol: 1e-5, scale: 1e-2, label: `grad n=${n}` });
    }
  });

  it('the gradient equals finite differences of the reference value (inside the clip)', async () => {
    const engine = await testEngine();
    const rng = testRng(34);
    for (const n of WIDTHS) {
      const p = uniform(rng, ROWS * n, 0.05, 0.95);
      const k = classes(rng, ROWS, n);
      const pd = space(engine, ROWS * n);
      engine.kernels.f32_sparse_ce(ROWS, n, put(engine, p), put(engine, k), pd, 0.5);
      const fd = numericGradient(() => 0.5 * sparseCrossentropyRef(p, k, ROWS, n), p);
      expectClose(engine.read(pd, ROWS * n), fd, { tol: 1e-4, scale: 1e-2, label: `n=${n}` });
    }
  });
});

describe('f32_binary_ce', () => {
  it('not fused: loss and gradient (c − y)/(c(1 − c))·scale equal the reference, hard and soft targets', async () => {
    const engine = await testEngine();
    const rng = testRng(35);
    for (const w of WIDTHS) {
      for (const soft of [false, true]) {
        const n = ROWS * w;
        const p = uniform(rng, n, 0.01, 0.99);
        const y = soft ? uniform(rng, n, 0, 1) : Float64Array.from(p, () => (rng() < 0.5 ? 0 : 1));
        const pd = space(engine, n), scale = 0.125;
        const loss = engine.kernels.f32_binary_ce(n, put(engine, p), put(engine, y), pd, scale, false);
        expectClose([loss], [binaryCrossentropyRef(p, y)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
        expectClose(engine.read(pd, n), scaled(binaryCrossentropyGradRef(p, y), scale), { tol: 1e-5, scale: 1e-2, label: `grad n=${n}` });
      }
    }
  });

  it('not fused: the gradient equals finite differences of the reference value (inside the clip)', async () => {
    const engine = await testEngine();
    const rng = testRng(36);
    for (const w of WIDTHS) {
      const n = ROWS * w;
      const p = uniform(rng, n, 0.05, 0.95), y = uniform(rng, n, 0, 1);
      const pd = space(engine, n);
      engine.kernels.f32_binary_ce(n, put(engine, p), put(engine, y), pd, 0.5, false);
      const fd = numericGradient(() => 0.5 * binaryCrossentropyRef(p, y), p);
      expectClose(engine.read(pd, n), fd, { tol: 1e-4, scale: 1e-2, label: `n=${n}` });
    }
  });

  it('fused with a sigmoid: the same loss, gradient (p − y)·scale w.r.t. the logits', async () => {
    const engine = await testEngine();
    const rng = testRng(37);
    for (const w of WIDTHS) {
      const n = ROWS * w;
      const z = uniform(rng, n, -5, 5);
      const p = Float64Array.from(z, (v) => Math.fround(1 / (1 + Math.exp(-v))));
      const y = uniform(rng, n, 0, 1);
      const pd = space(engine, n), scale = 0.2;
      const loss = engine.kernels.f32_binary_ce(n, put(engine, p), put(engine, y), pd, scale, true);
      expectClose([loss], [binaryCrossentropyRef(p, y)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
      expectClose(engine.read(pd, n), Float64Array.from(p, (v, i) => (v - y[i]) * scale), { tol: 1e-6, scale: 1e-6, label: `grad n=${n}` });
      // and that is the chain rule through the sigmoid of the unfused gradient: dL/dp · p(1 − p)
      const chained = Float64Array.from(binaryCrossentropyGradRef(p, y), (g, i) => g * p[i] * (1 - p[i]) * scale);
      expectClose(engine.read(pd, n), chained, { tol: 1e-5, scale: 1e-3, label: `chain rule n=${n}` });
    }
  });
});

describe('f32_mae', () => {
  it('Σ|p − y| and sign(p − y)·scale, 0 where p = y', async () => {
    const engine = await testEngine();
    const rng = testRng(38);
    for (const w of WIDTHS) {
      const n = ROWS * w;
      const y = uniform(rng, n, -2, 2);
      const p = uniform(rng, n, -2, 2);
      p[0] = y[0]; // an exact match
      const pd = space(engine, n), scale = 0.3;
      const loss = engine.kernels.f32_mae(n, put(engine, p), put(engine, y), pd, scale);
      expectClose([loss], [sumAbsoluteErrorRef(p, y)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
      const g = engine.read(pd, n);
      expectClose(g, scaled(sumAbsoluteErrorGradRef(p, y), scale), { tol: 1e-7, scale: 0, label: `grad n=${n}` });
      expect(g[0]).toBe(0);
    }
  });

  it('the gradient equals finite differences of the reference value (off the kink)', async () => {
    const engine = await testEngine();
    const rng = testRng(39);
    for (const w of WIDTHS) {
      const n = ROWS * w;
      const y = uniform(rng, n, -2, 2);
      const p = awayFrom(rng, y, -2, 2, 1e-3, [0]);
      const pd = space(engine, n);
      engine.kernels.f32_mae(n, put(engine, p), put(engine, y), pd, 0.5);
      const fd = numericGradient(() => 0.5 * sumAbsoluteErrorRef(p, y), p);
      expectClose(engine.read(pd, n), fd, { tol: 1e-5, scale: 1e-3, label: `n=${n}` });
    }
  });
});

describe('f32_huber', () => {
  for (const delta of [1, 0.5, 2.5]) {
    it(`δ = ${delta}: the value and gradient of both branches equal the reference and finite differences`, async () => {
      const engine = await testEngine();
      const rng = testRng(Math.round(400 + 10 * delta));
      for (const w of WIDTHS) {
        const n = ROWS * w;
        const y = uniform(rng, n, -3, 3);
        // errors on both sides of δ (kept off |e| = δ, where the second derivative jumps)
        const p = awayFrom(rng, y, -3, 3, 1e-3, [delta]);
        const pd = space(engine, n), scale = 0.7;
        const loss = engine.kernels.f32_huber(n, put(engine, p), put(engine, y), pd, scale, delta);
        expectClose([loss], [huberRef(p, y, delta)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
        expectClose(engine.read(pd, n), scaled(huberGradRef(p, y, delta), scale), { tol: 1e-6, scale: 1e-6, label: `grad n=${n}` });
        const fd = numericGradient(() => scale * huberRef(p, y, delta), p);
        expectClose(engine.read(pd, n), fd, { tol: 1e-5, scale: 1e-3, label: `fd n=${n}` });
      }
    });
  }

  it('at |e| = δ exactly both branches agree: 0.5δ² and δ·sign(e)', async () => {
    const engine = await testEngine();
    const p = [1.5, -0.5, 0], y = [0.5, 0.5, 0];
    const pd = space(engine, 3);
    const loss = engine.kernels.f32_huber(3, put(engine, p), put(engine, y), pd, 2, 1);
    expect(loss).toBeCloseTo(1, 12);
    expect([...engine.read(pd, 3)]).toEqual([2, -2, 0]);
  });
});

describe('clipping at p = 0 and p = 1', () => {
  const clippedLog = -Math.log(EPS); // −log ε
  const clippedLog1 = -Math.log(1 - Math.fround(1 - 1e-7)); // −log(1 − (1 − ε)), with 1 − ε in float32

  it('binary CE: a finite loss; no gradient outside the clip unfused, (p − y)·scale fused', async () => {
    const engine = await testEngine();
    const p = [0, 1, 0, 1, 0.5], y = [1, 0, 0, 1, 1];
    const expected = clippedLog + clippedLog1 - Math.log(1 - EPS) - Math.log(Math.fround(1 - 1e-7)) + Math.log(2);
    const unfused = space(engine, 5), fused = space(engine, 5);
    const a = engine.kernels.f32_binary_ce(5, put(engine, p), put(engine, y), unfused, 0.5, false);
    const b = engine.kernels.f32_binary_ce(5, put(engine, p), put(engine, y), fused, 0.5, true);
    for (const loss of [a, b]) expectClose([loss], [expected], { tol: 1e-6, scale: 0 });
    expect([...engine.read(unfused, 5)]).toEqual([0, 0, 0, 0, -1]); // (0.5 − 1)/(0.25)·0.5
    expect([...engine.read(fused, 5)]).toEqual([-0.5, 0.5, 0, 0, -0.25]);
  });

  it('sparse CE: a finite loss; the clipped entries get no gradient unfused', async () => {
    const engine = await testEngine();
    // row 0: the target's probability is 0; row 1: a one-hot prediction on the target; row 2: one entry of 1 elsewhere
    const n = 4;
    const p = [0, 0.5, 0.5, 0, 0, 0, 1, 0, 1, 0, 0, 0.25], k = [0, 2, 3];
    const pd = space(engine, 3 * n);
    const loss = engine.kernels.f32_sparse_ce(3, n, put(engine, p), put(engine, k), pd, 1);
    expect(Number.isFinite(loss)).toBe(true);
    expectClose([loss], [sparseCrossentropyRef(p, k, 3, n)], { tol: 1e-6, scale: 0 });
    expect(loss).toBeGreaterThan(clippedLog); // row 0 alone is −log(ε / (1 + 2ε)) ≈ 16.1
    expectClose(engine.read(pd, 3 * n), sparseCrossentropyGradRef(p, k, 3, n), { tol: 1e-6, scale: 1e-6 });
    const g = engine.read(pd, 3 * n);
    for (const j of [0, 3, 4, 5, 6, 7, 8, 9, 10]) expect(g[j], `entry ${j} is clipped`).toBe(0);
    expectClose([g[11]], [1 / (1.25 + EPS) - 1 / 0.25], { tol: 1e-6, scale: 0 });
  });

  it('sparse CE fused: a finite loss at p_k = 0 and the gradient (p − onehot)·scale regardless', async () => {
    const engine = await testEngine();
    for (const n of [1, 4, 7, 16]) {
      const p = Array.from({ length: n }, (_, j) => (j === 0 ? 1 : 0)), k = [n - 1];
      const pd = space(engine, n);
      const loss = engine.kernels.f32_sparse_softmax_ce(1, n, put(engine, p), put(engine, k), pd, 2);
      const expected = n === 1 ? -Math.log(Math.fround(1 - 1e-7)) : clippedLog;
      expectClose([loss], [expected], { tol: 1e-6, scale: 1e-9, label: `n=${n}` });
      expect([...engine.read(pd, n)]).toEqual(p.map((v, j) => 2 * (v - (j === n - 1 ? 1 : 0))));
    }
  });
});

describe('f32_sparse_argmax_matches', () => {
  it('counts rows whose first maximum is the class index, by hand', async () => {
    const engine = await testEngine();
    const n = 5;
    const pred = [
      0.1, 0.7, 0.1, 0.05, 0.05, // argmax 1
      0.3, 0.1, 0.3, 0.2, 0.1, // tie between 0 and 2: the first wins
      0.3, 0.1, 0.3, 0.2, 0.1, // same row, target the second of the tie
      -1, -2, -3, -4, -0.5, // argmax 4 (all negative)
      0, 0, 0, 0, 0, // all equal: 0
      0.2, 0.2, 0.2, 0.2, 0.21, // argmax 4
    ];
    const target = [1, 0, 2, 4, 1, 3];
    expect(engine.kernels.f32_sparse_argmax_matches(6, n, put(engine, pred), put(engine, target))).toBe(3);
    expect(engine.kernels.f32_sparse_argmax_matches(6, n, put(engine, pred), put(engine, [1, 0, 2, 4, 0, 4]))).toBe(5);
    expect(engine.kernels.f32_sparse_argmax_matches(6, n, put(engine, pred), put(engine, [0, 2, 1, 3, 4, 0]))).toBe(0);
  });

  it('at every width equals a count by hand on random rows', async () => {
    const engine = await testEngine();
    const rng = testRng(41);
    for (const n of WIDTHS) {
      const rows = 40;
      const pred = uniform(rng, rows * n);
      const best = Array.from({ length: rows }, (_, r) => {
        let b = 0;
        for (let j = 1; j < n; j++) if (pred[r * n + j] > pred[r * n + b]) b = j;
        return b;
      });
      const target = best.map((b) => (rng() < 0.5 ? b : Math.floor(rng() * n)));
      const hits = best.filter((b, r) => b === target[r]).length;
      expect(engine.kernels.f32_sparse_argmax_matches(rows, n, put(engine, pred), put(engine, target)), `n=${n}`).toBe(hits);
    }
  });
});

describe('the ops average binary CE, MAE and Huber over the last axis', () => {
  const tensorOf = (engine: Engine, values: ArrayLike<number>, shape: number[]): DeviceTensor =>
    ({ ptr: put(engine, values), shape, size: values.length });

  it('value Σ_rows mean_last and gradient ref·scale/width, at every width', async () => {
    const engine = await testEngine();
    const rng = testRng(42);
    for (const w of WIDTHS) {
      const shape = [ROWS, w], n = ROWS * w;
      const p = uniform(rng, n, 0.05, 0.95), y = uniform(rng, n, 0, 1);
      const cases: [string, (g: DeviceTensor) => number, number, Float64Array][] = [
        ['binary CE', (g) => binaryCrossEntropy(engine, tensorOf(engine, p, shape), tensorOf(engine, y, shape), g, 0.5, false), binaryCrossentropyRef(p, y), binaryCrossentropyGradRef(p, y)],
        ['MAE', (g) => meanAbsoluteError(engine, tensorOf(engine, p, shape), tensorOf(engine, y, shape), g, 0.5), sumAbsoluteErrorRef(p, y), sumAbsoluteErrorGradRef(p, y)],
        ['Huber δ=0.3', (g) => huber(engine, tensorOf(engine, p, shape), tensorOf(engine, y, shape), g, 0.5, 0.3), huberRef(p, y, 0.3), huberGradRef(p, y, 0.3)],
      ];
      for (const [name, run, value, grad] of cases) {
        const g: DeviceTensor = { ptr: space(engine, n), shape, size: n };
        expectClose([run(g)], [value / w], { tol: 1e-6, scale: 1e-6, label: `${name} w=${w}` });
        expectClose(engine.read(g.ptr, n), scaled(grad, 0.5 / w), { tol: 1e-5, scale: 1e-3, label: `${name} grad w=${w}` });
      }
    }
  });
});
