// Whole-model gradients of the recurrent layers through the public API: LSTM, SimpleRNN, GRU
// (resetAfter true and false) and Bidirectional(LSTM) (concat, sum, mul, ave, null), at sizes that
// take the small kernels (units 8, 16) and the large ones (40, and 6, not a multiple of 4), with
// returnSequences both ways, goBackwards, a Masking layer in front (leading and trailing masked
// steps; the loss then averages over the unmasked steps only), initial states given as symbolic
// inputs (Dense(tanh) layers on a second input: their weights' gradients are the states' gradients)
// and returnState outputs feeding a Dense head of the loss.
//
// The library's gradient is read off one SGD step with learningRate 1 (g = w − w_new; one fit() of one
// batch, shuffle false, workers 0) and compared with central finite differences of the float64 model
// in test/helpers/recurrent-model-ref.ts, whose loss is first checked against evaluate().
import { beforeEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import {
  DIMS, maskPattern, recurrentModel, referenceLayer, referenceLoss, weightsByName, type CaseData, type RecurrentCase,
} from '../helpers/recurrent-model-ref.js';
import { expectNear, f32Values, rms, rng } from '../net/support.js';
import { numericGradientAt } from '../reference/finite-difference.js';

const { B, T, F, S, C } = DIMS;
/** Finite differences probe every parameter of a tensor up to this size, else this many, seeded. */
const PROBES = 12;

/** Non-zero biases, kernels of moderate size, all float32-exact. */
function startWeights(next: () => number, model: wl.LayersModel): Map<string, Float64Array> {
  return new Map(model.weights.map((v) => {
    const n = v.size;
    if (v.name.endsWith('bias')) return [v.name, f32Values(next, n, 0.1, 0.5).map((x) => Math.fround(next() < 0.5 ? -x : x))];
    const fanIn = v.shape[0];
    const limit = Math.min(0.6, 1.5 / Math.sqrt(fanIn));
    return [v.name, f32Values(next, n, -limit, limit)];
  }));
}

function caseData(next: () => number, c: RecurrentCase, outputShapes: number[][]): CaseData {
  const mask = c.masking ? maskPattern(B, T) : new Float64Array(B * T).fill(1);
  const x = f32Values(next, B * T * F);
  for (let r = 0; r < B * T; r++) if (!mask[r]) x.fill(0, r * F, (r + 1) * F);
  const s = c.initialState ? f32Values(next, B * S) : null;
  const ys = outputShapes.map((shape) => f32Values(next, shape.reduce((a, b) => a * b, 1), -1, 1));
  return { x, mask, s, ys };
}

function probes(next: () => number, n: number): number[] {
  if (n <= PROBES) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < PROBES) picked.add(Math.floor(next() * n));
  return [...picked].sort((a, b) => a - b);
}

function describeCase(c: RecurrentCase): string {
  const kind = c.kind === 'gru' ? 'GRU(resetAfter)' : c.kind === 'gruResetBefore' ? 'GRU(resetAfter false)' : c.kind === 'lstm' ? 'LSTM' : 'SimpleRNN';
  const layer = c.bidirectional !== undefined ? `Bidirectional(${kind}, ${c.bidirectional})` : kind;
  const opts = [
    `units ${c.units}`, c.returnSequences ? 'sequences' : 'last', c.goBackwards && 'goBackwards', c.masking && 'Masking (lead+trail)',
    c.initialState && 'initialState from Dense(input 2)', c.stateHead !== undefined && `returnState → Dense(state ${c.stateHead})`,
  ].filter(Boolean);
  return `${layer}: ${opts.join(', ')}`;
}

