// The merging layers (shared/SPEC-LAYERS.md §13, masks §21): forward against float64 references
// (test/reference/merging.ts) and input gradients against central finite differences of those
// references, at a small and a larger size; Keras 3's broadcasting and masks; gradients reaching a
// tensor given twice; shape errors naming both shapes; config round trip, summary rows, and the
// worker pool (workers: 2 equals in-process).
// Covers src/layers/merging/extremum.ts (through the public wl.layers API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { expectClose } from '../helpers/compare.js';
import { testEngine } from '../helpers/engine.js';
import { checkGradients } from '../helpers/gradients.js';
import { expectFitSameOnWorkers, expectLayerMatchesReference, runInputs } from '../helpers/layer-run.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { batchDotRef, concatMaskRef, concatRef, mergeRef, type Arr, type MergeInput, type MergeKind } from '../reference/merging.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const rng = testRng(2026);
const arr = (shape: number[], lo = -1, hi = 1): Arr => ({ data: uniform(rng, shape.reduce((n, d) => n * d, 1), lo, hi), shape });
const mask = (shape: number[], valid: number[]): Arr => ({ data: Float64Array.from(valid), shape });

const checkLayer = (layer: wl.Layer, inputs: MergeInput[], ref: (xs: MergeInput[]) => Arr, label: string) =>
  expectLayerMatchesReference(engine, rng, layer, inputs, ref, label);

const merges: Record<MergeKind, () => wl.Layer> = {
  add: () => wl.layers.add(),
  subtract: () => wl.layers.subtract(),
  multiply: () => wl.layers.multiply(),
  average: () => wl.layers.average(),
  maximum: () => wl.layers.maximum(),
  minimum: () => wl.layers.minimum(),
};

