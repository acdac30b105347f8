// The uniform cells' sequence kernels with the LSTM cell (f32_rnn_seq_fwd / f32_rnn_seq_bwd, cell 1)
// against the float64 reference (test/reference/lstm.ts), and that reference's own gradient
// against central finite differences. Sizes hit every code path: units 3 (scalar tails only), 8 and
// 16 (the thin in-place products), 40 and 43 (an eight-vector run, vectors and scalar tails, the
// packed products), 264 (the backward product's K = 4u over two K slices); batch 1, 5 and 130 (two
// row blocks of the packed GEMM); steps 1 and 4. Sizes the small-units kernels take (u a multiple
// of 4 up to 32: 4, 8, 16, 20, 28, 32) also run f32_lstm_fwd_small, for inference and training,
// and backward from what it kept (f32_rnn_seq_bwd takes its small step for them either way).
import { describe, it } from 'vitest';
import { RnnFlags as Flag } from '../../src/backend/activation-codes.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { lstmBackwardRef, lstmForwardRef, type LstmRefConfig } from '../reference/lstm.js';
import type { RefActivationK3 as RefActivation } from '../reference/activations.js';
import { dot } from '../reference/finite-difference.js';
import { expectFiniteDifferences } from '../reference/gradient-check.js';
import { expectClose } from '../helpers/compare.js';
import { testRng, uniform } from '../helpers/rng.js';
import { activationCodes as codes, forwardTol, gradientTol, kernelInputs, nanTensor, readStateRow, recurrentDropoutInputs, stateRows } from './rnn-kernel-device.js';
import {
  activationCase, goBackwardsCases, itRunsCases, itSweepsSizes, packedCases, randomProblem, recDropoutCases, seeded,
  type RnnCase, type RunCase, type SharedCase,
} from './rnn-kernel-cases.js';

/** The cell code of assembly/rnn/flags.ts. */
const CELL_LSTM = 1;

interface Case extends RnnCase {
  recurrentActivation: RefActivation; activation: RefActivation;
  /** Gradients arriving at the final states (dhT, dcT). */
  stateGrads: boolean;
}

