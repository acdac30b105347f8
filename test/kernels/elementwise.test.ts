import { describe, it, expect } from 'vitest';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { act, actGrad, type RefActivation } from '../reference/activations.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

const ACTIVATIONS: [RefActivation, ActivationCode][] = [
  ['linear', ActivationCode.linear], ['relu', ActivationCode.relu], ['sigmoid', ActivationCode.sigmoid],
  ['hardSigmoid', ActivationCode.hardSigmoid], ['tanh', ActivationCode.tanh],
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
