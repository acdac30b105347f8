// The uniform cells' sequence kernels with the LSTM cell (f32_rnn_seq_fwd / f32_rnn_seq_bwd, cell 1)
// against the float64 reference (test/reference/lstm.ts), and that reference's own gradient
// against central finite differences. Sizes hit every code path: units 3 (scalar tails only), 8 and
// 16 (the thin in-place products), 40 and 43 (an eight-vector run, vectors and scalar tails, the
// packed products), 264 (the backward product's K = 4u over two K slices); batch 1, 5 and 130 (two
// row blocks of the packed GEMM); steps 1 and 4.
import { describe, it } from 'vitest';
import { ActivationCode, RnnFlags as Flag } from '../../src/backend/activation-codes.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { lstmBackwardRef, lstmForwardRef, type LstmRefConfig, type LstmRefWeights } from '../reference/lstm.js';
import type { RefActivationK3 as RefActivation } from '../reference/activations.js';
import { dot, numericGradient } from '../reference/finite-difference.js';
import { expectClose, sumTolerance } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

/** The cell code of assembly/rnn/flags.ts. */
const CELL_LSTM = 1;

const codes: Record<RefActivation, number> = {
  linear: ActivationCode.linear, relu: ActivationCode.relu, sigmoid: ActivationCode.sigmoid,
  hardSigmoid: ActivationCode.hardSigmoid, tanh: ActivationCode.tanh, keras3HardSigmoid: ActivationCode.keras3HardSigmoid,
};

type MaskKind = 'none' | 'mask' | 'zeroOutput';

interface Case {
  batch: number; steps: number; units: number; features: number;
  recurrentActivation: RefActivation; activation: RefActivation;
  returnSequences: boolean; goBackwards: boolean; mask: MaskKind;
  /** Non-zero initial states (else RNN_ZERO_STATE). */
  initial: boolean;
  /** Gradients arriving at the final states (dhT, dcT). */
  stateGrads: boolean;
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
  const u4 = 4 * u;
  const x = uniform(rng, batch * steps * features);
  const w: LstmRefWeights = {
    kernel: uniform(rng, features * u4, -0.6, 0.6),
    recurrentKernel: uniform(rng, u * u4, -0.6, 0.6),
    bias: uniform(rng, u4, -0.3, 0.3),
  };
  const mask = c.mask === 'none' ? null : makeMask(rng, batch, steps);
  const initialState: [Float64Array, Float64Array] | null = c.initial ? [uniform(rng, batch * u), uniform(rng, batch * u)] : null;
  const cfg: LstmRefConfig = { ...c, zeroOutputForMask: c.mask === 'zeroOutput' };
  const ref = lstmForwardRef({ x, shape: [batch, steps, features], mask, initialState }, w, cfg);
  const dOut = uniform(rng, ref.out.length);
  const dStates: [Float64Array, Float64Array] | null = c.stateGrads ? [uniform(rng, batch * u), uniform(rng, batch * u)] : null;
  const grads = lstmBackwardRef(ref, dOut, w, cfg, dStates ?? [null, null]);

