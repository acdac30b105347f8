// Recurrent dropout in training (Keras 3.15, shared/SPEC-LAYERS.md §1.7): one (B, u) mask per gate
// on h_{t−1} before each gate's recurrent product (GRU [z | r | h], LSTM [i | f | c | o], SimpleRNN
// one), and with it one input mask per gate (Keras forces implementation 1). The GRU's z ⊙ h_{t−1}
// and the LSTM's c read the state unmasked; a Keras-masked step carries the unmasked state.
// 1. The ops (forward, backward through time, every weight gradient, dx, the initial states'
//    gradients) with fixed masks against the float64 references, at sizes that take the GRU's
//    small kernels without dropout (u 8) and the packed products (u 40), with a Keras mask,
//    initial states and go_backwards.
// 2. The references' own gradients with fixed masks against central finite differences.
// 3. The layers: predict ignores recurrentDropout, fit draws masks that change the weights, a seeded
//    fit repeats and another seed trains otherwise.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { gruBackward, gruForward } from '../../src/ops/gru.js';
import { LSTM_CELL, SIMPLE_RNN_CELL, uniformCellBackward, uniformCellForward, type SequenceConfig } from '../../src/ops/rnn.js';
import { gruBackwardRef, gruForwardRef, type GruRefConfig } from '../reference/gru.js';
import { lstmBackwardRef, lstmForwardRef } from '../reference/lstm.js';
import { simpleRnnBackwardRef, simpleRnnForwardRef } from '../reference/simple-rnn.js';
import type { RefDropout, RefWeights } from '../reference/sequence-common.js';
import { dot } from '../reference/finite-difference.js';
import { expectFiniteDifferences } from '../reference/gradient-check.js';
import { expectClose, sumTolerance } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';
import { dropoutMasks, makeMask } from '../kernels/rnn-kernel-cases.js';

type Kind = 'gru' | 'gruResetBefore' | 'lstm' | 'simpleRnn';
const GATES: Record<Kind, number> = { gru: 3, gruResetBefore: 3, lstm: 4, simpleRnn: 1 };

interface Case {
  kind: Kind; batch: number; steps: number; features: number; units: number;
  returnSequences: boolean; goBackwards: boolean; keraMask: boolean; initial: boolean; inputDropout: boolean;
}

/** What a reference run gives back: the output, final states and every gradient. */
interface RefRun {
  out: Float64Array; states: Float64Array[];
  grads: { dx: Float64Array; dKernel: Float64Array; dRecurrentKernel: Float64Array; dBias: Float64Array | null; dInitial: Float64Array[] };
}

function problem(c: Case, seed: number) {
  const rng = testRng(seed);
  const g = GATES[c.kind], cols = g * c.units;
  const stateCount = c.kind === 'lstm' ? 2 : 1;
  const x = uniform(rng, c.batch * c.steps * c.features);
  const w: RefWeights = {
    kernel: uniform(rng, c.features * cols, -0.6, 0.6),
    recurrentKernel: uniform(rng, c.units * cols, -0.6, 0.6),
    bias: uniform(rng, (c.kind === 'gru' ? 2 : 1) * cols, -0.3, 0.3),
  };
  const mask = c.keraMask ? makeMask(rng, c.batch, c.steps) : null;
  const initial = c.initial ? Array.from({ length: stateCount }, () => uniform(rng, c.batch * c.units, -0.8, 0.8)) : null;
  const dropout: RefDropout = {
    input: c.inputDropout ? dropoutMasks(rng, c.batch, g, c.features, 0.25) : null,
    recurrent: dropoutMasks(rng, c.batch, g, c.units, 0.3),
  };
  const outLength = c.batch * (c.returnSequences ? c.steps : 1) * c.units;
  const dOut = uniform(rng, outLength);
  const dFinal = Array.from({ length: stateCount }, () => uniform(rng, c.batch * c.units));
  return { x, w, mask, initial, dropout, dOut, dFinal };
}

/** The float64 reference of a case, with its problem's masks. */
function reference(c: Case, p: ReturnType<typeof problem>): RefRun {
  const shape: [number, number, number] = [c.batch, c.steps, c.features];
  const loop = { units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards };
  if (c.kind === 'gru' || c.kind === 'gruResetBefore') {
    const cfg: GruRefConfig = { ...loop, resetAfter: c.kind === 'gru', recurrentActivation: 'sigmoid', activation: 'tanh' };
    const r = gruForwardRef(p.x, shape, p.w, cfg, { mask: p.mask, initialState: p.initial?.[0], dropout: p.dropout });
    const g = gruBackwardRef(r, p.dOut, p.w, cfg, p.dFinal[0]);
    return { out: r.out, states: [r.hT], grads: { ...g, dInitial: [g.dh0] } };
  }
  if (c.kind === 'lstm') {
    const cfg = { ...loop, recurrentActivation: 'sigmoid', activation: 'tanh' } as const;
    const r = lstmForwardRef({ x: p.x, shape, mask: p.mask, initialState: p.initial as [Float64Array, Float64Array] | null, dropout: p.dropout }, p.w, cfg);
    const g = lstmBackwardRef(r, p.dOut, p.w, cfg, [p.dFinal[0], p.dFinal[1]]);
    return { out: r.out, states: r.states, grads: { ...g, dInitial: g.dInitialState } };
  }
  const cfg = { ...loop, activation: 'tanh' } as const;
  const r = simpleRnnForwardRef({ x: p.x, shape, mask: p.mask, initialState: p.initial?.[0], dropout: p.dropout }, p.w, cfg);
  const g = simpleRnnBackwardRef(r, p.dOut, p.w, cfg, p.dFinal[0]);
  return { out: r.out, states: [r.state], grads: { ...g, dInitial: [g.dInitialState] } };
}

