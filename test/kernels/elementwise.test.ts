import { describe, it, expect } from 'vitest';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { act, actGrad, type RefActivationK3 } from '../reference/activations.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

const ACTIVATIONS: [RefActivationK3, ActivationCode][] = [
  ['linear', ActivationCode.linear], ['relu', ActivationCode.relu], ['sigmoid', ActivationCode.sigmoid],
  ['hardSigmoid', ActivationCode.hardSigmoid], ['tanh', ActivationCode.tanh], ['keras3HardSigmoid', ActivationCode.keras3HardSigmoid],
];

describe('f32_activation / f32_activation_bwd', () => {
  for (const [name, code] of ACTIVATIONS) {
    it(`${name}: forward and backward match the float64 reference (lengths with tails)`, async () => {
      const engine = await testEngine();
      const rng = testRng(50 + code);
      for (const n of [1, 3, 4, 6, 19, 64]) {
        const x = uniform(rng, n, -4, 4);
        const px = put(engine, x), py = space(engine, n);
        engine.kernels.f32_activation(n, px, py, code);
        const y = engine.read(py, n);
        expectClose(y, Array.from(x, (v) => act(v, name)), { tol: 3e-7, scale: 1, label: `${name} n=${n}` });
        const dy = uniform(rng, n);
        const pdx = space(engine, n);
        engine.kernels.f32_activation_bwd(n, py, put(engine, dy), pdx, code);
        expectClose(engine.read(pdx, n), Array.from(y, (v, i) => dy[i] * actGrad(v, name)), { tol: 3e-7, scale: 1, label: `${name}' n=${n}` });
      }
    });
  }

  // shared/SPEC-LAYERS.md §16 [obs]: Keras 3's hard_sigmoid at x = (−4, −1, 0, 0.5, 3) is
  // (0, 0.3333, 0.5, 0.5833, 1), tfjs's hardSigmoid (0, 0.3, 0.5, 0.6, 1); Keras 3's gradient is
  // 1/6 on (−3, 3) (keras/src/backend/tensorflow/nn.py: relu6(x + 3) / 6)
  it("Keras 3's hard sigmoid (code 5): values and gradient; code 3 stays tfjs's", async () => {
    const engine = await testEngine();
    const x = [-4, -1, 0, 0.5, 3, -3, 2.9];
    const px = put(engine, x), py = space(engine, x.length), pdx = space(engine, x.length);
    engine.kernels.f32_activation(x.length, px, py, ActivationCode.keras3HardSigmoid);
    const y = engine.read(py, x.length);
    expectClose(y, [0, 1 / 3, 0.5, 7 / 12, 1, 0, 2.9 / 6 + 0.5], { tol: 1e-7, scale: 1 });
    engine.kernels.f32_activation_bwd(x.length, py, put(engine, x.map(() => 1)), pdx, ActivationCode.keras3HardSigmoid);
    expectClose(engine.read(pdx, x.length), [0, 1 / 6, 1 / 6, 1 / 6, 0, 0, 1 / 6], { tol: 1e-8, scale: 1 });
    engine.kernels.f32_activation(5, px, py, ActivationCode.hardSigmoid);
    expectClose(engine.read(py, 5), [0, 0.3, 0.5, 0.6, 1], { tol: 1e-7, scale: 1 });
  });

  it('sigmoid and tanh saturate cleanly at ±100 and keep tanh odd and accurate near 0', async () => {
    const engine = await testEngine();
    const x = [100, -100, 1e-6, -1e-6, 0.3, -0.3, 0.62, 0.63, 40, -40];
    const px = put(engine, x), py = space(engine, x.length);
    engine.kernels.f32_activation(x.length, px, py, ActivationCode.tanh);
    expectClose(engine.read(py, x.length), x.map(Math.tanh), { tol: 2e-7, scale: 0 });
    engine.kernels.f32_activation(x.length, px, py, ActivationCode.sigmoid);
    const s = engine.read(py, x.length);
    expect(s[0]).toBe(1);
    expect(s[1]).toBeLessThan(1e-37);
    expectClose(s, x.map((v) => 1 / (1 + Math.exp(-v))), { tol: 2e-7, scale: 0.01 });
  });

  // exp and tanh share one range reduction (2^n from the bits of a rounding sum); the bound is in
  // units in the last place of the float32 result, over 2^17 points from −20 to 20 and down to 1e-10
  it('sigmoid and tanh stay within 3 ulp of float64 over a dense grid', async () => {
    const engine = await testEngine();
    const n = 1 << 17;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i < n / 2 ? -20 + (40 * i) / (n / 2) : (i % 2 ? -1 : 1) * 10 ** (-10 + (10 * (i - n / 2)) / (n / 2));
    }
    const ulp = (y: number) => (Math.abs(y) < 1.2e-38 ? 1.4e-45 : 2 ** (Math.floor(Math.log2(Math.abs(y))) - 23));
    const px = put(engine, x), py = space(engine, n);
    for (const [code, ref] of [[ActivationCode.sigmoid, (v: number) => 1 / (1 + Math.exp(-v))], [ActivationCode.tanh, Math.tanh]] as const) {
      engine.kernels.f32_activation(n, px, py, code);
      const y = engine.read(py, n);
      let worst = 0, at = 0;
      for (let i = 0; i < n; i++) {
        const e = Math.abs(y[i] - ref(x[i])) / ulp(ref(x[i]));
        if (!(e <= worst)) [worst, at] = [e, x[i]];
      }
      expect(worst, `code ${code}: ${worst.toFixed(2)} ulp at x = ${at}`).toBeLessThanOrEqual(3);
    }
  });

  it('f32_add_inplace adds with tails', async () => {
    const engine = await testEngine();
    for (const n of [1, 4, 7, 33]) {
      const a = Array.from({ length: n }, (_, i) => i), b = Array.from({ length: n }, (_, i) => 10 * i);
      const pa = put(engine, a);
      engine.kernels.f32_add_inplace(n, pa, put(engine, b));
      expect([...engine.read(pa, n)]).toEqual(a.map((v, i) => v + b[i]));
    }
  });
});

