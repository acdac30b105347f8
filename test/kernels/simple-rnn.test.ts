// The uniform cells' sequence kernels with the SimpleRNN cell (f32_rnn_seq_fwd / f32_rnn_seq_bwd,
// cell 0) against the float64 reference (test/reference/simple-rnn.ts), and that reference's own
// gradient against central finite differences. Sizes hit every code path: units 3 (scalar tails),
// 8, 16 and 40 (the thin in-place products; B·u over eight-vector runs and tails), 43 and 72 (the
// packed products); batch 1, 5 and 130 (two row blocks of the packed GEMM); steps 1 and 4. Sizes
// the small-units kernel takes (u a multiple of 4 up to 64: 4, 8, 16, 20, 40, 60, 64) also run
// f32_simple_rnn_fwd_small, for inference and training, and backward from what it kept.
import { describe, it } from 'vitest';
import { RnnFlags as Flag } from '../../src/backend/activation-codes.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { simpleRnnBackwardRef, simpleRnnForwardRef, type SimpleRnnRefConfig } from '../reference/simple-rnn.js';
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
const CELL_SIMPLE_RNN = 0;

interface Case extends RnnCase {
  activation: RefActivation;
  /** A gradient arriving at the final state (dhT). */
  stateGrad: boolean;
}

/** Runs the kernels on one case and checks every output against the reference. */
async function check(engine: Engine, c: Case, seed: number): Promise<void> {
  const rng = testRng(seed);
  const { batch, steps, units: u, features } = c;
  const { x, w, mask } = randomProblem(rng, c, 1, { weight: 0.6, bias: 0.3 });
  const initialState = c.initial ? uniform(rng, batch * u) : null;
  const cfg: SimpleRnnRefConfig = { ...c, zeroOutputForMask: c.mask === 'zeroOutput' };
  const k = engine.kernels;
  const scratch = new Scratch(engine);
  const { masks, recMask, recWork } = recurrentDropoutInputs(engine, scratch, c, 1, rng);
  const ref = simpleRnnForwardRef({ x, shape: [batch, steps, features], mask, initialState, dropout: { recurrent: masks } }, w, cfg);
  const dOut = uniform(rng, ref.out.length);
  const dState = c.stateGrad ? uniform(rng, batch * u) : null;
  const grads = simpleRnnBackwardRef(ref, dOut, w, cfg, dState);
  const nan = (shape: number[]) => nanTensor(engine, scratch, shape);
  try {
    const { xp, U, maskPtr, flags, outShape } = kernelInputs(scratch, c, x, w, u, mask);
    const act = codes[c.activation];
    const label = (s: string) => `${s} (${JSON.stringify(c)})`;
    // hs with the initial state in its first row
    const states = (kept: number) => stateRows(engine, scratch, c, kept, initialState);
    // inference: the state ping-pongs (no recurrent dropout: that is training's)
    if (!c.recDropout) {
      const hs = states(1), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
      k.f32_rnn_seq_fwd(CELL_SIMPLE_RNN, batch, steps, u, xp, U, hs.ptr, 0, 0, 0, out.ptr, maskPtr, work.ptr, flags | Flag.inference, 0, act, 0, 0);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('inference output') });
      expectClose(readStateRow(engine, c, hs, steps & 1), ref.state, { ...forwardTol, label: label('inference final h') });
    }
    // the small-units forward (f32_simple_rnn_fwd_small) reads x (B, T, F) as given, W and the bias
    const small = k.simple_rnn_small_units(u) === 1 && !c.recDropout;
    const smallInputs = small
      ? { x: scratch.from(x, [batch, steps, features]).ptr, W: scratch.from(w.kernel, [features, u]).ptr, b: scratch.from(w.bias!, [u]).ptr }
      : null;
    const smallFlags = flags | (c.goBackwards ? Flag.goBackwards : 0);
    if (smallInputs) {
      const hs = states(1), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
      k.f32_simple_rnn_fwd_small(batch, steps, u, features, smallInputs.x, smallInputs.W, smallInputs.b, U, hs.ptr, out.ptr, maskPtr, work.ptr, smallFlags | Flag.inference, act);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: label('small inference output') });
      expectClose(readStateRow(engine, c, hs, steps & 1), ref.state, { ...forwardTol, label: label('small inference final h') });
    }
    for (const path of smallInputs ? ['general', 'small'] as const : ['general'] as const) {
      const hs = states(steps), out = nan(outShape);
      const work = scratch.alloc([k.rnn_fwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
      if (path === 'small') {
        k.f32_simple_rnn_fwd_small(batch, steps, u, features, smallInputs!.x, smallInputs!.W, smallInputs!.b, U, hs.ptr, out.ptr, maskPtr, work.ptr, smallFlags, act);
      } else {
        k.f32_rnn_seq_fwd(CELL_SIMPLE_RNN, batch, steps, u, xp, U, hs.ptr, 0, 0, 0, out.ptr, maskPtr, work.ptr, flags, 0, act, recMask, recWork);
      }
      const at = (s: string) => label(`${path} ${s}`);
      expectClose(engine.read(out.ptr, out.size), ref.out, { ...forwardTol, label: at('output') });
      expectClose(readStateRow(engine, c, hs, steps), ref.state, { ...forwardTol, label: at('final h') });

      const dy = scratch.from(dOut, outShape).ptr;
      const dhT = dState ? scratch.from(dState, [batch, u]).ptr : 0;
      const dxproj = nan([steps, batch, u]), dh0 = nan([batch, u]);
      const bwork = scratch.alloc([k.rnn_bwd_work_floats(CELL_SIMPLE_RNN, batch, u)]);
      // with a zero initial state dL/dh0 is not asked for (the kernel skips the last product)
      k.f32_rnn_seq_bwd(CELL_SIMPLE_RNN, batch, steps, u, U, hs.ptr, 0, 0, 0, dy, dhT, 0, maskPtr,
        dxproj.ptr, c.initial ? dh0.ptr : 0, 0, bwork.ptr, flags, 0, act, recMask, recWork);
      const grad = gradientTol(steps, u);
      expectClose(engine.read(dxproj.ptr, dxproj.size), grads.dPre, grad(grads.dPre, at('dxproj')));
      if (c.initial) expectClose(engine.read(dh0.ptr, dh0.size), grads.dInitialState, grad(grads.dInitialState, at('dh0')));
    }
  } finally {
    scratch.release();
  }
}