  // what the caller hands the kernels: the input projection and the mask time-major in processing order
  const xproj = new Float64Array(steps * batch * u4);
  const maskT = new Float64Array(steps * batch);
  for (let t = 0; t < steps; t++) for (let b = 0; b < batch; b++) {
    const tIn = c.goBackwards ? steps - 1 - t : t;
    for (let j = 0; j < u4; j++) {
      let s = w.bias![j];
      for (let k = 0; k < features; k++) s += x[(b * steps + tIn) * features + k] * w.kernel[k * u4 + j];
      xproj[(t * batch + b) * u4 + j] = s;
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
    const xp = scratch.from(xproj, [steps, batch, u4]).ptr;
    const U = scratch.from(w.recurrentKernel, [u, u4]).ptr;
    const maskPtr = mask ? scratch.from(maskT, [steps, batch]).ptr : 0;
    const outShape = c.returnSequences ? [batch, steps, u] : [batch, u];
    const acts = [codes[c.recurrentActivation], codes[c.activation]] as const;
    const label = (s: string) => `${s} (B${batch} T${steps} u${u} ${JSON.stringify(c)})`;
    const forwardTol = { tol: 1e-5, scale: 1 };
    // hs and cs with the initial states in their first rows
    const stateRows = (kept: number, which: 0 | 1) => {
      const t = scratch.zeros([kept + 1, batch, u]);
      if (initialState) engine.write(t.ptr, initialState[which]);
      return t;
    };
    // inference: states ping-pong, one step's gates and aux
    {
      const hs = stateRows(1, 0), cs = stateRows(1, 1);
      const out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_LSTM, batch, u)]);
      k.f32_rnn_seq_fwd(CELL_LSTM, batch, steps, u, xp, U, hs.ptr, cs.ptr, nan([batch, u4]).ptr, nan([batch, u]).ptr, out.ptr, maskPtr, work.ptr,
        flags | Flag.inference, ...acts);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('inference output') });
      const last = (steps & 1) * batch * u * 4;
      expectClose(engine.read(hs.ptr + last, batch * u), ref.states[0], { ...forwardTol, label: label('inference final h') });
      expectClose(engine.read(cs.ptr + last, batch * u), ref.states[1], { ...forwardTol, label: label('inference final c') });
    }
    const hs = stateRows(steps, 0), cs = stateRows(steps, 1);
    const gates = nan([steps, batch, u4]), aux = nan([steps, batch, u]), out = nan(outShape);
    const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_LSTM, batch, u)]);
    k.f32_rnn_seq_fwd(CELL_LSTM, batch, steps, u, xp, U, hs.ptr, cs.ptr, gates.ptr, aux.ptr, out.ptr, maskPtr, work.ptr, flags, ...acts);
    expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('output') });
    expectClose(engine.read(hs.ptr + steps * batch * u * 4, batch * u), ref.states[0], { ...forwardTol, label: label('final h') });
    expectClose(engine.read(cs.ptr + steps * batch * u * 4, batch * u), ref.states[1], { ...forwardTol, label: label('final c') });

    const dy = scratch.from(dOut, outShape).ptr;
    const dhT = dStates ? scratch.from(dStates[0], [batch, u]).ptr : 0;
    const dcT = dStates ? scratch.from(dStates[1], [batch, u]).ptr : 0;
    const dxproj = nan([steps, batch, u4]), dh0 = nan([batch, u]), dc0 = nan([batch, u]);
    const bwork = scratch.alloc([k.rnn_bwd_work_floats(CELL_LSTM, batch, u)]);
    // with a zero initial state dL/dh0 is not asked for (the kernel skips the last product)
    k.f32_rnn_seq_bwd(CELL_LSTM, batch, steps, u, U, hs.ptr, cs.ptr, gates.ptr, aux.ptr, dy, dhT, dcT, maskPtr,
      dxproj.ptr, c.initial ? dh0.ptr : 0, dc0.ptr, bwork.ptr, flags, ...acts);
    const tol = sumTolerance(steps * u4);
    // gradients are sums of terms as large as the largest gradient (they grow through U as they go back)
    const grad = (expected: Float64Array, what: string) => ({ tol, scale: Math.max(1, ...expected.map(Math.abs)), label: label(what) });
    expectClose(engine.read(dxproj.ptr, dxproj.size), grads.dPre, grad(grads.dPre, 'dxproj'));
    if (c.initial) expectClose(engine.read(dh0.ptr, dh0.size), grads.dInitialState[0], grad(grads.dInitialState[0], 'dh0'));
    expectClose(engine.read(dc0.ptr, dc0.size), grads.dInitialState[1], grad(grads.dInitialState[1], 'dc0'));
  } finally {
    scratch.release();
  }
}

const base = { features: 3, recurrentActivation: 'sigmoid', activation: 'tanh', goBackwards: false } as const;