describe('elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum)', () => {
  for (const kind of Object.keys(merges) as MergeKind[]) {
    it(`${kind}: output and gradients, 2 and 3 inputs, small and larger`, () => {
      const count = kind === 'subtract' ? [2] : [2, 3];
      for (const n of count) {
        for (const shape of [[2, 3], [6, 9, 17]]) {
          const inputs = Array.from({ length: n }, () => arr(shape));
          checkLayer(merges[kind](), inputs, (xs) => mergeRef(kind, xs).y, `${kind} ${n}×${JSON.stringify(shape)}`);
        }
      }
    });
  }

  it("broadcasts as Keras's Merge: size-1 axes stretch, a lower rank gets axes after the batch axis", () => {
    for (const kind of ['add', 'multiply', 'maximum', 'subtract'] as MergeKind[]) {
      checkLayer(merges[kind](), [arr([3, 4, 5]), arr([3, 1, 5])], (xs) => mergeRef(kind, xs).y, `${kind} (3,4,5)+(3,1,5)`);
      checkLayer(merges[kind](), [arr([3, 5]), arr([3, 4, 5])], (xs) => mergeRef(kind, xs).y, `${kind} (3,5)+(3,4,5)`);
    }
    const layer = wl.layers.add();
    const out = layer.apply([wl.input({ shape: [4, 1] }), wl.input({ shape: [5] })]) as wl.SymbolicTensor;
    expect(out.shape).toEqual([null, 4, 5]);
  });

  it('masks: Multiply counts masked positions as 1 and zeroes where no input is valid; Maximum/Minimum take the other side; the output mask is the OR', () => {
    const [b, t, f] = [2, 4, 3];
    const m1 = mask([b, t], [1, 1, 0, 0, 1, 0, 1, 0]);
    const m2 = mask([b, t], [1, 0, 1, 0, 0, 0, 1, 1]);
    for (const kind of Object.keys(merges) as MergeKind[]) {
      const inputs: MergeInput[] = [{ ...arr([b, t, f]), mask: m1 }, { ...arr([b, t, f]), mask: m2 }];
      checkLayer(merges[kind](), inputs, (xs) => mergeRef(kind, xs).y, `${kind} with two masks`);
      const run = runInputs(engine, merges[kind](), inputs, { masks: [m1, m2] });
      expect(Array.from(run.masks![0]!), `${kind}: output mask`).toEqual(Array.from(mergeRef(kind, inputs).mask!.data));
      // one input without a mask: no output mask; Multiply and the extremes still substitute
      const partial: MergeInput[] = [{ ...arr([b, t, f]), mask: m1 }, arr([b, t, f])];
      checkLayer(merges[kind](), partial, (xs) => mergeRef(kind, xs).y, `${kind} with one mask`);
      expect(runInputs(engine, merges[kind](), partial, { masks: [m1, null] }).masks![0], `${kind}: no output mask`).toBeNull();
    }
    // the rule itself, by hand: Multiply of [2, 3] (valid) and [5, 7] (masked) on one step, then both masked
    const x1 = { data: Float64Array.from([2, 3, 4, 4]), shape: [1, 2, 2], mask: mask([1, 2], [1, 0]) };
    const x2 = { data: Float64Array.from([5, 7, 9, 9]), shape: [1, 2, 2], mask: mask([1, 2], [0, 0]) };
    expect(Array.from(runInputs(engine, wl.layers.multiply(), [x1, x2], { masks: [x1.mask, x2.mask] }).ys[0])).toEqual([2, 3, 0, 0]);
    expect(Array.from(runInputs(engine, wl.layers.maximum(), [x1, x2], { masks: [x1.mask, x2.mask] }).ys[0])).toEqual([2, 3, 4, 4]);
  });

  it('refuses incompatible shapes (naming both), fewer than 2 inputs, and Subtract with 3', () => {
    const [a, b] = [wl.input({ shape: [4, 3] }), wl.input({ shape: [4, 5] })];
    expect(() => wl.layers.add().apply([a, b])).toThrow(/inputs have incompatible shapes. Received shapes \(None, 4, 3\) and \(None, 4, 5\)/);
    expect(() => wl.layers.multiply().apply([a])).toThrow(/takes 2 to any number of inputs, but it was called on 1/);
    expect(() => wl.layers.maximum().apply(a)).toThrow(/takes 2 to any number of inputs, but it was called on 1/);
    expect(() => wl.layers.subtract().apply([a, a, a])).toThrow(/takes 2 inputs, but it was called on 3/);
    expect(() => wl.layers.add({ units: 3 } as never)).toThrow('Add: unknown argument units');
  });
});