async function checkCase(c: RecurrentCase, seed: number): Promise<void> {
  const next = rng(seed);
  const model = recurrentModel(c);
  try {
    model.compile({ loss: 'meanSquaredError', optimizer: wl.optimizers.sgd({ learningRate: 1 }) });
    const start = startWeights(next, model);
    model.setWeights(model.weights.map((v) => wl.tensor(Float32Array.from(start.get(v.name)!), [...v.shape])));
    const outputShapes = model.outputs.map((o) => [B, ...o.shape.slice(1)] as number[]);
    const data = caseData(next, c, outputShapes);
    const xs = [wl.tensor(Float32Array.from(data.x), [B, T, F])];
    if (data.s) xs.push(wl.tensor(Float32Array.from(data.s), [B, S]));
    const ys = data.ys.map((y, i) => wl.tensor(Float32Array.from(y), outputShapes[i]));
    const xArg = xs.length === 1 ? xs[0] : xs;
    const yArg = ys.length === 1 ? ys[0] : ys;

    const evaluated = await model.evaluate(xArg, yArg, { batchSize: B, workers: 0 });
    const total = (Array.isArray(evaluated) ? evaluated[0] : evaluated).dataSync()[0];
    const params = new Map([...start].map(([k, v]) => [k, v.slice()]));
    const loss = referenceLoss(c, params, data);
    expectNear([total], [loss], 1e-5, 1e-3, 'evaluate() vs the float64 model');

    await model.fit(xArg, yArg, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const after = weightsByName(model);
    for (const [name, p] of params) {
      const g = start.get(name)!.map((v, j) => v - after.get(name)![j]);
      const idx = probes(next, p.length);
      // a head's weight leaves the recurrent layer's outputs unchanged
      const fixed = /^(head|head2|stateHead)\//.test(name) ? referenceLayer(c, params, data) : undefined;
      const fd = numericGradientAt(() => referenceLoss(c, params, data, fixed), p, idx);
      const scale = rms(fd);
      expect(scale, `${name}: the probed gradient is not trivially zero`).toBeGreaterThan(1e-6);
      // float32 arithmetic in the engine, and g read off a float32 update (w − g rounded: ~3e-8
      // absolute for |w| < 0.6, hence the floor of the scale)
      expectNear(idx.map((j) => g[j]), fd, 2e-4, Math.max(scale, 5e-4), `${name} (probed at ${idx.length} of ${p.length})`);
    }
  } finally {
    await model.dispose();
  }
}

/**
 * Configurations per cell and size, together covering every option: masked sequences (the loss over
 * unmasked steps); the last output, backwards, masked, from given states, with the final h in the
 * loss; sequences backwards from given states with the last state (c for the LSTM) in the loss; and
 * (small size) the plain last output from zero states with h in the loss.
 */
function variants(kind: RecurrentCase['kind'], units: number, small: boolean): RecurrentCase[] {
  return [
    { kind, units, returnSequences: true, goBackwards: false, masking: true, initialState: false },
    { kind, units, returnSequences: false, goBackwards: true, masking: true, initialState: true, stateHead: 0 },
    { kind, units, returnSequences: true, goBackwards: true, masking: false, initialState: true, stateHead: stateCountOf(kind) - 1 },
    ...(small ? [{ kind, units, returnSequences: false, goBackwards: false, masking: false, initialState: false, stateHead: 0 }] : []),
  ];
}

function stateCountOf(kind: RecurrentCase['kind']): number {
  return kind === 'lstm' ? 2 : 1;
}

describe('recurrent whole-model gradients vs float64 finite differences', () => {
  beforeEach(() => wl.clearSession());
  let seed = 7000;
  for (const kind of ['lstm', 'simpleRNN', 'gru', 'gruResetBefore'] as const) {
    const small = kind === 'lstm' ? 16 : 8;
    for (const units of [small, 40, 6]) {
      for (const c of variants(kind, units, units === small)) {
        const s = seed++;
        it(describeCase(c), () => checkCase(c, s));
      }
    }
  }
});

describe('Bidirectional(LSTM) whole-model gradients vs float64 finite differences', () => {
  beforeEach(() => wl.clearSession());
  let seed = 8000;
  const cases: RecurrentCase[] = [];
  for (const bidirectional of ['concat', 'sum', 'mul', 'ave', null] as const) {
    cases.push(
      { kind: 'lstm', units: 8, bidirectional, returnSequences: true, goBackwards: false, masking: true, initialState: false },
      { kind: 'lstm', units: 40, bidirectional, returnSequences: false, goBackwards: false, masking: true, initialState: true, stateHead: 2 },
      { kind: 'lstm', units: 6, bidirectional, returnSequences: true, goBackwards: true, masking: false, initialState: true, stateHead: 1 },
    );
  }
  cases.push({ kind: 'lstm', units: 16, bidirectional: 'concat', returnSequences: false, goBackwards: true, masking: true, initialState: false, stateHead: 3 });
  for (const c of cases) {
    const s = seed++;
    it(describeCase(c), () => checkCase(c, s));
  }
});

// keep C referenced for readers: every head is Dense(C)
void C;
