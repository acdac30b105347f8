import { describe, it, expect } from 'vitest';
import { rmspropRef, adamRef, sgdRef } from '../reference/optimizers.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

const LENGTHS = [1, 3, 4, 5, 17, 64];

describe('f32_rmsprop', () => {
  it("reproduces Keras's golden step (keras/src/optimizers/rmsprop_test.py, learning_rate=0.5)", async () => {
    const engine = await testEngine();
    const p = put(engine, [1, 2, 3, 4]), g = put(engine, [1, 6, 7, 2]), v = put(engine, [0, 0, 0, 0]);
    engine.kernels.f32_rmsprop(4, p, g, v, 0, 0, 0.5, 0.9, 1 - 0.9, 1e-7, 0, 0);
    expectClose(engine.read(p, 4), [-0.5811, 0.4189, 1.4189, 2.4189], { tol: 1e-4, scale: 0 });
  });

  for (const [momentum, centered] of [[0, false], [0.9, false], [0, true], [0.5, true]] as const) {
    it(`matches the float64 reference over 3 steps (momentum=${momentum}, centered=${centered})`, async () => {
      const engine = await testEngine();
      const rng = testRng(20 + momentum * 10 + (centered ? 1 : 0));
      for (const n of LENGTHS) {
        const p0 = uniform(rng, n);
        const ref = { p: Float64Array.from(p0), v: new Float64Array(n), m: new Float64Array(n), mg: new Float64Array(n) };
        const pp = put(engine, p0), pv = put(engine, new Float64Array(n)), pm = put(engine, new Float64Array(n)), pmg = put(engine, new Float64Array(n));
        const hp = { lr: 0.01, rho: 0.9, eps: 1e-7, momentum, centered };
        for (let step = 0; step < 3; step++) {
          const g = uniform(rng, n);
          rmspropRef(ref.p, g, ref, hp);
          engine.kernels.f32_rmsprop(n, pp, put(engine, g), pv, momentum > 0 ? pm : 0, centered ? pmg : 0, hp.lr, hp.rho, 1 - hp.rho, hp.eps, momentum, centered ? 1 : 0);
        }
        expectClose(engine.read(pp, n), ref.p, { tol: 1e-5, scale: 0.01, label: `n=${n}` });
        expectClose(engine.read(pv, n), ref.v, { tol: 1e-5, scale: 1e-3, label: `v n=${n}` });
      }
    });
  }
});

describe('f32_adam and f32_sgd', () => {
  it('adam matches the float64 reference over 3 steps', async () => {
    const engine = await testEngine();
    const rng = testRng(30);
    for (const n of LENGTHS) {
      const p0 = uniform(rng, n);
      const ref = { p: Float64Array.from(p0), m: new Float64Array(n), v: new Float64Array(n) };
      const pp = put(engine, p0), pm = put(engine, new Float64Array(n)), pv = put(engine, new Float64Array(n));
      const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7 };
      for (let t = 1; t <= 3; t++) {
        const g = uniform(rng, n);
        adamRef(ref.p, g, ref.m, ref.v, t, hp);
        const alpha = (hp.lr * Math.sqrt(1 - hp.beta2 ** t)) / (1 - hp.beta1 ** t);
        engine.kernels.f32_adam(n, pp, put(engine, g), pm, pv, alpha, 1 - hp.beta1, 1 - hp.beta2, hp.eps);
      }
      expectClose(engine.read(pp, n), ref.p, { tol: 1e-5, scale: 0.01, label: `n=${n}` });
    }
  });

  for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
    it(`sgd matches the float64 reference (momentum=${momentum}, nesterov=${nesterov})`, async () => {
      const engine = await testEngine();
      const rng = testRng(40 + momentum * 10 + (nesterov ? 1 : 0));
      for (const n of LENGTHS) {
        const p0 = uniform(rng, n);
        const ref = { p: Float64Array.from(p0), m: new Float64Array(n) };
        const pp = put(engine, p0), pm = put(engine, new Float64Array(n));
        for (let step = 0; step < 3; step++) {
          const g = uniform(rng, n);
          sgdRef(ref.p, g, ref.m, { lr: 0.1, momentum, nesterov });
          engine.kernels.f32_sgd(n, pp, put(engine, g), momentum > 0 ? pm : 0, 0.1, momentum, nesterov ? 1 : 0);
        }
        expectClose(engine.read(pp, n), ref.p, { tol: 1e-6, scale: 0.1, label: `n=${n}` });
      }
    });
  }

  it('leaves memory past n untouched', async () => {
    const engine = await testEngine();
    const p = put(engine, [1, 1, 1, 1, 1, 1, 7, 7]), g = put(engine, [1, 1, 1, 1, 1, 1, 1, 1]), v = put(engine, new Float64Array(8));
    engine.kernels.f32_rmsprop(6, p, g, v, 0, 0, 0.1, 0.9, 1 - 0.9, 1e-7, 0, 0);
    expect([...engine.read(p + 24, 2)]).toEqual([7, 7]);
    expect([...engine.read(v + 24, 2)]).toEqual([0, 0]);
  });
});