async function checkOps(c: Case, seed: number): Promise<void> {
  const engine = await testEngine();
  const p = problem(c, seed);
  const ref = reference(c, p);
  const g = GATES[c.kind];
  const scratch = new Scratch(engine);
  try {
    const put = (v: ArrayLike<number>, shape: number[]) => scratch.from(v, shape);
    const w = { kernel: put(p.w.kernel, [p.w.kernel.length]).ptr, recurrentKernel: put(p.w.recurrentKernel, [p.w.recurrentKernel.length]).ptr, bias: put(p.w.bias!, [p.w.bias!.length]).ptr };
    const grads = {
      kernel: scratch.zeros([p.w.kernel.length]).ptr, recurrentKernel: scratch.zeros([p.w.recurrentKernel.length]).ptr, bias: scratch.zeros([p.w.bias!.length]).ptr,
    };
    const input = {
      x: put(p.x, [c.batch, c.steps, c.features]),
      initialStates: p.initial?.map((s) => put(s, [c.batch, c.units])) ?? null,
      mask: p.mask ? put(p.mask, [c.batch, c.steps]) : null,
      recurrentMasks: put(p.dropout.recurrent!, [c.batch, g * c.units]),
      inputMasks: p.dropout.input ? put(p.dropout.input, [c.batch, g * c.features]) : null,
    };
    const cfg: SequenceConfig = {
      units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards, zeroOutputForMask: false,
      recurrentActivation: ActivationCode.sigmoid, activation: ActivationCode.tanh,
    };
    const dOut = put(p.dOut, c.returnSequences ? [c.batch, c.steps, c.units] : [c.batch, c.units]);
    const dStates = p.dFinal.map((d) => put(d, [c.batch, c.units]));
    const needStates = dStates.map(() => c.initial);
    let output: DeviceTensor, states: DeviceTensor[], dx: DeviceTensor | null, dInitial: (DeviceTensor | null)[];
    if (c.kind === 'gru' || c.kind === 'gruResetBefore') {
      const gcfg = { ...cfg, resetAfter: c.kind === 'gru' };
      const r = gruForward(engine, scratch, input, w, gcfg, true);
      ({ output, states } = r);
      ({ dx, dStates: dInitial } = gruBackward(engine, scratch, r.cache!, dOut, dStates, w, grads, gcfg, true, needStates));
    } else {
      const cell = c.kind === 'lstm' ? LSTM_CELL : SIMPLE_RNN_CELL;
      const r = uniformCellForward(engine, scratch, cell, input, w, cfg, true);
      ({ output, states } = r);
      ({ dx, dStates: dInitial } = uniformCellBackward(engine, scratch, cell, r.cache!, dOut, dStates, w, grads, cfg, true, needStates));
    }
    const label = (s: string) => `${s} (${JSON.stringify(c)})`;
    const fwd = { tol: 1e-5, scale: 1 };
    expectClose(engine.read(output.ptr, output.size), ref.out, { ...fwd, label: label('output') });
    states.forEach((s, i) => expectClose(engine.read(s.ptr, s.size), ref.states[i], { ...fwd, label: label(`final state ${i}`) }));
    const rows = c.batch * c.steps;
    const tol = sumTolerance(rows * g * c.units);
    const near = (ptr: number, expected: Float64Array, name: string) =>
      expectClose(engine.read(ptr, expected.length), expected, { tol, scale: Math.max(1, ...expected.map(Math.abs)), label: label(name) });
    near(dx!.ptr, ref.grads.dx, 'dx');
    near(grads.kernel, ref.grads.dKernel, 'dKernel');
    near(grads.recurrentKernel, ref.grads.dRecurrentKernel, 'dRecurrentKernel');
    near(grads.bias, ref.grads.dBias!, 'dBias');
    if (c.initial) dInitial.forEach((d, i) => near(d!.ptr, ref.grads.dInitial[i], `d(initial state ${i})`));
  } finally {
    scratch.release();
  }
}

const KINDS: Kind[] = ['gru', 'gruResetBefore', 'lstm', 'simpleRnn'];

