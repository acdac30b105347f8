import { describe, it, expect } from 'vitest';
import { softmaxRef, categoricalCrossentropyRef, softmaxCrossentropyGradRef, sumSquaredErrorRef } from '../reference/losses.js';
import { numericGradient } from '../reference/finite-difference.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

// row widths: scalar-only, one vector, vector + tail, several vectors + tail
// 4, 8, 12 and 16 take the in-register path for short rows; the others the general loop
const WIDTHS = [1, 3, 4, 7, 8, 12, 13, 16, 20, 64];

describe('f32_softmax_rows', () => {
  it('matches the float64 reference and sums to 1 per row', async () => {
    const engine = await testEngine();
    const rng = testRng(11);
    for (const n of WIDTHS) {
      const rows = 5;
      const x = uniform(rng, rows * n, -6, 6);
      const px = put(engine, x), py = space(engine, rows * n);
      engine.kernels.f32_softmax_rows(rows, n, px, py);
      const y = engine.read(py, rows * n);
      expectClose(y, softmaxRef(x, rows, n), { tol: 1e-6, scale: 1e-7, label: `n=${n}` });
      for (let r = 0; r < rows; r++) expect(y.subarray(r * n, (r + 1) * n).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  // rows of 4 and 8 go four at a time (transposed, lane-wise sums in the one-row order): every row
  // must come out as the one-row path computes it alone, bit for bit, in place too
  it('rows of 4 and 8 taken four at a time equal each row computed alone, bit for bit', async () => {
    const engine = await testEngine();
    const rng = testRng(12);
    for (const n of [4, 8]) {
      const rows = 9; // two quads and a single row
      const x = uniform(rng, rows * n, -20, 20);
      x.fill(1e4, n, n + 2); // a row with huge logits
      x[3 * n + 1] = -1e4;
      x[5 * n] = NaN; // a NaN makes its whole row NaN, and only that row
      const batch = put(engine, x);
      engine.kernels.f32_softmax_rows(rows, n, batch, batch);
      const y = engine.read(batch, rows * n);
      for (let r = 0; r < rows; r++) {
        const one = put(engine, x.subarray(r * n, (r + 1) * n)), out = space(engine, n);
        engine.kernels.f32_softmax_rows(1, n, one, out);
        const alone = engine.read(out, n);
        for (let j = 0; j < n; j++) expect(Object.is(y[r * n + j], alone[j]), `n=${n} row ${r} column ${j}: ${y[r * n + j]} vs ${alone[j]}`).toBe(true);
      }
      expect(y.subarray(5 * n, 6 * n).every(Number.isNaN)).toBe(true);
      expect(y.filter(Number.isNaN).length).toBe(n);
    }
  });

  it('is stable for logits of ±1e4 and works in place', async () => {
    const engine = await testEngine();
    const x = [1e4, -1e4, 1e4 - 1, 0, -3, 9999.5, 2, 1];
    const p = put(engine, x);
    engine.kernels.f32_softmax_rows(1, x.length, p, p);
    const y = engine.read(p, x.length);
    expect(y.every(Number.isFinite)).toBe(true);
    expectClose(y, softmaxRef(x, 1, x.length), { tol: 1e-6, scale: 1e-7 });
  });

  it('backward matches d(Σ w·softmax)/dx by finite differences', async () => {
    const engine = await testEngine();
    const rng = testRng(12);
    for (const n of WIDTHS) {
      const rows = 3;
      const x = uniform(rng, rows * n, -3, 3), w = uniform(rng, rows * n);
      const y = softmaxRef(x, rows, n);
      const py = put(engine, y), pdy = put(engine, w), pdx = space(engine, rows * n);
      engine.kernels.f32_softmax_rows_bwd(rows, n, py, pdy, pdx);
      const fd = numericGradient(() => softmaxRef(x, rows, n).reduce((s, v, i) => s + v * w[i], 0), x);
      expectClose(engine.read(pdx, rows * n), fd, { tol: 1e-5, scale: 1e-3, label: `n=${n}` });
    }
  });
});

describe('loss kernels', () => {
  it('f32_softmax_ce: loss sum and (p·Σy − y)·scale for one-hot and soft targets', async () => {
    const engine = await testEngine();
    const rng = testRng(13);
    for (const n of WIDTHS) {
      for (const soft of [false, true]) {
        const rows = 6;
        const p = softmaxRef(uniform(rng, rows * n, -4, 4), rows, n).map(Math.fround);
        const y = soft ? uniform(rng, rows * n, 0, 1) : oneHotRows(rng, rows, n);
        const pp = put(engine, p), py = put(engine, y), pd = space(engine, rows * n);
        const scale = 1 / rows;
        const loss = engine.kernels.f32_softmax_ce(rows, n, pp, py, pd, scale);
        expectClose([loss], [categoricalCrossentropyRef(p, y, rows, n)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
        expectClose(engine.read(pd, rows * n), softmaxCrossentropyGradRef(p, y, rows, n).map((g) => g * scale), { tol: 1e-6, scale: 0.1 });
      }
    }
  });

  it('f32_softmax_ce clips exact 0/1 probabilities: a finite loss (short rows in registers and the general path)', async () => {
    const engine = await testEngine();
    for (const n of [4, 8, 16, 20]) {
      // the target in the row's last vector, the probability mass in its first
      const p = Array.from({ length: n }, (_, j) => (j === 0 ? 1 : 0)), y = p.map((_, j) => (j === n - 1 ? 1 : 0));
      const pd = space(engine, n);
      const loss = engine.kernels.f32_softmax_ce(1, n, put(engine, p), put(engine, y), pd, 1);
      expectClose([loss], [-Math.log(Math.fround(1e-7))], { tol: 1e-6, scale: 0, label: `n=${n}` });
      expect([...engine.read(pd, n)]).toEqual(p.map((v, j) => v - y[j]));
    }
  });

  it('f32_categorical_ce: gradient through the normalisation and the clip, by finite differences', async () => {
    const engine = await testEngine();
    const rng = testRng(14);
    for (const n of WIDTHS) {
      const rows = 4;
      const p = uniform(rng, rows * n, 0.05, 1);
      const y = uniform(rng, rows * n, 0, 1);
      const pp = put(engine, p), py = put(engine, y), pd = space(engine, rows * n);
      const loss = engine.kernels.f32_categorical_ce(rows, n, pp, py, pd, 0.5);
      expectClose([loss], [categoricalCrossentropyRef(p, y, rows, n)], { tol: 1e-6, scale: 1e-6, label: `loss n=${n}` });
      const fd = numericGradient(() => 0.5 * categoricalCrossentropyRef(p, y, rows, n), p);
      expectClose(engine.read(pd, rows * n), fd, { tol: 1e-4, scale: 1e-2, label: `n=${n}` });
    }
  });

  it('f32_mse: Σ(p−y)² and 2(p−y)·scale over lengths with tails and several chunks', async () => {
    const engine = await testEngine();
    const rng = testRng(15);
    for (const n of [1, 3, 4, 9, 256, 1000, 3001]) {
      const p = uniform(rng, n), y = uniform(rng, n);
      const pd = space(engine, n);
      const s = engine.kernels.f32_mse(n, put(engine, p), put(engine, y), pd, 0.25);
      expect(Math.abs(s / sumSquaredErrorRef(p, y) - 1)).toBeLessThan(1e-5);
      expectClose(engine.read(pd, n), Array.from(p, (v, i) => 0.5 * (v - y[i])), { tol: 1e-7, scale: 1e-6 });
    }
  });
});

function oneHotRows(rng: () => number, rows: number, n: number): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) y[r * n + Math.floor(rng() * n)] = 1;
  return y;
}
