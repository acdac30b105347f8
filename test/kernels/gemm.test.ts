import { describe, it, expect } from 'vitest';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { gemmRef } from '../reference/gemm.js';
import type { RefActivation } from '../reference/activations.js';
import { expectClose, sumTolerance } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

// The grid follows XNNPACK's: k = 1, k below/above the unroll, m below/above the 4-row tile and
// several tiles plus a tail, n across the 8-wide tile, the 4-wide tail and the scalar tail.
const M = [1, 3, 4, 13];
const N = [1, 3, 4, 7, 8, 16, 20, 27, 64];
const K = [1, 2, 5, 17, 64];

const LAYOUTS = ['A·B', 'Aᵀ·B'] as const;

describe('f32_gemm', () => {
  for (const layout of LAYOUTS) {
    it(`matches the float64 reference over the shape grid (${layout})`, async () => {
      const engine = await testEngine();
      const rng = testRng(1);
      for (const m of M) for (const n of N) for (const k of K) {
        const ldc = n + 3; // strided C: the gaps must stay untouched
        const ldb = n + 1;
        const a = uniform(rng, m * k);
        const [rsa, csa] = layout === 'A·B' ? [k, 1] : [1, m];
        const b = uniform(rng, k * ldb);
        const c = uniform(rng, (m - 1) * ldc + n);
        const bias = uniform(rng, n);
        const pa = put(engine, a), pb = put(engine, b), pc = put(engine, c), pbias = put(engine, bias);
        engine.kernels.f32_gemm(m, n, k, pa, rsa, csa, pb, ldb, pc, ldc, 1, pbias, ActivationCode.linear);
        const expected = gemmRef({ m, n, k, a, rsa, csa, b, ldb, c, ldc, bias });
        expectClose(engine.read(pc, c.length), expected, { tol: sumTolerance(k), scale: Math.sqrt(k), label: `${layout} m=${m} n=${n} k=${k}` });
        for (const p of [pa, pb, pc, pbias]) engine.release(p);
      }
    });
  }

  // Products the direct path does not take (n not a multiple of 8, or past 64) go through the
  // cache-blocked packed path (KC = 256, MC = 128, NC = 512, 4×8 tiles): these shapes cross every
  // block boundary with a tail in each dimension.
  const PACKED: [number, number, number][] = [[131, 9, 300], [6, 523, 257], [261, 37, 513], [64, 1030, 40], [3, 2000, 90]];
  for (const layout of ['A·B', 'Aᵀ·B'] as const) {
    it(`the packed path matches the float64 reference across block boundaries (${layout})`, async () => {
      const engine = await testEngine();
      const rng = testRng(77);
      for (const [m, n, k] of PACKED) {
        expect(m * n * k).toBeGreaterThanOrEqual(1 << 18);
        const ldc = n + 2, ldb = n + 5;
        const a = uniform(rng, m * k);
        const [rsa, csa] = layout === 'A·B' ? [k, 1] : [1, m];
        const b = uniform(rng, k * ldb), c = uniform(rng, (m - 1) * ldc + n), bias = uniform(rng, n);
        for (const [accumulate, act] of [[1, ActivationCode.linear], [0, ActivationCode.tanh]] as const) {
          const pa = put(engine, a), pb = put(engine, b), pc = put(engine, c), pbias = put(engine, bias);
          engine.kernels.f32_gemm(m, n, k, pa, rsa, csa, pb, ldb, pc, ldc, accumulate, pbias, act);
          const expected = gemmRef({ m, n, k, a, rsa, csa, b, ldb, c: accumulate ? c : undefined, ldc, bias, activation: act ? 'tanh' : 'linear' });
          if (!accumulate) for (let i = 0; i < m; i++) for (let j = n; j < ldc && i < m - 1; j++) expected[i * ldc + j] = c[i * ldc + j];
          expectClose(engine.read(pc, c.length), expected, { tol: sumTolerance(k), scale: Math.sqrt(k), label: `${layout} m=${m} n=${n} k=${k} acc=${accumulate}` });
          for (const p of [pa, pb, pc, pbias]) engine.release(p);
        }
      }
    });
  }

  // The direct path (no packing; n a multiple of 8 up to 64): Aᵀ·B with up to 64 rows over any K
  // (in slices of 512: these cross them), and A·B with K ≤ 32 over any number of rows. Row tails of
  // 1–3 re-read row 0 and must not be stored.
  const DIRECT: [typeof LAYOUTS[number], number, number, number][] = [
    ['Aᵀ·B', 15, 48, 1100], ['Aᵀ·B', 16, 32, 513], ['Aᵀ·B', 3, 8, 2000], ['Aᵀ·B', 64, 64, 40], ['Aᵀ·B', 5, 16, 0],
    ['A·B', 1000, 48, 15], ['A·B', 37, 64, 32], ['A·B', 6, 8, 1], ['A·B', 2, 24, 0],
  ];
  it('the direct path matches the float64 reference (thin products, tails, K slices, k = 0)', async () => {
    const engine = await testEngine();
    const rng = testRng(78);
    for (const [layout, m, n, k] of DIRECT) {
      const ldc = n + 2, ldb = n + 8;
      const a = uniform(rng, Math.max(m * k, 1));
      const [rsa, csa] = layout === 'A·B' ? [k, 1] : [1, m];
      const b = uniform(rng, Math.max(k * ldb, 1)), c = uniform(rng, (m - 1) * ldc + n), bias = uniform(rng, n);
      for (const [accumulate, act] of [[1, ActivationCode.linear], [0, ActivationCode.relu]] as const) {
        const pa = put(engine, a), pb = put(engine, b), pc = put(engine, c), pbias = put(engine, bias);
        engine.kernels.f32_gemm(m, n, k, pa, rsa, csa, pb, ldb, pc, ldc, accumulate, pbias, act);
        const expected = gemmRef({ m, n, k, a, rsa, csa, b, ldb, c: accumulate ? c : undefined, ldc, bias, activation: act ? 'relu' : 'linear' });
        if (!accumulate) for (let i = 0; i < m - 1; i++) for (let j = n; j < ldc; j++) expected[i * ldc + j] = c[i * ldc + j];
        expectClose(engine.read(pc, c.length), expected, { tol: sumTolerance(k), scale: Math.sqrt(k), label: `direct ${layout} m=${m} n=${n} k=${k} acc=${accumulate}` });
        for (const p of [pa, pb, pc, pbias]) engine.release(p);
      }
    }
  });

  it('overwrites C without accumulate and without bias', async () => {
    const engine = await testEngine();
    const rng = testRng(2);
    const m = 6, n = 11, k = 9;
    const a = uniform(rng, m * k), b = uniform(rng, k * n);
    const pa = put(engine, a), pb = put(engine, b), pc = space(engine, m * n);
    engine.kernels.f32_gemm(m, n, k, pa, k, 1, pb, n, pc, n, 0, 0, ActivationCode.linear);
    expectClose(engine.read(pc, m * n), gemmRef({ m, n, k, a, rsa: k, csa: 1, b, ldb: n, ldc: n }), { tol: 1e-6, scale: 3 });
  });

  const activations: [RefActivation, number][] = [
    ['relu', ActivationCode.relu], ['sigmoid', ActivationCode.sigmoid], ['hardSigmoid', ActivationCode.hardSigmoid],
    ['tanh', ActivationCode.tanh], ['linear', ActivationCode.linear],
  ];
  for (const [name, code] of activations) {
    it(`applies the ${name} epilogue on every tile and tail`, async () => {
      const engine = await testEngine();
      const rng = testRng(3 + code);
      const m = 9, n = 15, k = 7;
      const a = uniform(rng, m * k, -2, 2), b = uniform(rng, k * n, -2, 2), bias = uniform(rng, n);
      const pa = put(engine, a), pb = put(engine, b), pc = space(engine, m * n), pbias = put(engine, bias);
      engine.kernels.f32_gemm(m, n, k, pa, k, 1, pb, n, pc, n, 0, pbias, code);
      const expected = gemmRef({ m, n, k, a, rsa: k, csa: 1, b, ldb: n, ldc: n, bias, activation: name });
      expectClose(engine.read(pc, m * n), expected, { tol: 2e-6, scale: 1, label: name });
    });
  }

  it('with k = 0 gives act(C·accumulate + bias)', async () => {
    const engine = await testEngine();
    const pc = put(engine, [1, 2, 3, 4, 5]);
    const pbias = put(engine, [10, 20, 30, 40, 50]);
    engine.kernels.f32_gemm(1, 5, 0, 0, 0, 0, 0, 0, pc, 5, 1, pbias, ActivationCode.linear);
    expect([...engine.read(pc, 5)]).toEqual([11, 22, 33, 44, 55]);
  });
});

