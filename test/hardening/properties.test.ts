// Property-based tests (fast-check, fixed seeds): kernels against their float64 references over
// random shapes, parameter counts over random layer configs, save → load over random models.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as wl from '../../src/index.js';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { gruForward } from '../../src/ops/gru.js';
import { gemmRef } from '../reference/gemm.js';
import { gruForwardRef } from '../reference/gru.js';
import { softmaxRef } from '../reference/losses.js';
import { closeness, sumTolerance } from '../helpers/closeness.js';
import { testEngine } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

const seed = 424242;

describe('kernels vs float64 over random shapes', () => {
  it('GEMM: any m, n, k, layout, accumulate and activation (300 cases)', async () => {
    const engine = await testEngine();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }),
        fc.boolean(), fc.boolean(), fc.constantFrom('linear', 'tanh', 'relu'), fc.nat(),
        (m, n, k, transposed, accumulate, act, s) => {
          const rng = testRng(s);
          const a = uniform(rng, m * k), b = uniform(rng, k * n), c = uniform(rng, m * n), bias = uniform(rng, n);
          const [rsa, csa] = transposed ? [1, m] : [k, 1];
          const scratch = new Scratch(engine);
          try {
            const pc = scratch.from(c, [m * n]).ptr;
            const code = act === 'tanh' ? ActivationCode.tanh : act === 'relu' ? ActivationCode.relu : ActivationCode.linear;
            engine.kernels.f32_gemm(m, n, k, scratch.from(a, [a.length]).ptr, rsa, csa, scratch.from(b, [b.length]).ptr, n, pc, n, accumulate ? 1 : 0, scratch.from(bias, [n]).ptr, code);
            const expected = gemmRef({ m, n, k, a, rsa, csa, b, ldb: n, c: accumulate ? c : undefined, ldc: n, bias, activation: act as never });
            const failure = closeness(engine.read(pc, m * n), expected, { tol: sumTolerance(k), scale: Math.sqrt(k) });
            if (failure) throw new Error(failure);
          } finally {
            scratch.release();
          }
        },
      ),
      { numRuns: 300, seed },
    );
  });

  it('softmax rows: any row count and width, any logit range (300 cases)', async () => {
    const engine = await testEngine();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 70 }), fc.double({ min: 0.1, max: 1e4, noNaN: true }), fc.nat(), (rows, n, range, s) => {
        const x = uniform(testRng(s), rows * n, -range, range);
        const scratch = new Scratch(engine);
        try {
          const p = scratch.from(x, [rows * n]).ptr;
          engine.kernels.f32_softmax_rows(rows, n, p, p);
          const failure = closeness(engine.read(p, rows * n), softmaxRef(x, rows, n), { tol: 2e-6, scale: 1e-7 });
          if (failure) throw new Error(failure);
        } finally {
          scratch.release();
        }
      }),
      { numRuns: 300, seed },
    );
  });

  it('GRU forward: any batch, steps, features, units and variant (150 cases)', async () => {
    const engine = await testEngine();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 21 }),
        fc.boolean(), fc.boolean(), fc.boolean(), fc.constantFrom('sigmoid', 'hardSigmoid'), fc.nat(),
        (batch, steps, features, units, resetAfter, returnSequences, goBackwards, recurrentActivation, s) => {
          const rng = testRng(s);
          const u3 = 3 * units;
          const x = uniform(rng, batch * steps * features);
          const w = { kernel: uniform(rng, features * u3, -0.6, 0.6), recurrentKernel: uniform(rng, units * u3, -0.6, 0.6), bias: uniform(rng, (resetAfter ? 2 : 1) * u3, -0.3, 0.3) };
          const cfg = { units, resetAfter, returnSequences, goBackwards, recurrentActivation, activation: 'tanh' as const };
          const ref = gruForwardRef(x, [batch, steps, features], w, cfg);
          const scratch = new Scratch(engine);
          try {
            const ptrs = { kernel: scratch.from(w.kernel, [w.kernel.length]).ptr, recurrentKernel: scratch.from(w.recurrentKernel, [w.recurrentKernel.length]).ptr, bias: scratch.from(w.bias, [w.bias.length]).ptr };
            const { output: y } = gruForward(engine, scratch, { x: scratch.from(x, [batch, steps, features]), initialStates: null, mask: null }, ptrs, {
              ...cfg, zeroOutputForMask: false, recurrentActivation: recurrentActivation === 'sigmoid' ? ActivationCode.sigmoid : ActivationCode.hardSigmoid, activation: ActivationCode.tanh,
            }, true);
            const failure = closeness(engine.read(y.ptr, y.size), ref.out, { tol: 1e-5, scale: 1 });
            if (failure) throw new Error(failure);
          } finally {
            scratch.release();
          }
        },
      ),
      { numRuns: 150, seed },
    );
  });
});

