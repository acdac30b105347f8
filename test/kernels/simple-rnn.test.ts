// The uniform cells' sequence kernels with the SimpleRNN cell (f32_rnn_seq_fwd / f32_rnn_seq_bwd,
// cell 0) against the float64 reference (test/reference/simple-rnn.ts), and that reference's own
// gradient against central finite differences. Sizes hit every code path: units 3 (scalar tails),
// 8, 16 and 40 (the thin in-place products; B·u over eight-vector runs and tails), 43 and 72 (the
// packed products); batch 1, 5 and 130 (two row blocks of the packed GEMM); steps 1 and 4.
import { describe, it } from 'vitest';
import { ActivationCode, RnnFlags as Flag } from '../../src/backend/activation-codes.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import {
  simpleRnnBackwardRef, simpleRnnForwardRef, type SimpleRnnRefConfig, type SimpleRnnRefWeights,
} from '../reference/simple-rnn.js';
import type { RefActivationK3 as RefActivation } from '../reference/activations.js';
import { dot, numericGradient } from '../reference/finite-difference.js';
import { expectClose, sumTolerance } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

/** The cell code of assembly/rnn/flags.ts. */
const CELL_SIMPLE_RNN = 0;

const codes: Record<RefActivation, number> = {
  linear: ActivationCode.linear, relu: ActivationCode.relu, sigmoid: ActivationCode.sigmoid,
  hardSigmoid: ActivationCode.hardSigmoid, tanh: ActivationCode.tanh, keras3HardSigmoid: ActivationCode.keras3HardSigmoid,
};

type MaskKind = 'none' | 'mask' | 'zeroOutput';

interface Case {
  batch: number; steps: number; units: number; features: number; activation: RefActivation;
  returnSequences: boolean; goBackwards: boolean; mask: MaskKind;
  /** A non-zero initial state (else RNN_ZERO_STATE). */
  initial: boolean;
  /** A gradient arriving at the final state (dhT). */
  stateGrad: boolean;
}

/**
 * A (B, T) mask in input order: row 0's first step masked (a masked leading step with a non-zero
 * initial state outputs 0), the last row of a batch of more than two masked throughout, the rest
 * random with one step in three masked.
 */
function makeMask(rng: () => number, batch: number, steps: number): Float64Array {
  const m = new Float64Array(batch * steps);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) {
    const masked = (b === 0 && t === 0) || (batch > 2 && b === batch - 1) || rng() < 1 / 3;
    m[b * steps + t] = masked ? 0 : 1;
  }
  return m;
}