describe('f32_transpose and f32_colsum', () => {
  it('transposes rectangular matrices', async () => {
    const engine = await testEngine();
    for (const [rows, cols] of [[1, 1], [3, 5], [16, 48], [7, 2]]) {
      const src = Array.from({ length: rows * cols }, (_, i) => i);
      const ps = put(engine, src), pd = space(engine, rows * cols);
      engine.kernels.f32_transpose(rows, cols, ps, pd);
      const out = engine.read(pd, rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(out[j * rows + i]).toBe(src[i * cols + j]);
    }
  });

  it('sums columns of a strided matrix, accumulating or not', async () => {
    const engine = await testEngine();
    const rng = testRng(9);
    // column blocks of 32, then of 4, then single columns
    for (const [rows, cols] of [[1, 1], [5, 3], [9, 13], [130, 48], [3, 32], [7, 70]]) {
      const ld = cols + 2;
      const src = uniform(rng, rows * ld);
      const start = uniform(rng, cols);
      const ps = put(engine, src), pd = put(engine, start);
      engine.kernels.f32_colsum(rows, cols, ps, ld, pd, 1);
      const expected = Array.from(start, (s, j) => {
        let t = s;
        for (let i = 0; i < rows; i++) t += src[i * ld + j];
        return t;
      });
      expectClose(engine.read(pd, cols), expected, { tol: sumTolerance(rows), scale: Math.sqrt(rows) });
      engine.kernels.f32_colsum(rows, cols, ps, ld, pd, 0);
      expectClose(engine.read(pd, cols), expected.map((e, j) => e - start[j]), { tol: sumTolerance(rows), scale: Math.sqrt(rows) });
    }
  });
});
