// A recurrent layer fed by an Embedding projects each distinct id once (src/ops/token-projection.ts):
// the kernels that find the distinct ids and move rows between "per position" and "per distinct id"
// against plain references; the path taken (kernel calls counted on the planning device); and every
// recurrent layer, at the small-kernel and the packed sizes, both ways through time, with masks,
// Bidirectional, against the same model with a linear Activation (a copy, which passes the mask on)
// between Embedding and recurrent layer, which takes the per-position path: outputs, loss gradients of every weight, and trained weights.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine, type Engine } from '../../src/backend/engine.js';
import { measureStep } from '../../src/runtime/plan.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { engineGradients } from '../helpers/gradients.js';
import { space } from '../helpers/engine.js';
import { testRng, uniform } from '../helpers/rng.js';

let engine: Engine;
beforeAll(async () => {
  engine = await getEngine();
});

function randomIds(n: number, rows: number, seed: number): Int32Array {
  const rng = testRng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(rng() * rows));
}

/** Reference: slots of the time-major positions (time reversed with goBackwards) and the distinct ids in order of first use. */
function distinctRef(ids: Int32Array, batch: number, steps: number, goBackwards: boolean) {
  const unique: number[] = [], slots: number[] = [], slotOf = new Map<number, number>();
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const id = ids[b * steps + (goBackwards ? steps - 1 - t : t)];
      if (!slotOf.has(id)) slotOf.set(id, unique.push(id) - 1);
      slots.push(slotOf.get(id)!);
    }
  }
  return { unique, slots };
}

describe('distinct-id kernels (assembly/distinct-rows.ts)', () => {
  it('distinct_ids: each id once in order of first use, the slot of every time-major position (int32 and float ids, both ways)', () => {
    const [batch, steps, rows] = [5, 7, 9];
    const ids = randomIds(batch * steps, rows, 1);
    for (const goBackwards of [false, true]) {
      for (const idsF32 of [0, 1]) {
        const idsPtr = engine.allocF32(ids.length);
        engine.write(idsPtr, ids, idsF32 ? 'float32' : 'int32');
        const seen = space(engine, rows, 0), unique = space(engine, ids.length), slots = space(engine, ids.length);
        const count = engine.kernels.distinct_ids(batch, steps, idsPtr, idsF32, goBackwards ? 1 : 0, seen, unique, slots);
        const ref = distinctRef(ids, batch, steps, goBackwards);
        const ints = (ptr: number, n: number) => Array.from(new Int32Array(engine.read(ptr, n).buffer));
        expect(count).toBe(ref.unique.length);
        expect(ints(unique, count)).toEqual(ref.unique);
        expect(ints(slots, ids.length)).toEqual(ref.slots);
        expect(ref.slots.every((s, r) => s <= r), 'a slot is never past its first position').toBe(true);
        [idsPtr, seen, unique, slots].forEach((p) => engine.release(p));
      }
    }
  });

  for (const dim of [1, 3, 4, 9, 16]) {
    it(`rows_expand spreads the distinct rows to every position, rows_fold sums them back in ascending order (dim ${dim})`, () => {
      const [batch, steps] = [6, 5];
      const ids = randomIds(batch * steps, 4, dim); // many repeats
      const { unique, slots } = distinctRef(ids, batch, steps, false);
      const n = slots.length, count = unique.length;
      const slotsBuf = engine.allocF32(n);
      engine.write(slotsBuf, Int32Array.from(slots), 'int32');

      const distinctRows = uniform(testRng(dim + 1), count * dim);
      const rows = space(engine, n * dim);
      engine.write(rows, Float32Array.from(distinctRows), 'float32');
      engine.kernels.f32_rows_expand(n, slotsBuf, rows, dim);
      const spread = new Float32Array(n * dim);
      slots.forEach((s, r) => spread.set(Float32Array.from(distinctRows.subarray(s * dim, (s + 1) * dim)), r * dim));
      expectIdentical(engine.read(rows, n * dim), spread, 'expand');

      const perPosition = Float32Array.from(uniform(testRng(dim + 2), n * dim));
      engine.write(rows, perPosition, 'float32');
      engine.kernels.f32_rows_fold(n, slotsBuf, count, rows, dim);
      const sums = new Float32Array(count * dim);
      const started = new Set<number>();
      slots.forEach((s, r) => {
        for (let j = 0; j < dim; j++) {
          const v = perPosition[r * dim + j];
          sums[s * dim + j] = started.has(s) ? Math.fround(sums[s * dim + j] + v) : v;
        }
        started.add(s);
      });
      expectIdentical(engine.read(rows, count * dim), sums, 'fold');
      [slotsBuf, rows].forEach((p) => engine.release(p));
    });
  }
});