describe('f32_swap_axes01, f32_all_finite, f32_argmax_matches', () => {
  it('swaps the first two axes, reversing either on request', async () => {
    const engine = await testEngine();
    // rows under one vector, with a tail, and of whole vectors
    for (const [d0, d1, inner] of [[3, 5, 7], [2, 3, 3], [4, 2, 8], [3, 4, 15]]) {
      const src = Array.from({ length: d0 * d1 * inner }, (_, i) => i);
      const ps = put(engine, src);
      for (const flags of [0, 1, 2, 3]) {
        const pd = space(engine, src.length);
        engine.kernels.f32_swap_axes01(d0, d1, inner, ps, pd, flags);
        const out = engine.read(pd, src.length);
        for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) for (let k = 0; k < inner; k++) {
          const io = flags & 1 ? d0 - 1 - i : i, jo = flags & 2 ? d1 - 1 - j : j;
          expect(out[(jo * d0 + io) * inner + k]).toBe(src[(i * d1 + j) * inner + k]);
        }
      }
    }
  });

  it('finds a non-finite value anywhere, tails included', async () => {
    const engine = await testEngine();
    for (const n of [1, 3, 4, 9, 64]) {
      const p = put(engine, Array.from({ length: n }, (_, i) => i - 2.5));
      expect(engine.kernels.f32_all_finite(n, p)).toBe(1);
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        for (const at of [0, n - 1, n >> 1]) {
          engine.f32(p, n)[at] = bad;
          expect(engine.kernels.f32_all_finite(n, p), `n=${n} at ${at}`).toBe(0);
          engine.f32(p, n)[at] = 0;
        }
      }
    }
  });

  it('counts rows whose argmax agree, the first maximum winning as numpy', async () => {
    const engine = await testEngine();
    const pred = [0.1, 0.7, 0.2, /**/ 0.5, 0.5, 0, /**/ 0, 0, 1, /**/ 0.3, 0.3, 0.4];
    const target = [0, 1, 0, /**/ 1, 0, 0, /**/ 0, 1, 0, /**/ 0, 0, 1];
    expect(engine.kernels.f32_argmax_matches(4, 3, put(engine, pred), put(engine, target))).toBe(3);
  });
});