describe('Concatenate', () => {
  it('joins along -1, 1 and a middle axis, 2 and 3 inputs; the gradient is the matching slice', () => {
    checkLayer(wl.layers.concatenate(), [arr([3, 4]), arr([3, 2])], (xs) => concatRef(xs, 1), 'concat (3,4)|(3,2)');
    checkLayer(wl.layers.concatenate({ axis: 1 }), [arr([2, 3, 4]), arr([2, 5, 4]), arr([2, 1, 4])], (xs) => concatRef(xs, 1), 'concat axis 1');
    checkLayer(wl.layers.concatenate({ axis: -2 }), [arr([2, 3, 2, 4]), arr([2, 3, 5, 4])], (xs) => concatRef(xs, 2), 'concat axis -2 of rank 4');
    checkLayer(wl.layers.concatenate(), [arr([16, 12, 40]), arr([16, 12, 24])], (xs) => concatRef(xs, 2), 'concat larger');
  });

  it('masks as Keras 3: OR over features (a missing mask counts as all valid), joined along time', () => {
    const m1 = mask([2, 3], [1, 0, 0, 1, 1, 0]);
    const m2 = mask([2, 3], [0, 0, 1, 1, 0, 0]);
    const cases: [number, MergeInput[]][] = [
      [-1, [{ ...arr([2, 3, 4]), mask: m1 }, { ...arr([2, 3, 2]), mask: m2 }]],
      [-1, [{ ...arr([2, 3, 4]), mask: m1 }, arr([2, 3, 2])]],
      [1, [{ ...arr([2, 3, 4]), mask: m1 }, arr([2, 2, 4])]],
    ];
    for (const [axis, inputs] of cases) {
      const run = runInputs(engine, wl.layers.concatenate({ axis }), inputs, { masks: inputs.map((x) => x.mask ?? null) });
      const expected = concatMaskRef(inputs, axis < 0 ? 3 + axis : axis)!;
      expect(Array.from(run.masks![0]!), `axis ${axis}`).toEqual(Array.from(expected.data));
    }
    expect(Array.from(runInputs(engine, wl.layers.concatenate(), cases[1][1], { masks: [m1, null] }).masks![0]!)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(runInputs(engine, wl.layers.concatenate(), [arr([2, 3, 4]), arr([2, 3, 4])]).masks![0]).toBeNull();
  });

  it('refuses mismatched shapes naming every shape, the batch axis, and fewer than 2 inputs', () => {
    const [a, b] = [wl.input({ shape: [4, 3] }), wl.input({ shape: [5, 3] })];
    expect(() => wl.layers.concatenate().apply([a, b])).toThrow(
      /requires inputs with matching shapes except for the concatenation axis \(axis=-1\). Received: input_shape=\[\(None, 4, 3\), \(None, 5, 3\)\]/,
    );
    expect(wl.layers.concatenate({ axis: 1 }).apply([a, b]) as wl.SymbolicTensor).toHaveProperty('shape', [null, 9, 3]);
    expect(() => wl.layers.concatenate({ axis: 0 }).apply([a, b])).toThrow(/axis=0 is the batch axis \(not supported\)/);
    expect(() => wl.layers.concatenate({ axis: 3 }).apply([a, a])).toThrow(/axis=3 is out of range for inputs of rank 3/);
    expect(() => wl.layers.concatenate().apply([a])).toThrow(/takes 2 to any number of inputs, but it was called on 1/);
    expect(() => wl.layers.concatenate({ axis: 1.5 })).toThrow('Concatenate: received an invalid value for axis, expected an integer. Received: axis=1.5');
  });
});

describe('Dot', () => {
  const cases: { label: string; shapes: [number[], number[]]; axes: number | [number, number]; pos: [number, number] }[] = [
    { label: 'attention scores (B,T1,U)·(B,T2,U) axes [2,2]', shapes: [[3, 4, 5], [3, 6, 5]], axes: [2, 2], pos: [2, 2] },
    { label: 'context (B,T1,T2)·(B,T2,U) axes [2,1]', shapes: [[3, 4, 6], [3, 6, 5]], axes: [2, 1], pos: [2, 1] },
    { label: 'vectors (B,F)·(B,F) axes 1 → (B,1)', shapes: [[4, 7], [4, 7]], axes: 1, pos: [1, 1] },
    { label: 'transposed first operand (B,U,T)·(B,U) axes [1,1]', shapes: [[3, 5, 4], [3, 5]], axes: [1, 1], pos: [1, 1] },
    { label: 'negative axes (B,T,U)·(B,T,U) axes -1', shapes: [[2, 3, 4], [2, 5, 4]], axes: -1, pos: [2, 2] },
    { label: 'rank 4 middle axes (B,2,3,4)·(B,3,5) axes [2,1]', shapes: [[2, 2, 3, 4], [2, 3, 5]], axes: [2, 1], pos: [2, 1] },
    { label: 'larger attention (8,12,32)·(8,9,32) axes [2,2]', shapes: [[8, 12, 32], [8, 9, 32]], axes: [2, 2], pos: [2, 2] },
  ];
  for (const normalize of [false, true]) {
    for (const c of cases) {
      it(`${c.label}${normalize ? ', normalize' : ''}: output and both gradients`, () => {
        const inputs = c.shapes.map((s) => arr(s));
        checkLayer(wl.layers.dot({ axes: c.axes, normalize }), inputs, ([x, y]) => batchDotRef(x, y, c.pos, normalize), c.label);
      });
    }
  }

  it('normalize floors the norm at 1e-7 as Keras 3 (a tiny vector with itself gives 1), unlike tfjs', () => {
    const x = { data: Float64Array.from([1e-5, 0]), shape: [1, 2] };
    expect(runInputs(engine, wl.layers.dot({ axes: 1, normalize: true }), [x, x]).ys[0][0]).toBeCloseTo(1, 6);
    const tiny = { data: Float64Array.from([1e-8, 2e-8, 0]), shape: [1, 3] };
    const other = { data: Float64Array.from([0.5, -0.25, 1]), shape: [1, 3] };
    const run = runInputs(engine, wl.layers.dot({ axes: 1, normalize: true }), [tiny, other], { dys: [[1]] });
    // below the floor the scale is the constant 1e7: d/dx = 1e7 · normalize(other)
    const norm = Math.hypot(0.5, -0.25, 1);
    expectClose(run.dxs[0]!, [0.5, -0.25, 1].map((v) => (1e7 * v) / norm), { tol: 1e-6, label: 'dx below the floor' });
  });

  it('refuses incompatible shapes naming both, axis 0, bad axes and a wrong input count', () => {
    const [a, b] = [wl.input({ shape: [5, 3] }), wl.input({ shape: [4, 6] })];
    expect(() => wl.layers.dot({ axes: [2, 1] }).apply([a, b])).toThrow(
      /incompatible input shapes: axis values 3 \(at axis 2\) != 4 \(at axis 1\). Full input shapes: \(None, 5, 3\), \(None, 4, 6\)/,
    );
    expect(() => wl.layers.dot({ axes: 0 }).apply([a, a])).toThrow(/includes the batch axis 0/);
    expect(() => wl.layers.dot({ axes: 3 }).apply([a, a])).toThrow(/axes=3 is out of range for input 0 of shape \(None, 5, 3\)/);
    expect(() => wl.layers.dot({ axes: [1, 2, 3] as never })).toThrow('Dot: received an invalid value for axes, expected an integer or a list of two integers. Received: axes=[1, 2, 3]');
    expect(() => wl.layers.dot({} as never)).toThrow('Received: axes=undefined');
    expect(() => wl.layers.dot({ axes: 1 }).apply([a, a, a])).toThrow(/takes 2 inputs, but it was called on 3/);
  });
});

describe('merging layers in models', () => {
  it('gradients reach a tensor given twice and every input (finite differences through the model)', async () => {
    // d = x·W + b; y = Add([Multiply([d, d]), Subtract([d, Maximum([d, x2])])]) with x2 = Dense(x), loss mse
    const x = wl.input({ shape: [3] });
    const d = wl.layers.dense({ units: 4 }).apply(x) as wl.SymbolicTensor;
    const e = wl.layers.dense({ units: 4 }).apply(x) as wl.SymbolicTensor;
    const sq = wl.layers.multiply().apply([d, d]) as wl.SymbolicTensor;
    const diff = wl.layers.subtract().apply([d, wl.layers.maximum().apply([d, e]) as wl.SymbolicTensor]) as wl.SymbolicTensor;
    const model = wl.model({ inputs: x, outputs: wl.layers.add().apply([sq, diff]) as wl.SymbolicTensor });
    const xs = wl.tensor(Float32Array.from(uniform(rng, 15)), [5, 3]);
    const ys = wl.tensor(Float32Array.from(uniform(rng, 20)), [5, 4]);
    const xv = xs.dataSync(), yv = ys.dataSync();
    const dense = (w: Float64Array, bias: Float64Array, r: number, j: number) => bias[j] + [0, 1, 2].reduce((s, i) => s + xv[r * 3 + i] * w[i * 4 + j], 0);
    await checkGradients(model, 'meanSquaredError', xs, ys, ([w1, b1, w2, b2]) => {
      let loss = 0;
      for (let r = 0; r < 5; r++) {
        for (let j = 0; j < 4; j++) {
          const [dv, ev] = [dense(w1, b1, r, j), dense(w2, b2, r, j)];
          loss += (dv * dv + dv - Math.max(dv, ev) - yv[r * 4 + j]) ** 2;
        }
      }
      return loss / 20;
    }, 2e-4);
  });

  it("one gradient buffer handed to two inputs is not added into for one of them (Add's dy to both, summed upstream)", async () => {
    // e = Dense(x); q = Dense(e); d = Dense(x); p = Dense(d); s = Add([d, e]); y = Add([s, s]); out = Add([q, p, y]).
    // Backward runs out, y (s's gradient is a sum), s (that sum to d and e), p (adds into d's), d, q (adds into e's), e:
    // d's and e's additions must not land in the buffer they share.
    const x = wl.input({ shape: [3] });
    const [eLayer, qLayer, dLayer, pLayer] = [0, 1, 2, 3].map(() => wl.layers.dense({ units: 2 }));
    const e = eLayer.apply(x) as wl.SymbolicTensor;
    const q = qLayer.apply(e) as wl.SymbolicTensor;
    const d = dLayer.apply(x) as wl.SymbolicTensor;
    const p = pLayer.apply(d) as wl.SymbolicTensor;
    const s = wl.layers.add().apply([d, e]) as wl.SymbolicTensor;
    const y = wl.layers.add().apply([s, s]) as wl.SymbolicTensor;
    const model = wl.model({ inputs: x, outputs: wl.layers.add().apply([q, p, y]) as wl.SymbolicTensor });
    const xs = wl.tensor(Float32Array.from(uniform(rng, 12)), [4, 3]);
    const ys = wl.tensor(Float32Array.from(uniform(rng, 8)), [4, 2]);
    const xv = xs.dataSync(), yv = ys.dataSync();
    // the weights in the model's order, by layer
    const at = (layer: wl.Layer) => model.trainableWeights.findIndex((v) => v.name === `${layer.name}/kernel`);
    const dense = (w: Float64Array[], input: number[], j: number) => w[1][j] + input.reduce((a, v, i) => a + v * w[0][i * 2 + j], 0);
    await checkGradients(model, 'meanSquaredError', xs, ys, (w) => {
      const [we, wq, wd, wp] = [eLayer, qLayer, dLayer, pLayer].map((l) => [w[at(l)], w[at(l) + 1]]);
      let loss = 0;
      for (let r = 0; r < 4; r++) {
        const xr = Array.from(xv.subarray(r * 3, r * 3 + 3));
        const [ev, dv] = [we, wd].map((wl_) => [0, 1].map((j) => dense(wl_, xr, j)));
        for (let j = 0; j < 2; j++) loss += (dense(wq, ev, j) + dense(wp, dv, j) + 2 * (dv[j] + ev[j]) - yv[r * 2 + j]) ** 2;
      }
      return loss / 8;
    }, 2e-4);
  });

  it('writes its config and loads back (save/load in the tfjs format), predicting the same', async () => {
    const a = wl.input({ shape: [4, 3] });
    const b = wl.input({ shape: [4, 3] });
    const parts = [wl.layers.add(), wl.layers.subtract(), wl.layers.multiply(), wl.layers.average(), wl.layers.maximum(), wl.layers.minimum()]
      .map((l) => l.apply([a, b]) as wl.SymbolicTensor);
    const joined = wl.layers.concatenate({ axis: 1 }).apply(parts) as wl.SymbolicTensor;
    const scores = wl.layers.dot({ axes: [2, 2], normalize: true }).apply([joined, a]) as wl.SymbolicTensor;
    const model = wl.model({ inputs: [a, b], outputs: scores });
    const configs = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(configs.find((l) => l.class_name === 'Dot')?.config).toMatchObject({ axes: [2, 2], normalize: true });
    expect(configs.find((l) => l.class_name === 'Concatenate')?.config).toMatchObject({ axis: 1 });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    const x = [wl.randomUniform([2, 4, 3]), wl.randomUniform([2, 4, 3])];
    expect(Array.from((await loaded.predict(x, { workers: 0 }) as wl.Tensor).dataSync())).toEqual(Array.from((await model.predict(x, { workers: 0 }) as wl.Tensor).dataSync()));
  });

  it("summary rows: Keras's output shapes, 0 parameters, the inbound tensors", () => {
    wl.clearSession();
    const a = wl.input({ shape: [5, 8] });
    const b = wl.input({ shape: [6, 8] });
    const scores = wl.layers.dot({ axes: [2, 2] }).apply([a, b]) as wl.SymbolicTensor;
    const context = wl.layers.dot({ axes: [2, 1] }).apply([scores, b]) as wl.SymbolicTensor;
    const out = wl.layers.concatenate().apply([context, a]) as wl.SymbolicTensor;
    const lines: string[] = [];
    wl.model({ inputs: [a, b], outputs: wl.layers.add().apply([out, out]) as wl.SymbolicTensor }).summary(undefined, undefined, (l) => lines.push(l));
    const row = (name: string) => lines.find((l) => l.startsWith(name))!;
    expect(row('dot_1 (Dot)')).toMatch(/^dot_1 \(Dot\)\s+\(None, 5, 6\)\s+0\s+input_1\[0\]\[0\]/);
    expect(row('dot_2 (Dot)')).toMatch(/\(None, 5, 8\)\s+0\s+dot_1\[0\]\[0\]/);
    expect(row('concatenate_1 (Concatenate)')).toMatch(/\(None, 5, 16\)\s+0\s+dot_2\[0\]\[0\]/);
    expect(row('add_1 (Add)')).toMatch(/\(None, 5, 16\)\s+0\s+concatenate_1\[0\]\[0\]/);
    expect(lines).toContain('Total params: 0');
  });

  it('fit with workers: 2 equals in-process within 1e-5 (Dot, Concatenate, Multiply, Maximum, masks)', async () => {
    const build = () => {
      wl.setSeed(11);
      const enc = wl.input({ shape: [6, 4] });
      const dec = wl.input({ shape: [5, 4] });
      const masked = wl.layers.masking({ maskValue: 0 }).apply(dec) as wl.SymbolicTensor;
      const h = wl.layers.lstm({ units: 6, returnSequences: true }).apply(masked) as wl.SymbolicTensor;
      const e = wl.layers.dense({ units: 6 }).apply(enc) as wl.SymbolicTensor;
      const att = wl.layers.activation({ activation: 'softmax' }).apply(wl.layers.dot({ axes: [2, 2] }).apply([h, e]) as wl.SymbolicTensor) as wl.SymbolicTensor;
      const ctx = wl.layers.dot({ axes: [2, 1] }).apply([att, e]) as wl.SymbolicTensor;
      const gated = wl.layers.multiply().apply([ctx, wl.layers.maximum().apply([h, ctx]) as wl.SymbolicTensor]) as wl.SymbolicTensor;
      const out = wl.layers.dense({ units: 3, activation: 'softmax' }).apply(wl.layers.concatenate().apply([gated, h]) as wl.SymbolicTensor) as wl.SymbolicTensor;
      const model = wl.model({ inputs: [enc, dec], outputs: out });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
      return model;
    };
    const x = [wl.tensor(Float32Array.from(uniform(rng, 16 * 24)), [16, 6, 4]), wl.tensor(Float32Array.from(uniform(rng, 16 * 20)).map((v, i) => (i % 20 >= 16 && i % 40 < 20 ? 0 : v)), [16, 5, 4])];
    const y = wl.oneHot(wl.tensor(Int32Array.from({ length: 80 }, (_, i) => i % 3), [16, 5], 'int32'), 3);
    await expectFitSameOnWorkers(build, x, y, { epochs: 2, batchSize: 8 });
  });
});