const [V, E, B, T] = [7, 6, 5, 9];

type Kind = 'lstm' | 'gru' | 'gruResetBefore' | 'simpleRNN' | 'biLstm';
interface Case { kind: Kind; units: number; returnSequences: boolean; goBackwards: boolean; maskZero: boolean; vocab?: number }

function recurrent({ kind, units, returnSequences, goBackwards }: Case): wl.Layer {
  const common = { units, returnSequences, goBackwards };
  switch (kind) {
    case 'lstm': return wl.layers.lstm(common);
    case 'gru': return wl.layers.gru(common);
    case 'gruResetBefore': return wl.layers.gru({ ...common, resetAfter: false });
    case 'simpleRNN': return wl.layers.simpleRNN(common);
    case 'biLstm': return wl.layers.bidirectional({ layer: wl.layers.lstm(common) as never, mergeMode: 'concat' });
  }
}

/** Embedding → [a linear Activation: a copy, so the per-position path] → recurrent → Dense(3), with the weights of `like` if given. */
function textModel(c: Case, perPosition: boolean, like?: wl.LayersModel): wl.LayersModel {
  wl.setSeed(3);
  const model = wl.sequential({
    layers: [
      wl.layers.inputLayer({ inputShape: [T], dtype: 'int32' }),
      wl.layers.embedding({ inputDim: c.vocab ?? V, outputDim: E, maskZero: c.maskZero }),
      ...(perPosition ? [wl.layers.activation({ activation: 'linear' })] : []),
      recurrent(c),
      wl.layers.dense({ units: 3 }),
    ],
  });
  if (like) model.setWeights(like.getWeights());
  return model;
}

function caseData(c: Case) {
  const ids = randomIds(B * T, c.vocab ?? V, c.units + T);
  if (c.maskZero) for (let b = 0; b < B; b++) ids[b * T + T - 1] = 0; // a masked last step
  const outShape = c.returnSequences ? [B, T, 3] : [B, 3];
  const y = wl.tensor(Float32Array.from(uniform(testRng(9), outShape.reduce((a, d) => a * d, 1))), outShape);
  return { x: wl.tensor(ids, [B, T], 'int32'), y };
}

const calls = (model: wl.LayersModel, mode: 'fit' | 'predict', c: Case) => {
  model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
  const targets = c.returnSequences ? [[T, 3]] : [[3]];
  return measureStep(engine, model.program(mode), B, { inputs: [[T]], targets }, mode === 'fit').calls;
};