describe('parameter counts over random layer configs', () => {
  it("GRU: 3·(F·u + u·u + bias), bias u (reset_after=false) or 2u (true); Dense: F·u + u; TimeDistributed: the inner layer's (200 cases)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 32 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(),
        (features, units, dense, resetAfter, useBias, denseBias, wrap) => {
          const gru = wl.layers.gru({ units, resetAfter, useBias, returnSequences: true, inputShape: [5, features], kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
          const d = wl.layers.dense({ units: dense, useBias: denseBias });
          const m = wl.sequential({ layers: [gru, wrap ? wl.layers.timeDistributed({ layer: d }) : d] });
          const gruParams = 3 * (features * units + units * units + (useBias ? (resetAfter ? 2 : 1) * units : 0));
          const denseParams = units * dense + (denseBias ? dense : 0);
          expect(m.layers[0].countParams()).toBe(gruParams);
          expect(m.layers[1].countParams()).toBe(denseParams);
          expect(m.countParams()).toBe(gruParams + denseParams);
          m.dispose();
        },
      ),
      { numRuns: 200, seed },
    );
  });
});

describe('save → load over random models', () => {
  const layerSpec = fc.oneof(
    fc.record({ kind: fc.constant('gru' as const), units: fc.integer({ min: 1, max: 12 }), resetAfter: fc.boolean(), goBackwards: fc.boolean() }),
    fc.record({ kind: fc.constant('dense' as const), units: fc.integer({ min: 1, max: 12 }), activation: fc.constantFrom('linear', 'tanh', 'relu', 'sigmoid', 'softmax') }),
    fc.record({ kind: fc.constant('td' as const), units: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('activation' as const), activation: fc.constantFrom('tanh', 'softmax', 'hard_sigmoid') }),
  );

  it('identical config and predictions after a round trip through memory (60 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(layerSpec, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 6 }), fc.nat(), async (specs, features, s) => {
        wl.setSeed(s);
        const model = wl.sequential();
        model.add(wl.layers.inputLayer({ inputShape: [4, features] }));
        for (const spec of specs) {
          // keep a sequence axis for every layer after the first (GRUs and TimeDistributed need rank 3)
          if (spec.kind === 'gru') model.add(wl.layers.gru({ units: spec.units, resetAfter: spec.resetAfter, goBackwards: spec.goBackwards, returnSequences: true, biasInitializer: wl.initializers.randomUniform({ minval: -0.5, maxval: 0.5 }) }));
          else if (spec.kind === 'dense') model.add(wl.layers.dense({ units: spec.units, activation: spec.activation as never }));
          else if (spec.kind === 'td') model.add(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: spec.units }) }));
          else model.add(wl.layers.activation({ activation: spec.activation as never }));
        }
        const handler = wl.io.fromMemory();
        await model.save(handler);
        const loaded = await wl.loadLayersModel(handler);
        expect(loaded.getConfig()).toEqual(model.getConfig());
        const x = wl.randomUniform([3, 4, features]);
        const [a, b] = [await model.predict(x, { workers: 0 }), await loaded.predict(x, { workers: 0 })];
        expect(Array.from((b as wl.Tensor).dataSync())).toEqual(Array.from((a as wl.Tensor).dataSync()));
        model.dispose();
        loaded.dispose();
      }),
      { numRuns: 60, seed },
    );
  });
});
