// f32_l2norm_rows / f32_l2norm_rows_bwd (assembly/normalize.ts): rows scaled to unit L2 norm with
// Keras 3's floor (1e-7), and the gradient, against float64 (test/reference/merging.ts normalizeRef
// and central differences of it), over row lengths with and without vector tails and several rows.
import { describe, it, expect } from 'vitest';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';
import { dot, numericGradient } from '../reference/finite-difference.js';
import { normalizeRef } from '../reference/merging.js';

describe('f32_l2norm_rows', () => {
  it('forward and backward match float64 over a grid of row lengths (tails), 1 to 5 rows; dx may be dy', async () => {
    const engine = await testEngine();
    const rng = testRng(77);
    for (const rows of [1, 3, 5]) {
      for (const n of [1, 3, 4, 7, 16, 33]) {
        const x = uniform(rng, rows * n);
        const ref = normalizeRef({ data: x, shape: [rows, n] }, 1).data;
        const px = put(engine, x), py = space(engine, rows * n), ps = space(engine, rows);
        engine.kernels.f32_l2norm_rows(rows, n, px, py, ps);
        const y = engine.read(py, rows * n);
        expectClose(y, ref, { tol: 1e-6, scale: 0.1, label: `y rows=${rows} n=${n}` });
        expect(Array.from(engine.read(ps, rows)).every((s) => s > 0), 'no row floored').toBe(true);
        const dy = uniform(rng, rows * n);
        const fd = numericGradient(() => dot(dy, normalizeRef({ data: x, shape: [rows, n] }, 1).data), x);
        const pdy = put(engine, dy);
        engine.kernels.f32_l2norm_rows_bwd(rows, n, py, ps, pdy, pdy); // in place
        expectClose(engine.read(pdy, rows * n), fd, { tol: 1e-5, scale: 0.1, label: `dx rows=${rows} n=${n}` });
      }
    }
  });

  it('a row shorter than 1e-7 is scaled by 1e7 and marked (negative scale), its gradient 1e7·dy; a zero row stays zero', async () => {
    const engine = await testEngine();
    const x = Float64Array.from([1e-8, -2e-8, 0, 0, 0, 0, 3, 4]);
    const px = put(engine, x), py = space(engine, 8), ps = space(engine, 4);
    engine.kernels.f32_l2norm_rows(4, 2, px, py, ps);
    expectClose(engine.read(py, 8), [0.1, -0.2, 0, 0, 0, 0, 0.6, 0.8], { tol: 1e-6, scale: 1e-3, label: 'y' });
    expect(Array.from(engine.read(ps, 4))).toEqual([-1e7, -1e7, -1e7, 0.2].map(Math.fround));
    const pdx = space(engine, 8);
    engine.kernels.f32_l2norm_rows_bwd(4, 2, py, ps, put(engine, [1, 2, 3, 4, 5, 6, 1, 0]), pdx);
    expectClose(engine.read(pdx, 8), [1e7, 2e7, 3e7, 4e7, 5e7, 6e7, 0.2 * 0.64, -0.2 * 0.48], { tol: 1e-6, scale: 1e-3, label: 'dx' });
  });
});