/** Runs the kernels on one case and checks every output against the reference. */
async function check(engine: Engine, c: Case, seed: number): Promise<void> {
  const rng = testRng(seed);
  const { batch, steps, units: u, features } = c;
  const u4 = 4 * u;
  const { x, w, mask } = randomProblem(rng, c, 4, { weight: 0.6, bias: 0.3 });
  const initialState: [Float64Array, Float64Array] | null = c.initial ? [uniform(rng, batch * u), uniform(rng, batch * u)] : null;
  const cfg: LstmRefConfig = { ...c, zeroOutputForMask: c.mask === 'zeroOutput' };
  const k = engine.kernels;
  const scratch = new Scratch(engine);
  const { masks, recMask, recWork } = recurrentDropoutInputs(engine, scratch, c, 4, rng);
  const ref = lstmForwardRef({ x, shape: [batch, steps, features], mask, initialState, dropout: { recurrent: masks } }, w, cfg);
  const dOut = uniform(rng, ref.out.length);
  const dStates: [Float64Array, Float64Array] | null = c.stateGrads ? [uniform(rng, batch * u), uniform(rng, batch * u)] : null;
  const grads = lstmBackwardRef(ref, dOut, w, cfg, dStates ?? [null, null]);
  const nan = (shape: number[]) => nanTensor(engine, scratch, shape);
  try {
    const { xp, U, maskPtr, flags, outShape } = kernelInputs(scratch, c, x, w, u4, mask);
    const acts = [codes[c.recurrentActivation], codes[c.activation]] as const;
    const label = (s: string) => `${s} (B${batch} T${steps} u${u} ${JSON.stringify(c)})`;
    // hs and cs with the initial states in their first rows
    const states = (kept: number, which: 0 | 1) => stateRows(engine, scratch, c, kept, initialState?.[which]);
    // inference: states ping-pong, one step's gates and aux (no recurrent dropout: that is training's)
    if (!c.recDropout) {
      const hs = states(1, 0), cs = states(1, 1);
      const out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_LSTM, batch, u)]);
      k.f32_rnn_seq_fwd(CELL_LSTM, batch, steps, u, xp, U, hs.ptr, cs.ptr, nan([batch, u4]).ptr, nan([batch, u]).ptr, out.ptr, maskPtr, work.ptr,
        flags | Flag.inference, ...acts, 0, 0);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('inference output') });
      expectClose(readStateRow(engine, c, hs, steps & 1), ref.states[0], { ...forwardTol, label: label('inference final h') });
      expectClose(readStateRow(engine, c, cs, steps & 1), ref.states[1], { ...forwardTol, label: label('inference final c') });
    }
    // the small-units forward (f32_lstm_fwd_small) reads x (B, T, F) as given, W and the bias, and
    // projects each step itself; f32_rnn_seq_bwd then takes its small step for these sizes too
    const small = k.lstm_small_units(u) === 1 && !c.recDropout;
    const smallInputs = small
      ? { x: scratch.from(x, [batch, steps, features]).ptr, W: scratch.from(w.kernel, [features, u4]).ptr, b: scratch.from(w.bias!, [u4]).ptr }
      : null;
    const smallFlags = flags | (c.goBackwards ? Flag.goBackwards : 0);
    if (smallInputs) {
      const hs = states(1, 0), cs = states(1, 1), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_LSTM, batch, u)]);
      k.f32_lstm_fwd_small(batch, steps, u, features, smallInputs.x, smallInputs.W, smallInputs.b, U, hs.ptr, cs.ptr,
        nan([batch, u4]).ptr, nan([batch, u]).ptr, out.ptr, maskPtr, work.ptr, smallFlags | Flag.inference, ...acts);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('small inference output') });
      expectClose(readStateRow(engine, c, hs, steps & 1), ref.states[0], { ...forwardTol, label: label('small inference final h') });
      expectClose(readStateRow(engine, c, cs, steps & 1), ref.states[1], { ...forwardTol, label: label('small inference final c') });
    }
    for (const path of smallInputs ? ['general', 'small'] as const : ['general'] as const) {
      const hs = states(steps, 0), cs = states(steps, 1);
      const gates = nan([steps, batch, u4]), aux = nan([steps, batch, u]), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_LSTM, batch, u)]);
      if (path === 'small') {
        k.f32_lstm_fwd_small(batch, steps, u, features, smallInputs!.x, smallInputs!.W, smallInputs!.b, U, hs.ptr, cs.ptr,
          gates.ptr, aux.ptr, out.ptr, maskPtr, work.ptr, smallFlags, ...acts);
      } else {
        k.f32_rnn_seq_fwd(CELL_LSTM, batch, steps, u, xp, U, hs.ptr, cs.ptr, gates.ptr, aux.ptr, out.ptr, maskPtr, work.ptr, flags, ...acts, recMask, recWork);
      }
      const at = (s: string) => label(`${path} ${s}`);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: at('output') });
      expectClose(readStateRow(engine, c, hs, steps), ref.states[0], { ...forwardTol, label: at('final h') });
      expectClose(readStateRow(engine, c, cs, steps), ref.states[1], { ...forwardTol, label: at('final c') });

      const dy = scratch.from(dOut, outShape).ptr;
      const dhT = dStates ? scratch.from(dStates[0], [batch, u]).ptr : 0;
      const dcT = dStates ? scratch.from(dStates[1], [batch, u]).ptr : 0;
      const dxproj = nan([steps, batch, u4]), dh0 = nan([batch, u]), dc0 = nan([batch, u]);
      const bwork = scratch.alloc([k.rnn_bwd_work_floats(CELL_LSTM, batch, u)]);
      // with a zero initial state dL/dh0 is not asked for (the kernel skips the last product)
      k.f32_rnn_seq_bwd(CELL_LSTM, batch, steps, u, U, hs.ptr, cs.ptr, gates.ptr, aux.ptr, dy, dhT, dcT, maskPtr,
        dxproj.ptr, c.initial ? dh0.ptr : 0, dc0.ptr, bwork.ptr, flags, ...acts, recMask, recWork);
      const grad = gradientTol(steps, u4);
      expectClose(engine.read(dxproj.ptr, dxproj.size), grads.dPre, grad(grads.dPre, at('dxproj')));
      if (c.initial) expectClose(engine.read(dh0.ptr, dh0.size), grads.dInitialState[0], grad(grads.dInitialState[0], at('dh0')));
      expectClose(engine.read(dc0.ptr, dc0.size), grads.dInitialState[1], grad(grads.dInitialState[1], at('dc0')));
    }
  } finally {
    scratch.release();
  }
}