describe('LSTM sequence kernels against the float64 reference', () => {
  for (const units of [3, 8, 16, 40, 43]) for (const batch of [1, 5]) for (const steps of [1, 4]) {
    it(`u${units} B${batch} T${steps}: return_sequences both ways, masks, initial states, state gradients`, async () => {
      const engine = await testEngine();
      let seed = units * 1000 + batch * 10 + steps;
      for (const returnSequences of [true, false]) for (const mask of ['none', 'mask', 'zeroOutput'] as const) {
        for (const initial of [false, true]) for (const stateGrads of [false, true]) {
          await check(engine, { ...base, batch, steps, units, returnSequences, mask, initial, stateGrads }, seed++);
        }
      }
    });
  }

  it('every pair of sigmoid, both hard sigmoids and tanh as σ and φ (eight-vector runs and tails)', async () => {
    const engine = await testEngine();
    const names = ['sigmoid', 'hardSigmoid', 'keras3HardSigmoid', 'tanh'] as const;
    let seed = 77;
    for (const recurrentActivation of names) for (const activation of names) for (const units of [40, 5]) {
      await check(engine, {
        batch: 5, steps: 4, units, features: 3, recurrentActivation, activation,
        returnSequences: true, goBackwards: false, mask: 'mask', initial: true, stateGrads: true,
      }, seed++);
    }
  });

  it('go_backwards: the caller reverses the projection and the mask', async () => {
    const engine = await testEngine();
    await check(engine, { ...base, batch: 5, steps: 4, units: 8, goBackwards: true, returnSequences: true, mask: 'mask', initial: true, stateGrads: false }, 5);
    await check(engine, { ...base, batch: 5, steps: 4, units: 40, goBackwards: true, returnSequences: false, mask: 'zeroOutput', initial: false, stateGrads: true }, 6);
  });

  it('the packed products past one block: 130 rows, and K = 4u = 1056 over two K slices', async () => {
    const engine = await testEngine();
    await check(engine, { ...base, batch: 130, steps: 3, units: 13, returnSequences: true, mask: 'mask', initial: true, stateGrads: true }, 8);
    await check(engine, { ...base, batch: 130, steps: 2, units: 16, returnSequences: false, mask: 'none', initial: false, stateGrads: false }, 9);
    await check(engine, { ...base, batch: 5, steps: 3, units: 264, recurrentActivation: 'hardSigmoid', returnSequences: true, mask: 'mask', initial: true, stateGrads: true }, 10);
  });
});

describe('float64 LSTM reference: backward vs central finite differences', () => {
  for (const returnSequences of [true, false]) for (const zeroOutputForMask of [false, true]) {
    it(`masks with a masked leading step and initial states, returnSequences=${returnSequences} zeroOutputForMask=${zeroOutputForMask}`, () => {
      const rng = testRng(31 + (returnSequences ? 1 : 0) + (zeroOutputForMask ? 2 : 0));
      const [batch, steps, features, units] = [3, 4, 3, 3];
      const cfg: LstmRefConfig = { units, recurrentActivation: 'sigmoid', activation: 'tanh', returnSequences, goBackwards: false, zeroOutputForMask };
      const x = uniform(rng, batch * steps * features);
      const w = {
        kernel: uniform(rng, features * 4 * units, -0.8, 0.8),
        recurrentKernel: uniform(rng, units * 4 * units, -0.8, 0.8),
        bias: uniform(rng, 4 * units, -0.5, 0.5),
      };
      const mask = makeMask(rng, batch, steps);
      const h0 = uniform(rng, batch * units), c0 = uniform(rng, batch * units);
      const inputs = { x, shape: [batch, steps, features] as [number, number, number], mask, initialState: [h0, c0] as [Float64Array, Float64Array] };
      const probe = lstmForwardRef(inputs, w, cfg);
      const cot = uniform(rng, probe.out.length), dh = uniform(rng, batch * units), dc = uniform(rng, batch * units);
      const loss = () => {
        const r = lstmForwardRef(inputs, w, cfg);
        return dot(cot, r.out) + dot(dh, r.states[0]) + dot(dc, r.states[1]);
      };
      const g = lstmBackwardRef(probe, cot, w, cfg, [dh, dc]);
      const opts = { tol: 1e-6, scale: 1e-3 };
      expectClose(g.dx, numericGradient(loss, x), { ...opts, label: 'dx' });
      expectClose(g.dKernel, numericGradient(loss, w.kernel), { ...opts, label: 'dKernel' });
      expectClose(g.dRecurrentKernel, numericGradient(loss, w.recurrentKernel), { ...opts, label: 'dRecurrentKernel' });
      expectClose(g.dBias!, numericGradient(loss, w.bias), { ...opts, label: 'dBias' });
      expectClose(g.dInitialState[0], numericGradient(loss, h0), { ...opts, label: 'dh0' });
      expectClose(g.dInitialState[1], numericGradient(loss, c0), { ...opts, label: 'dc0' });
    });
  }
});
