import { describe, expect, it } from 'vitest';
import { ActivationCode, RnnFlags } from '../../src/backend/activation-codes.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { gruForward, gruBackward, type GruConfig } from '../../src/ops/gru.js';
import { gruForwardRef, gruBackwardRef, type GruRefConfig } from '../reference/gru.js';
import type { RefActivationK3 } from '../reference/activations.js';
import { expectClose, sumTolerance } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';
import { dropoutMasks } from './rnn-kernel-cases.js';

const codes: Record<RefActivationK3, ActivationCode> = {
  linear: ActivationCode.linear, relu: ActivationCode.relu, sigmoid: ActivationCode.sigmoid,
  hardSigmoid: ActivationCode.hardSigmoid, tanh: ActivationCode.tanh, keras3HardSigmoid: ActivationCode.keras3HardSigmoid,
};

interface Case {
  batch: number; steps: number; features: number; units: number;
  resetAfter: boolean; returnSequences: boolean; goBackwards: boolean;
  recurrentActivation: RefActivationK3; activation: RefActivationK3; useBias: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const resetAfter of [true, false]) for (const returnSequences of [true, false]) for (const goBackwards of [false, true]) {
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
      // units 5 = one vector + a scalar tail; batch 6 = a 4-row tile + 2 rows
      out.push({ batch: 6, steps: 5, features: 7, units: 5, resetAfter, returnSequences, goBackwards, recurrentActivation, activation: 'tanh', useBias: true });
    }
  }
  out.push({ batch: 9, steps: 6, features: 15, units: 16, resetAfter: false, returnSequences: true, goBackwards: false, recurrentActivation: 'hardSigmoid', activation: 'tanh', useBias: true });
  out.push({ batch: 9, steps: 6, features: 15, units: 16, resetAfter: true, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
  out.push({ batch: 3, steps: 4, features: 2, units: 3, resetAfter: true, returnSequences: false, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'relu', useBias: false });
  // the small-units kernels (u a multiple of 4 up to 32: forward and backward steps over blocks of
  // four rows, whose batch tails repeat the last row; products over pairs of unit vectors, u = 20
  // and 12 add a single one), and just past them (u = 36, packed path)
  for (const resetAfter of [true, false]) {
    out.push({ batch: 6, steps: 4, features: 7, units: 20, resetAfter, returnSequences: true, goBackwards: resetAfter, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 5, steps: 3, features: 3, units: 4, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 3, steps: 4, features: 6, units: 8, resetAfter, returnSequences: false, goBackwards: true, recurrentActivation: 'hardSigmoid', activation: 'relu', useBias: !resetAfter });
    out.push({ batch: 7, steps: 3, features: 5, units: 32, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 2, steps: 2, features: 4, units: 36, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
  }
  // Keras 3's hard sigmoid (code 5): its own copies of the gate passes (tanh candidate), small and
  // packed paths, both reset modes; and as the candidate's activation (the generic pass)
  for (const resetAfter of [true, false]) {
    out.push({ batch: 6, steps: 5, features: 7, units: 16, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'keras3HardSigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 5, steps: 4, features: 3, units: 40, resetAfter, returnSequences: !resetAfter, goBackwards: resetAfter, recurrentActivation: 'keras3HardSigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 3, steps: 3, features: 4, units: 6, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'keras3HardSigmoid', useBias: true });
  }
  out.push({ batch: 1, steps: 1, features: 1, units: 12, resetAfter: false, returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid', activation: 'linear', useBias: true });
  // the packed path's blocks: u = 13 is a panel of 8 columns per gate, then 4 units and 1, over
  // 130 rows (two blocks of rows); with u = 264 the backward step's [da_z | da_r]·[U_z | U_r]ᵀ (K = 528)
  // sums over two K slices of the packed GEMM
  for (const resetAfter of [true, false]) {
    out.push({ batch: 130, steps: 3, features: 4, units: 13, resetAfter, returnSequences: true, goBackwards: false, recurrentActivation: 'sigmoid', activation: 'tanh', useBias: true });
    out.push({ batch: 5, steps: 3, features: 3, units: 264, resetAfter, returnSequences: !resetAfter, goBackwards: false, recurrentActivation: 'hardSigmoid', activation: 'tanh', useBias: true });
  }
  return out;
}

describe('GRU sequence kernels (forward, backward through time, weight-gradient GEMMs)', () => {
  for (const c of cases()) {
    const name = `B${c.batch} T${c.steps} F${c.features} u${c.units} resetAfter=${c.resetAfter} returnSequences=${c.returnSequences} goBackwards=${c.goBackwards} ${c.recurrentActivation}/${c.activation}${c.useBias ? '' : ' no bias'}`;
    it(`matches the float64 reference: ${name}`, async () => {
      const engine = await testEngine();
      const rng = testRng(c.units * 1000 + c.batch * 10 + (c.resetAfter ? 1 : 0) + (c.goBackwards ? 2 : 0) + (c.returnSequences ? 4 : 0));
      const u3 = 3 * c.units;
      const x = uniform(rng, c.batch * c.steps * c.features);
      const kernel = uniform(rng, c.features * u3, -0.6, 0.6);
      const recurrentKernel = uniform(rng, c.units * u3, -0.6, 0.6);
      const bias = c.useBias ? uniform(rng, (c.resetAfter ? 2 : 1) * u3, -0.3, 0.3) : null;
      const refCfg: GruRefConfig = { ...c };
      const ref = gruForwardRef(x, [c.batch, c.steps, c.features], { kernel, recurrentKernel, bias }, refCfg);
      const dOut = uniform(rng, ref.out.length);
      const refGrads = gruBackwardRef(ref, dOut, { kernel, recurrentKernel, bias }, refCfg);

      const scratch = new Scratch(engine);
      try {
        const w = {
          kernel: scratch.from(kernel, [c.features, u3]).ptr,
          recurrentKernel: scratch.from(recurrentKernel, [c.units, u3]).ptr,
          bias: bias ? scratch.from(bias, [bias.length]).ptr : 0,
        };
        // gradients accumulate: start them from known values
        const g0 = { kernel: uniform(rng, kernel.length), rec: uniform(rng, recurrentKernel.length), bias: bias ? uniform(rng, bias.length) : null };
        const grads = {
          kernel: scratch.from(g0.kernel, [kernel.length]).ptr,
          recurrentKernel: scratch.from(g0.rec, [recurrentKernel.length]).ptr,
          bias: g0.bias ? scratch.from(g0.bias, [g0.bias.length]).ptr : 0,
        };
        const cfg: GruConfig = {
          units: c.units, resetAfter: c.resetAfter, returnSequences: c.returnSequences, goBackwards: c.goBackwards, zeroOutputForMask: false,
          recurrentActivation: codes[c.recurrentActivation], activation: codes[c.activation],
        };
        const xd = { x: scratch.from(x, [c.batch, c.steps, c.features]), initialStates: null, mask: null };
        // inference keeps one step's buffers only: the same outputs
        const inference = gruForward(engine, scratch, xd, w, cfg, false);
        expectClose(engine.read(inference.output.ptr, inference.output.size), ref.out, { tol: 1e-5, scale: 1, label: 'inference output' });
        const { output: y, cache } = gruForward(engine, scratch, xd, w, cfg, true);
        expectClose(engine.read(y.ptr, y.size), ref.out, { tol: 1e-5, scale: 1, label: 'output' });
        const dy = scratch.from(dOut, y.shape);
        const dx = gruBackward(engine, scratch, cache!, dy, [], w, grads, cfg, true, []).dx!;
        const rows = c.batch * c.steps;
        const tol = sumTolerance(rows * u3);
        expectClose(engine.read(dx.ptr, dx.size), refGrads.dx, { tol, scale: 1, label: 'dx' });
        expectClose(engine.read(grads.kernel, kernel.length), g0.kernel.map((v, i) => v + refGrads.dKernel[i]), { tol, scale: Math.sqrt(rows), label: 'dKernel' });
        expectClose(engine.read(grads.recurrentKernel, recurrentKernel.length), g0.rec.map((v, i) => v + refGrads.dRecurrentKernel[i]), { tol, scale: Math.sqrt(rows), label: 'dRecurrentKernel' });
        if (g0.bias) {
          expectClose(engine.read(grads.bias, g0.bias.length), g0.bias.map((v, i) => v + refGrads.dBias![i]), { tol, scale: Math.sqrt(rows), label: 'dBias' });
        }
      } finally {
        scratch.release();
      }
    });
  }
});

describe('GRU kernels with a zero initial state (RnnFlags.zeroState)', () => {
  // With h0 = 0 the skipped products are exactly zero: every kept buffer and gradient must equal
  // what the kernels compute from h0 when the flag is clear (=== compares +0 and -0 as equal).
  const configs = [
    { units: 13, resetAfter: false }, { units: 13, resetAfter: true }, // packed per-step products
    { units: 16, resetAfter: false }, { units: 16, resetAfter: true }, // small-units kernels
  ];
  for (const { units: u, resetAfter } of configs) {
    it(`skips nothing that matters: u${u} resetAfter=${resetAfter}`, async () => {
      const engine = await testEngine();
      const k = engine.kernels;
      const [batch, steps, features] = [6, 4, 5];
      const u3 = 3 * u;
      const rng = testRng(u * 10 + (resetAfter ? 1 : 0));
      const x = uniform(rng, batch * steps * features);
      const kernel = uniform(rng, features * u3, -0.6, 0.6);
      const recurrentKernel = uniform(rng, u * u3, -0.6, 0.6);
      const bias = uniform(rng, (resetAfter ? 2 : 1) * u3, -0.3, 0.3);
      const dOut = uniform(rng, batch * steps * u);
      const small = k.gru_small_units(u) === 1;
      const run = (flags: number) => {
        const scratch = new Scratch(engine);
        try {
          const W = scratch.from(kernel, [features, u3]).ptr, U = scratch.from(recurrentKernel, [u, u3]).ptr;
          const b = scratch.from(bias, [bias.length]).ptr;
          const hs = scratch.zeros([steps + 1, batch, u]), gates = scratch.alloc([steps, batch, u3]);
          const aux = scratch.alloc([steps, batch, u]), out = scratch.alloc([batch, steps, u]);
          const xproj = scratch.alloc([steps, batch, u3]);
          const xd = scratch.from(x, [batch, steps, features]);
          const base = RnnFlags.returnSequences | (resetAfter ? RnnFlags.resetAfter : 0) | flags;
          if (small) {
            k.f32_gru_fwd_small(batch, steps, u, features, xd.ptr, W, b, U, hs.ptr, gates.ptr, aux.ptr, out.ptr, 0, 0, base, ActivationCode.sigmoid, ActivationCode.tanh);
          } else {
            const xt = scratch.alloc([steps, batch, features]);
            k.f32_swap_axes01(batch, steps, features, xd.ptr, xt.ptr, 0);
            k.f32_gemm(steps * batch, u3, features, xt.ptr, features, 1, W, u3, xproj.ptr, u3, 0, b, ActivationCode.linear);
            const work = scratch.alloc([k.gru_fwd_work_floats(batch, u)]);
            k.f32_gru_seq_fwd(batch, steps, u, xproj.ptr, U, resetAfter ? b + u3 * 4 : 0, hs.ptr, gates.ptr, aux.ptr, out.ptr, 0, work.ptr, base, ActivationCode.sigmoid, ActivationCode.tanh, 0, 0);
          }
          const forward = [hs, gates, aux, out].map((t) => engine.read(t.ptr, t.size));
          const dy = scratch.from(dOut, [batch, steps, u]);
          const duh = scratch.alloc([steps, batch, u]);
          const work = scratch.alloc([k.gru_bwd_work_floats(batch, u)]);
          k.f32_gru_seq_bwd(batch, steps, u, U, hs.ptr, gates.ptr, aux.ptr, dy.ptr, 0, 0, xproj.ptr, resetAfter ? duh.ptr : 0, 0, work.ptr, base, ActivationCode.sigmoid, ActivationCode.tanh, 0, 0);
          const backward = [xproj, ...(resetAfter ? [duh] : [])].map((t) => engine.read(t.ptr, t.size));
          return [...forward, ...backward];
        } finally {
          scratch.release();
        }
      };
      const full = run(0), skipped = run(RnnFlags.zeroState);
      full.forEach((values, i) => {
        const other = skipped[i];
        const differing = values.findIndex((v, j) => v !== other[j]);
        expect(differing, `buffer ${i} differs at ${differing}: ${values[differing]} vs ${other[differing]}`).toBe(-1);
      });
    });
  }
});

describe('GRU kernels with masks, initial states and state gradients (recurrent kernel ABI)', () => {
  type MaskKind = 'none' | 'mask' | 'zeroOutput';
  interface StateCase {
    batch: number; steps: number; features: number; units: number;
    resetAfter: boolean; returnSequences: boolean; goBackwards: boolean;
    mask: MaskKind; initial: boolean; dhT: boolean; recurrentActivation: RefActivationK3;
    /** Recurrent dropout: masks [m_z | m_r | m_h] (B, 3u), rate 0.3 (training only: the general forward). */
    recDropout?: boolean;
  }
  // small path: u = 8 and 16 (blocks of four rows, a tail of 2 at B = 6); packed path: u = 40, 6
  const stateCases: StateCase[] = [];
  const acts: RefActivationK3[] = ['sigmoid', 'hardSigmoid', 'keras3HardSigmoid'];
  let n = 0;
  for (const units of [8, 16, 40, 6]) for (const resetAfter of [true, false]) for (const returnSequences of [true, false]) {
    for (const mask of ['none', 'mask', 'zeroOutput'] as const) for (const initial of [false, true]) {
      n++;
      stateCases.push({
        batch: 6, steps: 5, features: 3, units, resetAfter, returnSequences, goBackwards: n % 2 === 0,
        mask, initial, dhT: initial || n % 3 === 0, recurrentActivation: acts[n % 3],
      });
    }
  }
  // recurrent dropout: small sizes (whose forward then takes the general kernel) and packed ones
  for (const units of [8, 16, 40, 6]) for (const resetAfter of [true, false]) for (const mask of ['none', 'mask', 'zeroOutput'] as const) {
    n++;
    stateCases.push({
      batch: 6, steps: 5, features: 3, units, resetAfter, returnSequences: n % 2 === 0, goBackwards: n % 3 === 0,
      mask, initial: n % 2 === 1, dhT: n % 3 !== 1, recurrentActivation: acts[n % 3], recDropout: true,
    });
  }

  /**
   * (B, T) in input order. Row 1 is masked at both ends (a masked leading step in processing
   * order either way), row 2 everywhere, row 3 at its end (padding), row 4 at its start.
   */
  function maskOf(batch: number, steps: number, rng: () => number): number[] {
    const rows = [
      Array(steps).fill(1),
      Array.from({ length: steps }, (_, t) => (t === 0 || t === steps - 1 ? 0 : 1)),
      Array(steps).fill(0),
      Array.from({ length: steps }, (_, t) => (t < steps - 2 ? 1 : 0)),
      Array.from({ length: steps }, (_, t) => (t < 2 ? 0 : 1)),
    ];
    return Array.from({ length: batch }, (_, b) => rows[b] ?? Array.from({ length: steps }, () => (rng() < 0.35 ? 0 : 1))).flat();
  }

  for (const c of stateCases) {
    const name = `${c.recDropout ? 'recurrent dropout, ' : ''}u${c.units} resetAfter=${c.resetAfter} returnSequences=${c.returnSequences} goBackwards=${c.goBackwards} mask=${c.mask} ` +
      `h0=${c.initial ? 'given' : 'zero (RNN_ZERO_STATE)'} dhT=${c.dhT} ${c.recurrentActivation}`;
    it(`forward, inference and backward match the float64 reference: ${name}`, async () => {
      const engine = await testEngine();
      const k = engine.kernels;
      const { batch, steps, features, units: u } = c;
      const u3 = 3 * u;
      const rng = testRng(u * 100 + stateCases.indexOf(c));
      const x = uniform(rng, batch * steps * features);
      const kernel = uniform(rng, features * u3, -0.6, 0.6);
      const recurrentKernel = uniform(rng, u * u3, -0.6, 0.6);
      const bias = uniform(rng, (c.resetAfter ? 2 : 1) * u3, -0.3, 0.3);
      const mask = c.mask === 'none' ? null : maskOf(batch, steps, rng);
      const h0 = c.initial ? uniform(rng, batch * u, -0.8, 0.8) : null;
      const recMasks = c.recDropout ? dropoutMasks(rng, batch, 3, u) : null;
      const refCfg: GruRefConfig = { ...c, activation: 'tanh', zeroOutputForMask: c.mask === 'zeroOutput' };
      const weights = { kernel, recurrentKernel, bias };
      const ref = gruForwardRef(x, [batch, steps, features], weights, refCfg, { mask, initialState: h0, dropout: { recurrent: recMasks } });
      const dOut = uniform(rng, ref.out.length);
      const dhT = c.dhT ? uniform(rng, batch * u) : null;
      const refGrads = gruBackwardRef(ref, dOut, weights, refCfg, dhT);

      const flags = (c.returnSequences ? RnnFlags.returnSequences : 0) | (c.resetAfter ? RnnFlags.resetAfter : 0)
        | (c.initial ? 0 : RnnFlags.zeroState) | (c.mask === 'zeroOutput' ? RnnFlags.zeroOutputForMask : 0);
      const recAct = codes[c.recurrentActivation], act = ActivationCode.tanh;
      const small = k.gru_small_units(u) === 1 && !recMasks;
      const scratch = new Scratch(engine);
      try {
        const recMask = recMasks ? scratch.from(recMasks, [batch, u3]).ptr : 0;
        const recWork = recMasks ? scratch.alloc([k.rec_dropout_work_floats(3, batch, u)]).ptr : 0;
        const W = scratch.from(kernel, [features, u3]).ptr, U = scratch.from(recurrentKernel, [u, u3]).ptr;
        const b = scratch.from(bias, [bias.length]).ptr;
        const xd = scratch.from(x, [batch, steps, features]);
        // the kernels' mask: (T, B) in processing order
        const maskPtr = mask
          ? scratch.from(Array.from({ length: steps * batch }, (_, i) => {
            const t = Math.floor(i / batch), row = i % batch;
            return mask[row * steps + (c.goBackwards ? steps - 1 - t : t)];
          }), [steps, batch]).ptr
          : 0;
        const xproj = scratch.alloc([steps, batch, u3]);
        if (!small) {
          const xt = scratch.alloc([steps, batch, features]);
          k.f32_swap_axes01(batch, steps, features, xd.ptr, xt.ptr, c.goBackwards ? 2 : 0);
          k.f32_gemm(steps * batch, u3, features, xt.ptr, features, 1, W, u3, xproj.ptr, u3, 0, b, ActivationCode.linear);
        }
        const work = scratch.alloc([k.gru_fwd_work_floats(batch, u)]);
        const forward = (training: boolean) => {
          const kept = training ? steps : 1;
          const hs = scratch.zeros([kept + 1, batch, u]), gates = scratch.alloc([kept, batch, u3]), aux = scratch.alloc([kept, batch, u]);
          if (h0) engine.write(hs.ptr, h0);
          const out = scratch.alloc(c.returnSequences ? [batch, steps, u] : [batch, u]);
          const f = flags | (training ? 0 : RnnFlags.inference);
          if (small) {
            k.f32_gru_fwd_small(
              batch, steps, u, features, xd.ptr, W, b, U, hs.ptr, gates.ptr, aux.ptr, out.ptr, maskPtr, work.ptr,
              f | (c.goBackwards ? RnnFlags.goBackwards : 0), recAct, act,
            );
          } else {
            k.f32_gru_seq_fwd(
              batch, steps, u, xproj.ptr, U, c.resetAfter ? b + u3 * 4 : 0, hs.ptr, gates.ptr, aux.ptr, out.ptr, maskPtr, work.ptr, f, recAct, act,
              training ? recMask : 0, training ? recWork : 0,
            );
          }
          const final = training ? steps : steps & 1;
          expectClose(engine.read(out.ptr, out.size), ref.out, { tol: 1e-5, scale: 1, label: training ? 'output' : 'inference output' });
          expectClose(engine.read(hs.ptr + final * batch * u * 4, batch * u), ref.hT, { tol: 1e-5, scale: 1, label: training ? 'final state' : 'inference final state' });
          return { hs, gates, aux };
        };
        // recurrent dropout is training's: inference runs without it (and so differs from the reference)
        if (!recMasks) forward(false);
        const { hs, gates, aux } = forward(true);
        const dy = scratch.from(dOut, [dOut.length]);
        const dhTPtr = dhT ? scratch.from(dhT, [batch, u]).ptr : 0;
        const dh0 = c.initial ? scratch.alloc([batch, u]) : null;
        const duh = scratch.alloc([steps, batch, u]);
        const bwork = scratch.alloc([k.gru_bwd_work_floats(batch, u)]);
        k.f32_gru_seq_bwd(
          batch, steps, u, U, hs.ptr, gates.ptr, aux.ptr, dy.ptr, dhTPtr, maskPtr,
          xproj.ptr, c.resetAfter ? duh.ptr : 0, dh0?.ptr ?? 0, bwork.ptr, flags, recAct, act, recMask, recWork,
        );
        // the reference's (B, T, ·) rows in the kernels' (T, B, ·) order
        const timeMajor = (v: Float64Array, width: number) => Float64Array.from({ length: v.length }, (_, i) => {
          const t = Math.floor(i / (batch * width)), row = Math.floor(i / width) % batch;
          return v[(row * steps + t) * width + (i % width)];
        });
        const tol = { tol: 2e-5, scale: 1 };
        expectClose(engine.read(xproj.ptr, xproj.size), timeMajor(refGrads.dPre, u3), { ...tol, label: 'dxproj' });
        if (c.resetAfter) expectClose(engine.read(duh.ptr, duh.size), timeMajor(refGrads.dUh, u), { ...tol, label: 'duh' });
        if (dh0) expectClose(engine.read(dh0.ptr, dh0.size), refGrads.dh0, { ...tol, label: 'dh0' });
      } finally {
        scratch.release();
      }
    });
  }
});