const base = { features: 3, activation: 'tanh', goBackwards: false } as const;
/** A shared case, with tanh unless it sets the activation. */
const runCase: RunCase<SharedCase & { activation?: RefActivation }> = (engine, { stateGrads: stateGrad, ...s }, seed) =>
  check(engine, { ...base, ...s, stateGrad }, seed);

const activations = ['linear', 'relu', 'sigmoid', 'hardSigmoid', 'tanh', 'keras3HardSigmoid'] as const;
const activationCases = activations.flatMap((activation) => [40, 5, 72, 20].map((units) => ({ ...activationCase(units), activation })));

describe('SimpleRNN sequence kernels against the float64 reference', () => {
  itSweepsSizes(runCase);
  itRunsCases('every activation code (0-5), on eight-vector runs and tails', seeded(activationCases, 91), runCase);
  itRunsCases('go_backwards: the caller reverses the projection and the mask', goBackwardsCases(43), runCase);
  itRunsCases('the small-units kernel at its edges: u 4, 60 (a one-vector tail), 64, 68 (general), 130 rows', seeded<SharedCase>([
    { batch: 130, steps: 3, units: 4, returnSequences: true, mask: 'mask', initial: true, stateGrads: true },
    { batch: 6, steps: 4, units: 60, goBackwards: true, returnSequences: true, mask: 'zeroOutput', initial: true, stateGrads: true },
    { batch: 7, steps: 3, units: 64, goBackwards: true, returnSequences: false, mask: 'mask', initial: false, stateGrads: true },
    { batch: 5, steps: 3, units: 68, returnSequences: true, mask: 'mask', initial: true, stateGrads: false },
  ], 400), runCase);
  itRunsCases('the packed products past one block: 130 rows, and u = 264', packedCases, runCase);
  itRunsCases('recurrent dropout: h_prev ⊙ m before the product, masks, initial states, go_backwards', recDropoutCases, runCase);
});

describe('float64 SimpleRNN reference: backward vs central finite differences', () => {
  for (const returnSequences of [true, false]) for (const zeroOutputForMask of [false, true]) {
    for (const activation of ['tanh', 'sigmoid', 'linear'] as const) {
      it(`masks with a masked leading step and an initial state, ${activation}, returnSequences=${returnSequences} zeroOutputForMask=${zeroOutputForMask}`, () => {
        const rng = testRng(41 + (returnSequences ? 1 : 0) + (zeroOutputForMask ? 2 : 0));
        const [batch, steps, features, units] = [3, 4, 3, 3];
        const cfg: SimpleRnnRefConfig = { units, activation, returnSequences, goBackwards: false, zeroOutputForMask };
        const { x, w, mask } = randomProblem(rng, { batch, steps, features, units, mask: 'mask' }, 1, { weight: 0.8, bias: 0.5 });
        const h0 = uniform(rng, batch * units);
        const inputs = { x, shape: [batch, steps, features] as [number, number, number], mask, initialState: h0 };
        const probe = simpleRnnForwardRef(inputs, w, cfg);
        const cot = uniform(rng, probe.out.length), dh = uniform(rng, batch * units);
        const loss = () => {
          const r = simpleRnnForwardRef(inputs, w, cfg);
          return dot(cot, r.out) + dot(dh, r.state);
        };
        const g = simpleRnnBackwardRef(probe, cot, w, cfg, dh);
        expectFiniteDifferences(loss, [
          ['dx', g.dx, x], ['dKernel', g.dKernel, w.kernel], ['dRecurrentKernel', g.dRecurrentKernel, w.recurrentKernel],
          ['dBias', g.dBias!, w.bias], ['dh0', g.dInitialState, h0],
        ]);
      });
    }
  }
});