const base = { features: 3, recurrentActivation: 'sigmoid', activation: 'tanh', goBackwards: false } as const;

/** A shared case, with σ = sigmoid and φ = tanh unless it sets them; σ is the hard sigmoid at u = 264. */
const runCase: RunCase<SharedCase & Partial<Pick<Case, 'recurrentActivation' | 'activation'>>> = (engine, s, seed) =>
  check(engine, { ...base, ...s, ...(s.units === 264 ? { recurrentActivation: 'hardSigmoid' as const } : {}) }, seed);

const names = ['sigmoid', 'hardSigmoid', 'keras3HardSigmoid', 'tanh'] as const;
const activationPairs = names.flatMap((recurrentActivation) => names.flatMap((activation) =>
  [40, 5, 20].map((units) => ({ ...activationCase(units), recurrentActivation, activation }))));

describe('LSTM sequence kernels against the float64 reference', () => {
  itSweepsSizes(runCase);
  itRunsCases('every pair of sigmoid, both hard sigmoids and tanh as σ and φ (eight-vector runs and tails)', seeded(activationPairs, 77), runCase);
  itRunsCases('go_backwards: the caller reverses the projection and the mask', goBackwardsCases(40), runCase);
  itRunsCases('the small-units kernels at their edges: u 4, 28, 32 (a one-vector tail in the backward product), 36 (general), 130 rows', seeded<SharedCase>([
    { batch: 130, steps: 3, units: 4, returnSequences: true, mask: 'mask', initial: true, stateGrads: true },
    { batch: 6, steps: 4, units: 28, goBackwards: true, returnSequences: true, mask: 'zeroOutput', initial: true, stateGrads: true },
    { batch: 7, steps: 3, units: 32, goBackwards: true, returnSequences: false, mask: 'mask', initial: false, stateGrads: true },
    { batch: 5, steps: 3, units: 36, returnSequences: true, mask: 'mask', initial: true, stateGrads: false },
  ], 400), runCase);
  itRunsCases('the packed products past one block: 130 rows, and K = 4u = 1056 over two K slices', packedCases, runCase);
  itRunsCases('recurrent dropout: h_prev ⊙ m_g before each gate\'s product (c unmasked), masks, initial states, go_backwards', recDropoutCases, runCase);
});

describe('float64 LSTM reference: backward vs central finite differences', () => {
  for (const returnSequences of [true, false]) for (const zeroOutputForMask of [false, true]) {
    it(`masks with a masked leading step and initial states, returnSequences=${returnSequences} zeroOutputForMask=${zeroOutputForMask}`, () => {
      const rng = testRng(31 + (returnSequences ? 1 : 0) + (zeroOutputForMask ? 2 : 0));
      const [batch, steps, features, units] = [3, 4, 3, 3];
      const cfg: LstmRefConfig = { units, recurrentActivation: 'sigmoid', activation: 'tanh', returnSequences, goBackwards: false, zeroOutputForMask };
      const { x, w, mask } = randomProblem(rng, { batch, steps, features, units, mask: 'mask' }, 4, { weight: 0.8, bias: 0.5 });
      const h0 = uniform(rng, batch * units), c0 = uniform(rng, batch * units);
      const inputs = { x, shape: [batch, steps, features] as [number, number, number], mask, initialState: [h0, c0] as [Float64Array, Float64Array] };
      const probe = lstmForwardRef(inputs, w, cfg);
      const cot = uniform(rng, probe.out.length), dh = uniform(rng, batch * units), dc = uniform(rng, batch * units);
      const loss = () => {
        const r = lstmForwardRef(inputs, w, cfg);
        return dot(cot, r.out) + dot(dh, r.states[0]) + dot(dc, r.states[1]);
      };
      const g = lstmBackwardRef(probe, cot, w, cfg, [dh, dc]);
      expectFiniteDifferences(loss, [
        ['dx', g.dx, x], ['dKernel', g.dKernel, w.kernel], ['dRecurrentKernel', g.dRecurrentKernel, w.recurrentKernel],
        ['dBias', g.dBias!, w.bias], ['dh0', g.dInitialState[0], h0], ['dc0', g.dInitialState[1], c0],
      ]);
    });
  }
});