describe('recurrent dropout in the ops: forward and every gradient against the float64 references', () => {
  for (const kind of KINDS) for (const units of [8, 40]) {
    it(`${kind} u${units}: recurrent masks, with and without per-gate input masks, a Keras mask, initial states, go_backwards`, async () => {
      let seed = units * 10 + KINDS.indexOf(kind) * 1000;
      const base = { kind, batch: 5, steps: 4, features: 3, units };
      await checkOps({ ...base, returnSequences: true, goBackwards: false, keraMask: false, initial: false, inputDropout: false }, seed++);
      await checkOps({ ...base, returnSequences: true, goBackwards: false, keraMask: true, initial: true, inputDropout: GATES[kind] > 1 }, seed++);
      await checkOps({ ...base, returnSequences: false, goBackwards: true, keraMask: true, initial: false, inputDropout: GATES[kind] > 1 }, seed++);
      await checkOps({ ...base, batch: 70, returnSequences: false, goBackwards: false, keraMask: false, initial: true, inputDropout: false }, seed++);
    });
  }
});

describe('the float64 references with fixed dropout masks: backward vs central finite differences', () => {
  for (const kind of KINDS) {
    it(`${kind}: recurrent and input masks, a Keras mask, initial states`, () => {
      const c: Case = {
        kind, batch: 3, steps: 4, features: 3, units: 3, returnSequences: true, goBackwards: false, keraMask: true, initial: true, inputDropout: GATES[kind] > 1,
      };
      const p = problem(c, 500 + KINDS.indexOf(kind));
      const probe = reference(c, p);
      const loss = () => {
        const r = reference(c, p);
        return dot(p.dOut, r.out) + r.states.reduce((s, st, i) => s + dot(p.dFinal[i], st), 0);
      };
      expectFiniteDifferences(loss, [
        ['dx', probe.grads.dx, p.x], ['dKernel', probe.grads.dKernel, p.w.kernel],
        ['dRecurrentKernel', probe.grads.dRecurrentKernel, p.w.recurrentKernel], ['dBias', probe.grads.dBias!, p.w.bias!],
        ...probe.grads.dInitial.map((d, i): [string, Float64Array, Float64Array] => [`d(initial state ${i})`, d, p.initial![i]]),
      ]);
    });
  }
});

describe('recurrentDropout in the layers', () => {
  const [B, T, F] = [8, 5, 4];
  type Make = (rate: number, seed?: number) => wl.Layer;
  const layers: [string, Make][] = [
    ['GRU', (rate, seed) => wl.layers.gru({ units: 6, recurrentDropout: rate, dropout: rate > 0 ? 0.2 : 0, seed, inputShape: [T, F] })],
    ['GRU(resetAfter false)', (rate, seed) => wl.layers.gru({ units: 6, resetAfter: false, recurrentDropout: rate, seed, inputShape: [T, F] })],
    ['LSTM', (rate, seed) => wl.layers.lstm({ units: 6, recurrentDropout: rate, dropout: rate > 0 ? 0.2 : 0, seed, inputShape: [T, F] })],
    ['SimpleRNN', (rate, seed) => wl.layers.simpleRNN({ units: 6, recurrentDropout: rate, dropout: rate > 0 ? 0.2 : 0, seed, inputShape: [T, F] })],
    ['Bidirectional(LSTM)', (rate, seed) => wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 3, recurrentDropout: rate, seed }), inputShape: [T, F] })],
  ];

  async function fitWeights(make: Make, rate: number, seed?: number): Promise<{ before: Float32Array; weights: Float32Array[] }> {
    wl.setSeed(3);
    const x = wl.randomUniform([B, T, F]), y = wl.randomUniform([B, 6]);
    const model = wl.sequential({ layers: [make(rate, seed), wl.layers.dense({ units: 6 })] });
    model.compile({ loss: 'meanSquaredError', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }) });
    const before = ((await model.predict(x, { workers: 0 })) as wl.Tensor).dataSync().slice() as Float32Array;
    await model.fit(x, y, { batchSize: B, epochs: 2, shuffle: false, workers: 0, verbose: 0 });
    const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
    await model.dispose();
    return { before, weights };
  }

  for (const [name, make] of layers) {
    it(`${name}: predict ignores it, fit applies it, a seeded fit repeats, another seed trains otherwise`, async () => {
      const plain = await fitWeights(make, 0);
      const dropped = await fitWeights(make, 0.4, 7);
      expect(Array.from(dropped.before)).toEqual(Array.from(plain.before));
      const moved = Math.max(...dropped.weights.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - plain.weights[i][j])))));
      expect(moved).toBeGreaterThan(1e-4);
      const again = await fitWeights(make, 0.4, 7);
      again.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(dropped.weights[i])));
      const other = await fitWeights(make, 0.4, 8);
      expect(Math.max(...other.weights.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - dropped.weights[i][j])))))).toBeGreaterThan(1e-5);
    });
  }
});