/** Runs the kernels on one case and checks every output against the reference. */
async function check(engine: Engine, c: Case, seed: number): Promise<void> {
  const rng = testRng(seed);
  const { batch, steps, units: u, features } = c;
  const x = uniform(rng, batch * steps * features);
  const w: SimpleRnnRefWeights = {
    kernel: uniform(rng, features * u, -0.6, 0.6),
    recurrentKernel: uniform(rng, u * u, -0.6, 0.6),
    bias: uniform(rng, u, -0.3, 0.3),
  };
  const mask = c.mask === 'none' ? null : makeMask(rng, batch, steps);
  const initialState = c.initial ? uniform(rng, batch * u) : null;
  const cfg: SimpleRnnRefConfig = { ...c, zeroOutputForMask: c.mask === 'zeroOutput' };
  const ref = simpleRnnForwardRef({ x, shape: [batch, steps, features], mask, initialState }, w, cfg);
  const dOut = uniform(rng, ref.out.length);
  const dState = c.stateGrad ? uniform(rng, batch * u) : null;
  const grads = simpleRnnBackwardRef(ref, dOut, w, cfg, dState);

  // what the caller hands the kernels: the input projection and the mask time-major in processing order
  const xproj = new Float64Array(steps * batch * u);
  const maskT = new Float64Array(steps * batch);
  for (let t = 0; t < steps; t++) for (let b = 0; b < batch; b++) {
    const tIn = c.goBackwards ? steps - 1 - t : t;
    for (let j = 0; j < u; j++) {
      let s = w.bias![j];
      for (let k = 0; k < features; k++) s += x[(b * steps + tIn) * features + k] * w.kernel[k * u + j];
      xproj[(t * batch + b) * u + j] = s;
    }
    if (mask) maskT[t * batch + b] = mask[b * steps + tIn];
  }
  const k = engine.kernels;
  const scratch = new Scratch(engine);
  const nan = (shape: number[]) => {
    const t = scratch.alloc(shape);
    engine.f32(t.ptr, t.size).fill(Number.NaN);
    return t;
  };
  try {
    const flags = (c.returnSequences ? Flag.returnSequences : 0) | (c.initial ? 0 : Flag.zeroState) |
      (c.mask === 'zeroOutput' ? Flag.zeroOutputForMask : 0);
    const xp = scratch.from(xproj, [steps, batch, u]).ptr;
    const U = scratch.from(w.recurrentKernel, [u, u]).ptr;
    const maskPtr = mask ? scratch.from(maskT, [steps, batch]).ptr : 0;
    const outShape = c.returnSequences ? [batch, steps, u] : [batch, u];
    const act = codes[c.activation];
    const label = (s: string) => `${s} (${JSON.stringify(c)})`;
    const forwardTol = { tol: 1e-5, scale: 1 };
    // hs with the initial state in its first row
    const stateRows = (kept: number) => {
      const t = scratch.zeros([kept + 1, batch, u]);
      if (initialState) engine.write(t.ptr, initialState);
      return t;
    };
    // inference: the state ping-pongs
    {
      const hs = stateRows(1), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
      k.f32_rnn_seq_fwd(CELL_SIMPLE_RNN, batch, steps, u, xp, U, hs.ptr, 0, 0, 0, out.ptr, maskPtr, work.ptr, flags | Flag.inference, 0, act);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('inference output') });
      expectClose(engine.read(hs.ptr + (steps & 1) * batch * u * 4, batch * u), ref.state, { ...forwardTol, label: label('inference final h') });
    }
    const hs = stateRows(steps), out = nan(outShape);
    const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
    k.f32_rnn_seq_fwd(CELL_SIMPLE_RNN, batch, steps, u, xp, U, hs.ptr, 0, 0, 0, out.ptr, maskPtr, work.ptr, flags, 0, act);
    expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('output') });
    expectClose(engine.read(hs.ptr + steps * batch * u * 4, batch * u), ref.state, { ...forwardTol, label: label('final h') });

    const dy = scratch.from(dOut, outShape).ptr;
    const dhT = dState ? scratch.from(dState, [batch, u]).ptr : 0;
    const dxproj = nan([steps, batch, u]), dh0 = nan([batch, u]);
    const bwork = scratch.alloc([k.rnn_bwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
    // with a zero initial state dL/dh0 is not asked for (the kernel skips the last product)
    k.f32_rnn_seq_bwd(CELL_SIMPLE_RNN, batch, steps, u, U, hs.ptr, 0, 0, 0, dy, dhT, 0, maskPtr,
      dxproj.ptr, c.initial ? dh0.ptr : 0, 0, bwork.ptr, flags, 0, act);
    const tol = sumTolerance(steps * u);
    // gradients are sums of terms as large as the largest gradient (they grow through U as they go back)
    const grad = (expected: Float64Array, what: string) => ({ tol, scale: Math.max(1, ...expected.map(Math.abs)), label: label(what) });
    expectClose(engine.read(dxproj.ptr, dxproj.size), grads.dPre, grad(grads.dPre, 'dxproj'));
    if (c.initial) expectClose(engine.read(dh0.ptr, dh0.size), grads.dInitialState, grad(grads.dInitialState, 'dh0'));
  } finally {
    scratch.release();
  }
}

const base = { features: 3, activation: 'tanh', goBackwards: false } as const;
const activations = ['linear', 'relu', 'sigmoid', 'hardSigmoid', 'tanh', 'keras3HardSigmoid'] as const;