describe('a recurrent layer after an Embedding projects each distinct id once', () => {
  it('the path is taken in training and inference, and not when a layer in between makes a new tensor', () => {
    const c: Case = { kind: 'lstm', units: 40, returnSequences: false, goBackwards: false, maskZero: false };
    for (const mode of ['fit', 'predict'] as const) {
      const direct = calls(textModel(c, false), mode, c), viaCopy = calls(textModel(c, true), mode, c);
      expect(direct.get('distinct_ids'), mode).toBe(1);
      expect(direct.get('f32_rows_expand'), mode).toBe(1);
      expect(direct.get('f32_rows_fold'), mode).toBe(mode === 'fit' ? 1 : undefined);
      expect(viaCopy.has('distinct_ids'), mode).toBe(false);
    }
    // the small kernels fuse the projection into the step: only their backward reads per distinct id
    const small = { ...c, units: 8 };
    expect(calls(textModel(small, false), 'fit', small).get('f32_rows_fold')).toBe(1);
    expect(calls(textModel(small, false), 'predict', small).has('distinct_ids')).toBe(false);
  });

  it('the model program knows it, and the pool then gives each thread one chunk of a batch', () => {
    const c: Case = { kind: 'gru', units: 40, returnSequences: false, goBackwards: false, maskZero: false };
    const compiled = (m: wl.LayersModel) => (m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' }), m.program('fit'));
    expect(compiled(textModel(c, false)).readsDistinctIds).toBe(true);
    expect(compiled(textModel({ ...c, kind: 'biLstm' }, false)).readsDistinctIds).toBe(true);
    expect(compiled(textModel(c, true)).readsDistinctIds, 'a copy in between').toBe(false);
    const withDropout = wl.sequential({
      layers: [wl.layers.inputLayer({ inputShape: [T], dtype: 'int32' }), wl.layers.embedding({ inputDim: V, outputDim: E }), wl.layers.lstm({ units: 8, dropout: 0.2 })],
    });
    expect(compiled(withDropout).readsDistinctIds, 'input dropout reads a masked copy').toBe(false);
  });

  const cases: Case[] = [];
  for (const kind of ['lstm', 'gru', 'gruResetBefore', 'simpleRNN'] as const) {
    for (const units of [8, 40]) cases.push({ kind, units, returnSequences: units === 40, goBackwards: units === 8, maskZero: false });
    cases.push({ kind, units: 40, returnSequences: false, goBackwards: true, maskZero: true });
  }
  cases.push({ kind: 'biLstm', units: 40, returnSequences: true, goBackwards: false, maskZero: true });
  cases.push({ kind: 'lstm', units: 40, returnSequences: true, goBackwards: false, maskZero: false, vocab: 1000 });

  for (const c of cases) {
    const label = `${c.kind}(${c.units})${c.returnSequences ? ', sequences' : ''}${c.goBackwards ? ', goBackwards' : ''}${c.maskZero ? ', maskZero' : ''}, vocabulary ${c.vocab ?? V}`;
    it(`${label}: outputs and every weight's gradient equal the per-position path's`, async () => {
      const fused = textModel(c, false), reference = textModel(c, true, fused);
      const { x, y } = caseData(c);
      expectClose((fused.predict(x, { workers: 0 }) as wl.Tensor).dataSync(), (reference.predict(x, { workers: 0 }) as wl.Tensor).dataSync(), { tol: 1e-6, scale: 1, label: 'predict' });
      for (const m of [fused, reference]) m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
      const got = await engineGradients(fused, 'meanSquaredError', x, y), want = await engineGradients(reference, 'meanSquaredError', x, y);
      expectClose([got.loss], [want.loss], { tol: 1e-6, scale: 0, label: 'loss' });
      want.grads.forEach((g, i) => {
        const scale = Math.max(...g.map(Math.abs));
        expect(scale, `gradient ${fused.trainableWeights[i].name} is not zero`).toBeGreaterThan(1e-6);
        expectClose(got.grads[i], g, { tol: 1e-5, scale, label: fused.trainableWeights[i].name });
      });
    });
  }

  it('training on the worker pool (2 workers, repeated ids in both shards) ends where the per-position path ends', async () => {
    const c: Case = { kind: 'lstm', units: 40, returnSequences: false, goBackwards: false, maskZero: true };
    const fused = textModel(c, false), reference = textModel(c, true, fused);
    const { x, y } = caseData(c);
    const before = fused.getWeights()[0].dataSync().slice();
    for (const [m, workers] of [[fused, 2], [reference, 0]] as const) {
      m.compile({ loss: 'meanSquaredError', optimizer: wl.train.adam(0.01) });
      await m.fit(x, y, { epochs: 3, batchSize: B, shuffle: false, verbose: 0, workers });
    }
    const moved = Math.max(...fused.getWeights()[0].dataSync().map((v, i) => Math.abs(v - before[i])));
    expect(moved, 'training moved the embeddings').toBeGreaterThan(1e-3);
    reference.getWeights().forEach((w, k) => expectClose(fused.getWeights()[k].dataSync(), w.dataSync(), { tol: 1e-5, scale: 1, label: `weight ${k}` }));
  });
});
