// The float64 GRU reference's analytic gradient against central finite differences of its own
// forward pass: this is what makes the reference trustworthy enough to judge the kernels.
import { describe, it } from 'vitest';
import { gruForwardRef, gruBackwardRef, type GruRefConfig } from './gru.js';
import { dot } from './finite-difference.js';
import { expectFiniteDifferences } from './gradient-check.js';
import { testRng, uniform } from '../helpers/rng.js';

describe('float64 GRU reference: backward vs central finite differences', () => {
  for (const resetAfter of [true, false]) for (const returnSequences of [true, false]) for (const goBackwards of [false, true]) {
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid', 'keras3HardSigmoid'] as const) {
      it(`resetAfter=${resetAfter} returnSequences=${returnSequences} goBackwards=${goBackwards} ${recurrentActivation}`, () => {
        const rng = testRng(7 + (resetAfter ? 1 : 0) + (returnSequences ? 2 : 0) + (goBackwards ? 4 : 0));
        const [batch, steps, features, units] = [2, 4, 3, 3];
        const cfg: GruRefConfig = { units, resetAfter, returnSequences, goBackwards, recurrentActivation, activation: 'tanh' };
        const x = uniform(rng, batch * steps * features);
        const w = {
          kernel: uniform(rng, features * 3 * units, -0.8, 0.8),
          recurrentKernel: uniform(rng, units * 3 * units, -0.8, 0.8),
          bias: uniform(rng, (resetAfter ? 2 : 1) * 3 * units, -0.5, 0.5),
        };
        const shape: [number, number, number] = [batch, steps, features];
        const probe = gruForwardRef(x, shape, w, cfg);
        const cot = uniform(rng, probe.out.length);
        const loss = () => dot(cot, gruForwardRef(x, shape, w, cfg).out);
        const grads = gruBackwardRef(probe, cot, w, cfg);
        expectFiniteDifferences(loss, [
          ['dx', grads.dx, x], ['dKernel', grads.dKernel, w.kernel], ['dRecurrentKernel', grads.dRecurrentKernel, w.recurrentKernel],
          ['dBias', grads.dBias!, w.bias],
        ]);
      });
    }
  }
});

describe('float64 GRU reference with masks, an initial state and the final state gradient: backward vs central finite differences', () => {
  for (const resetAfter of [true, false]) for (const returnSequences of [true, false]) for (const zeroOutputForMask of [false, true]) {
    it(`resetAfter=${resetAfter} returnSequences=${returnSequences} zeroOutputForMask=${zeroOutputForMask}`, () => {
      const rng = testRng(31 + (resetAfter ? 1 : 0) + (returnSequences ? 2 : 0) + (zeroOutputForMask ? 4 : 0));
      const [batch, steps, features, units] = [3, 5, 2, 3];
      const cfg: GruRefConfig = { units, resetAfter, returnSequences, goBackwards: resetAfter, recurrentActivation: 'sigmoid', activation: 'tanh', zeroOutputForMask };
      const x = uniform(rng, batch * steps * features);
      const w = {
        kernel: uniform(rng, features * 3 * units, -0.8, 0.8),
        recurrentKernel: uniform(rng, units * 3 * units, -0.8, 0.8),
        bias: uniform(rng, (resetAfter ? 2 : 1) * 3 * units, -0.5, 0.5),
      };
      // row 0 masked at both ends, row 1 everywhere, row 2 in the middle
      const mask = [0, 1, 1, 1, 0, /**/ 0, 0, 0, 0, 0, /**/ 1, 1, 0, 1, 1];
      const h0 = uniform(rng, batch * units);
      const shape: [number, number, number] = [batch, steps, features];
      const probe = gruForwardRef(x, shape, w, cfg, { mask, initialState: h0 });
      const cot = uniform(rng, probe.out.length), cotT = uniform(rng, batch * units);
      const loss = () => {
        const r = gruForwardRef(x, shape, w, cfg, { mask, initialState: h0 });
        return dot(cot, r.out) + dot(cotT, r.hT);
      };
      const grads = gruBackwardRef(probe, cot, w, cfg, cotT);
      expectFiniteDifferences(loss, [
        ['dx', grads.dx, x], ['dh0', grads.dh0, h0], ['dKernel', grads.dKernel, w.kernel],
        ['dRecurrentKernel', grads.dRecurrentKernel, w.recurrentKernel], ['dBias', grads.dBias!, w.bias],
      ]);
    });
  }
});