describe('SimpleRNN sequence kernels against the float64 reference', () => {
  for (const units of [3, 8, 16, 40, 43]) for (const batch of [1, 5]) for (const steps of [1, 4]) {
    it(`u${units} B${batch} T${steps}: return_sequences both ways, masks, initial states, state gradients`, async () => {
      const engine = await testEngine();
      let seed = units * 1000 + batch * 10 + steps;
      for (const returnSequences of [true, false]) for (const mask of ['none', 'mask', 'zeroOutput'] as const) {
        for (const initial of [false, true]) for (const stateGrad of [false, true]) {
          await check(engine, { ...base, batch, steps, units, returnSequences, mask, initial, stateGrad }, seed++);
        }
      }
    });
  }

  it('every activation code (0-5), on eight-vector runs and tails', async () => {
    const engine = await testEngine();
    let seed = 91;
    for (const activation of activations) for (const units of [40, 5, 72]) {
      await check(engine, {
        batch: 5, steps: 4, units, features: 3, activation,
        returnSequences: true, goBackwards: false, mask: 'mask', initial: true, stateGrad: true,
      }, seed++);
    }
  });

  it('go_backwards: the caller reverses the projection and the mask', async () => {
    const engine = await testEngine();
    await check(engine, { ...base, batch: 5, steps: 4, units: 8, goBackwards: true, returnSequences: true, mask: 'mask', initial: true, stateGrad: false }, 5);
    await check(engine, { ...base, batch: 5, steps: 4, units: 43, goBackwards: true, returnSequences: false, mask: 'zeroOutput', initial: false, stateGrad: true }, 6);
  });

  it('the packed products past one block: 130 rows, and u = 264', async () => {
    const engine = await testEngine();
    await check(engine, { ...base, batch: 130, steps: 3, units: 13, returnSequences: true, mask: 'mask', initial: true, stateGrad: true }, 8);
    await check(engine, { ...base, batch: 130, steps: 2, units: 16, returnSequences: false, mask: 'none', initial: false, stateGrad: false }, 9);
    await check(engine, { ...base, batch: 5, steps: 3, units: 264, returnSequences: true, mask: 'mask', initial: true, stateGrad: true }, 10);
  });
});

describe('float64 SimpleRNN reference: backward vs central finite differences', () => {
  for (const returnSequences of [true, false]) for (const zeroOutputForMask of [false, true]) {
    for (const activation of ['tanh', 'sigmoid', 'linear'] as const) {
      it(`masks with a masked leading step and an initial state, ${activation}, returnSequences=${returnSequences} zeroOutputForMask=${zeroOutputForMask}`, () => {
        const rng = testRng(41 + (returnSequences ? 1 : 0) + (zeroOutputForMask ? 2 : 0));
        const [batch, steps, features, units] = [3, 4, 3, 3];
        const cfg: SimpleRnnRefConfig = { units, activation, returnSequences, goBackwards: false, zeroOutputForMask };
        const x = uniform(rng, batch * steps * features);
        const w = {
          kernel: uniform(rng, features * units, -0.8, 0.8),
          recurrentKernel: uniform(rng, units * units, -0.8, 0.8),
          bias: uniform(rng, units, -0.5, 0.5),
        };
        const mask = makeMask(rng, batch, steps);
        const h0 = uniform(rng, batch * units);
        const inputs = { x, shape: [batch, steps, features] as [number, number, number], mask, initialState: h0 };
        const probe = simpleRnnForwardRef(inputs, w, cfg);
        const cot = uniform(rng, probe.out.length), dh = uniform(rng, batch * units);
        const loss = () => {
          const r = simpleRnnForwardRef(inputs, w, cfg);
          return dot(cot, r.out) + dot(dh, r.state);
        };
        const g = simpleRnnBackwardRef(probe, cot, w, cfg, dh);
        const opts = { tol: 1e-6, scale: 1e-3 };
        expectClose(g.dx, numericGradient(loss, x), { ...opts, label: 'dx' });
        expectClose(g.dKernel, numericGradient(loss, w.kernel), { ...opts, label: 'dKernel' });
        expectClose(g.dRecurrentKernel, numericGradient(loss, w.recurrentKernel), { ...opts, label: 'dRecurrentKernel' });
        expectClose(g.dBias!, numericGradient(loss, w.bias), { ...opts, label: 'dBias' });
        expectClose(g.dInitialState, numericGradient(loss, h0), { ...opts, label: 'dh0' });
      });
    }
  }
});
