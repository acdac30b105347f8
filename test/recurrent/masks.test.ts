// Masks through the recurrent layers (shared/SPEC-LAYERS.md §1.6, §5.3, §6, §17.3, §19, §21):
// Masking → LSTM(returnSequences) → TimeDistributed(Dense) → loss averages over the unmasked steps
// only (computed here by hand from predict's outputs and the targets), accuracy counts the unmasked
// steps only, masked training on workers 'auto' / 2 matches workers 0, masked steps carry the state
// (a trailing masked step repeats the last valid output, a leading one outputs 0 even from a given
// initial state), and Bidirectional with returnSequences writes zeros at masked positions.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { DIMS, maskPattern, referenceLayer, weightsByName, type RecurrentCase } from '../helpers/recurrent-model-ref.js';
import { resetPool } from '../helpers/pool.js';
import { expectNear, f32Values, rng } from '../net/support.js';

afterAll(() => resetPool());
beforeEach(() => {
  wl.clearSession();
  wl.setSeed(1234);
});

const [T, F, C] = [5, 3, 4];

/** (n, T, F) values with masked steps (all features 0) at the given (sample, step) pairs. */
function maskedData(seed: number, n: number, masked: (b: number, t: number) => boolean): { x: wl.Tensor; mask: Float64Array } {
  const v = f32Values(rng(seed), n * T * F);
  const mask = new Float64Array(n * T);
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < T; t++) {
      mask[b * T + t] = masked(b, t) ? 0 : 1;
      if (masked(b, t)) v.fill(0, (b * T + t) * F, (b * T + t + 1) * F);
    }
  }
  return { x: wl.tensor(Float32Array.from(v), [n, T, F]), mask };
}

/** Masks varied per sample: trailing padding of 0..3 steps, a leading masked step every third sample. */
const varied = (b: number, t: number) => t >= T - (b % 4) || (b % 3 === 2 && t === 0);

function oneHot(seed: number, rows: number): wl.Tensor {
  const next = rng(seed);
  const y = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) y[r * C + Math.floor(next() * C)] = 1;
  return wl.tensor(y, [rows / T, T, C]);
}

function taggerModel(units = 6): wl.LayersModel {
  return wl.sequential({
    layers: [
      wl.layers.masking({ maskValue: 0, inputShape: [T, F] }),
      wl.layers.lstm({ units, returnSequences: true }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: C, activation: 'softmax' }) }),
    ],
  });
}

/** Per step: cross-entropy, and whether argmax(p) = argmax(y). */
function perStep(p: ArrayLike<number>, y: ArrayLike<number>, rows: number): { ce: number[]; hit: boolean[] } {
  const ce: number[] = [], hit: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    let l = 0, bp = 0, by = 0;
    for (let j = 0; j < C; j++) {
      const q = Math.min(Math.max(p[r * C + j], 1e-7), 1 - 1e-7);
      l -= y[r * C + j] * Math.log(q);
      if (p[r * C + j] > p[r * C + bp]) bp = j;
      if (y[r * C + j] > y[r * C + by]) by = j;
    }
    ce.push(l);
    hit.push(bp === by);
  }
  return { ce, hit };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('masked loss and metrics (Keras 3: unmasked steps only)', () => {
  it('evaluate() = mean cross-entropy over the unmasked steps; accuracy over the unmasked steps', async () => {
    const n = 8;
    const model = taggerModel();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const { x, mask } = maskedData(21, n, varied);
    const p = ((await model.predict(x)) as wl.Tensor).dataSync();
    // targets: random classes at valid steps, the least likely class at masked steps (so the mean
    // over all steps is clearly larger than the mean over the valid ones)
    const yv = Float32Array.from(oneHot(22, n * T).dataSync());
    for (let r = 0; r < n * T; r++) {
      if (mask[r]) continue;
      let worst = 0;
      for (let j = 0; j < C; j++) if (p[r * C + j] < p[r * C + worst]) worst = j;
      for (let j = 0; j < C; j++) yv[r * C + j] = j === worst ? 1 : 0;
    }
    const y = wl.tensor(yv, [n, T, C]);
    const { ce, hit } = perStep(p, y.dataSync(), n * T);
    const valid = [...mask].map((m, i) => (m ? i : -1)).filter((i) => i >= 0);
    expect(valid.length).toBeLessThan(n * T);
    const expectedLoss = mean(valid.map((i) => ce[i]));
    const expectedAcc = mean(valid.map((i) => (hit[i] ? 1 : 0)));
    const [loss, acc] = ((await model.evaluate(x, y, { batchSize: n, workers: 0 })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
    expectNear([loss], [expectedLoss], 1e-5, 0, 'loss over unmasked steps');
    expect(Math.abs(loss - mean(ce)), 'the mean over all steps differs (the test distinguishes the two)').toBeGreaterThan(1e-3);
    expectNear([acc], [expectedAcc], 1e-6, 0, 'accuracy over unmasked steps');
    await model.dispose();
  });

  // Keras 3 averages the batches' losses (each a masked mean) weighted by batch size (§17.3, last
  // bullet; the loss tracker's sample_weight is the batch size), not all batches' unmasked steps pooled.
  it('evaluate() in several batches: the loss is the batch-size-weighted mean of the batches\' masked means, accuracy counts unmasked steps over all batches (Keras 3)', () => severalBatches('evaluate'));
  it('fit() History in several batches (learning rate 1e-30: the weights stay): the same batch-size-weighted mean (Keras 3)', () => severalBatches('fit'));

  async function severalBatches(how: 'evaluate' | 'fit'): Promise<void> {
    const n = 8, batch = 3; // batches of 3, 3, 2
    const model = taggerModel();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 1e-30 }), metrics: ['accuracy'] });
    // batch 1 nearly unmasked, batch 3 mostly masked: the two reductions differ
    const { x, mask } = maskedData(23, n, (b, t) => (b >= 6 ? t >= 1 : b >= 3 ? t >= 3 : false));
    const y = oneHot(24, n * T);
    const p = ((await model.predict(x)) as wl.Tensor).dataSync();
    const { ce, hit } = perStep(p, y.dataSync(), n * T);
    let weighted = 0;
    for (let s = 0; s < n; s += batch) {
      const rowsOf = Array.from({ length: Math.min(batch, n - s) * T }, (_, k) => s * T + k).filter((i) => mask[i]);
      weighted += mean(rowsOf.map((i) => ce[i])) * Math.min(batch, n - s);
    }
    const valid = [...mask].map((m, i) => (m ? i : -1)).filter((i) => i >= 0);
    let loss: number, acc: number;
    if (how === 'evaluate') {
      [loss, acc] = ((await model.evaluate(x, y, { batchSize: batch, workers: 0 })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
    } else {
      const h = await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
      [loss, acc] = [h.history.loss[0] as number, (h.history.acc ?? h.history.accuracy)[0] as number];
    }
    expectNear([acc], [mean(valid.map((i) => (hit[i] ? 1 : 0)))], 1e-6, 0, 'accuracy over all unmasked steps');
    const globalMean = mean(valid.map((i) => ce[i]));
    expect(Math.abs(weighted / n - globalMean), 'the data tell the two reductions apart').toBeGreaterThan(1e-3);
    expect(Math.abs(loss - globalMean), `${how} gave ${loss}: the mean over all batches' unmasked steps (${globalMean}), not Keras's ${weighted / n}`).toBeGreaterThan(1e-4);
    expectNear([loss], [weighted / n], 1e-5, 0, 'loss: Σ (batch size · batch masked mean) / samples');
    await model.dispose();
  }

  it('mean squared error after a mask: evaluate() = mean over unmasked steps of the per-step mean', async () => {
    const n = 5;
    const model = wl.sequential({
      layers: [wl.layers.masking({ inputShape: [T, F] }), wl.layers.gru({ units: 4, returnSequences: true }), wl.layers.dense({ units: 2 })],
    });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const { x, mask } = maskedData(25, n, varied);
    const y = wl.tensor(Float32Array.from(f32Values(rng(26), n * T * 2)), [n, T, 2]);
    const p = ((await model.predict(x)) as wl.Tensor).dataSync();
    const yv = y.dataSync();
    const per = Array.from({ length: n * T }, (_, r) => ((p[2 * r] - yv[2 * r]) ** 2 + (p[2 * r + 1] - yv[2 * r + 1]) ** 2) / 2);
    const loss = ((await model.evaluate(x, y, { batchSize: n, workers: 0 })) as wl.Tensor).dataSync()[0];
    expectNear([loss], [mean(per.filter((_, i) => mask[i]))], 1e-5, 0, 'mse over unmasked steps');
    await model.dispose();
  });

  it('the mask stops at an RNN without returnSequences: the loss is over all samples', async () => {
    const n = 4;
    const model = wl.sequential({
      layers: [wl.layers.masking({ inputShape: [T, F] }), wl.layers.lstm({ units: 4 }), wl.layers.dense({ units: 2 })],
    });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const { x } = maskedData(27, n, varied);
    const y = wl.tensor(Float32Array.from(f32Values(rng(28), n * 2)), [n, 2]);
    const p = ((await model.predict(x)) as wl.Tensor).dataSync();
    const expected = mean([...p].map((v, i) => (v - y.dataSync()[i]) ** 2));
    expectNear([((await model.evaluate(x, y, { workers: 0 })) as wl.Tensor).dataSync()[0]], [expected], 1e-5, 0, 'mse over all');
    await model.dispose();
  });
});

describe('masked training on workers', () => {
  for (const workers of ['auto', 2] as const) {
    it(`fit with a masked loss on workers ${workers} (the pool: chunks summed, then divided by the step's unmasked steps) gives the weights of workers 0`, async () => {
      const n = 64;
      const a = taggerModel(8);
      const b = taggerModel(8);
      b.setWeights(a.getWeights());
      for (const m of [a, b]) m.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }), metrics: ['accuracy'] });
      const { x } = maskedData(29, n, varied);
      const y = oneHot(30, n * T);
      const ha = await a.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, workers: 0 });
      const hb = await b.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, workers });
      const wa = a.getWeights(), wb = b.getWeights();
      // the pool sums chunk gradients (each scaled by the loss weight) and divides by the step's
      // unmasked count afterwards: float32 rounding in another order, the project's 1e-5 parity
      wa.forEach((w, i) => expectNear(wb[i].dataSync(), w.dataSync(), 1e-5, 1e-2, `weight ${i}`));
      expectNear(hb.history.loss as number[], ha.history.loss as number[], 1e-5, 0, 'history loss');
      const ea = ((await a.evaluate(x, y, { batchSize: 64, workers: 0 })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
      const eb = ((await b.evaluateAsync(x, y, { batchSize: 64, workers })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
      expectNear(eb, ea, 1e-5, 0, `evaluate on workers ${workers} vs 0 (loss, accuracy)`);
      await a.dispose();
      await b.dispose();
    });
  }
});

describe('masked steps carry the state', () => {
  for (const kind of ['lstm', 'gru', 'simpleRNN'] as const) {
    it(`${kind}: a trailing masked step repeats the last valid output, a leading one outputs 0; the final state is the last valid step's`, async () => {
      const u = 5;
      const x = wl.input({ shape: [T, F] });
      const masked = wl.layers.masking().apply(x) as wl.SymbolicTensor;
      const args = { units: u, returnSequences: true, returnState: true };
      const layer = kind === 'lstm' ? wl.layers.lstm(args) : kind === 'gru' ? wl.layers.gru(args) : wl.layers.simpleRNN(args);
      const outs = layer.apply(masked) as unknown as wl.SymbolicTensor[];
      const model = wl.model({ inputs: x, outputs: [outs[0], outs[1]] });
      // sample 0: steps 3, 4 masked; sample 1: steps 0, 1 masked; sample 2: step 2 masked (inner)
      const maskedAt = (b: number, t: number) => (b === 0 ? t >= 3 : b === 1 ? t <= 1 : t === 2);
      const { x: xv } = maskedData(31, 3, maskedAt);
      const [y, h] = (await model.predict(xv)) as wl.Tensor[];
      const v = y.dataSync();
      const at = (b: number, t: number) => v.slice((b * T + t) * u, (b * T + t + 1) * u);
      for (const t of [3, 4]) expect(at(0, t), `sample 0 step ${t} = step 2`).toEqual(at(0, 2));
      for (const t of [0, 1]) expect([...at(1, t)], `sample 1 leading masked step ${t}`).toEqual(new Array(u).fill(0));
      expect(at(2, 2), 'sample 2 inner masked step = step 1').toEqual(at(2, 1));
      expect(h.dataSync().slice(0, u), 'final h of sample 0 = its last valid output').toEqual(at(0, 2));
      // the carried state: the step after an inner masked step equals running the sequence without it
      const dense = wl.model({ inputs: x, outputs: (layer.apply(x) as unknown as wl.SymbolicTensor[])[0] });
      const vals = xv.dataSync();
      const skipped = new Float32Array(T * F);
      skipped.set(vals.subarray(2 * T * F, 2 * T * F + 2 * F), 0); // steps 0, 1
      skipped.set(vals.subarray(2 * T * F + 3 * F, 3 * T * F), 2 * F); // steps 3, 4
      const ySkipped = ((await dense.predict(wl.tensor(skipped, [1, T, F]))) as wl.Tensor).dataSync();
      expectNear(at(2, 3), ySkipped.slice(2 * u, 3 * u), 1e-6, 1e-6, 'sample 2 step 3 = step 2 of the sequence without the masked step');
      await model.dispose();
    });
  }

  it('LSTM from a non-zero initial state: a leading masked step still outputs 0 (Keras 3), and the state passes over it', async () => {
    const u = 4;
    const x = wl.input({ shape: [T, F] });
    const h0 = wl.input({ shape: [u] }), c0 = wl.input({ shape: [u] });
    const layer = wl.layers.lstm({ units: u, returnSequences: true });
    const y = layer.apply(wl.layers.masking().apply(x) as wl.SymbolicTensor, { initialState: [h0, c0] }) as wl.SymbolicTensor;
    const model = wl.model({ inputs: [x, h0, c0], outputs: y });
    const { x: xv } = maskedData(32, 2, (b, t) => b === 0 && t === 0);
    const [hv, cv] = [wl.tensor(Float32Array.from(f32Values(rng(33), 2 * u)), [2, u]), wl.tensor(Float32Array.from(f32Values(rng(34), 2 * u)), [2, u])];
    const out = ((await model.predict([xv, hv, cv])) as wl.Tensor).dataSync();
    expect([...out.slice(0, u)]).toEqual(new Array(u).fill(0));
    // the state passed over the masked step: steps 1.. equal a run of steps 1.. from (h0, c0)
    const x2 = wl.input({ shape: [T - 1, F] });
    const plain = wl.model({ inputs: [x2, h0, c0], outputs: layer.apply(x2, { initialState: [h0, c0] }) as wl.SymbolicTensor });
    const rest = wl.tensor(xv.dataSync().slice(F, T * F), [1, T - 1, F]);
    const row0 = (t: wl.Tensor) => wl.tensor(t.dataSync().slice(0, u), [1, u]);
    const expected = ((await plain.predict([rest, row0(hv), row0(cv)])) as wl.Tensor).dataSync();
    expectNear(out.slice(u, T * u), expected, 1e-6, 1e-6, 'steps after the leading masked step');
    await model.dispose();
  });
});

describe('Bidirectional with a mask', () => {
  for (const mergeMode of ['concat', 'sum', 'mul', 'ave', null] as const) {
    it(`Bidirectional(LSTM, ${mergeMode}) returnSequences: zeros at every masked position; the rest = float64 reference`, async () => {
      const { B, T: steps, F: features } = DIMS;
      const c: RecurrentCase = { kind: 'lstm', units: 4, bidirectional: mergeMode, returnSequences: true, goBackwards: false, masking: true, initialState: false };
      const x = wl.input({ shape: [steps, features] });
      const bi = wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 4, returnSequences: true, name: 'rnn' }), mergeMode, name: 'bi' });
      const outs = bi.apply(wl.layers.masking().apply(x) as wl.SymbolicTensor);
      const model = wl.model({ inputs: x, outputs: outs });
      const mask = maskPattern(B, steps);
      const xv = f32Values(rng(35), B * steps * features);
      for (let r = 0; r < B * steps; r++) if (!mask[r]) xv.fill(0, r * features, (r + 1) * features);
      const ys = [(await model.predict(wl.tensor(Float32Array.from(xv), [B, steps, features])))].flat() as wl.Tensor[];
      const ref = referenceLayer(c, weightsByName(model), { x: xv, mask, s: null, ys: [] });
      ys.forEach((y, k) => {
        const v = y.dataSync();
        const width = v.length / (B * steps);
        for (let r = 0; r < B * steps; r++) {
          if (!mask[r]) expect([...v.slice(r * width, (r + 1) * width)], `output ${k}, masked step ${r % steps} of sample ${Math.floor(r / steps)}`).toEqual(new Array(width).fill(0));
        }
        expectNear(v, ref[k], 1e-5, 0.1, `output ${k} vs float64`);
      });
      await model.dispose();
    });
  }

  it('Bidirectional(GRU) without returnSequences: the last valid forward output and the backward output after reading the first valid step', async () => {
    const { B, T: steps, F: features } = DIMS;
    const c: RecurrentCase = { kind: 'gru', units: 4, bidirectional: 'concat', returnSequences: false, goBackwards: false, masking: true, initialState: false };
    const x = wl.input({ shape: [steps, features] });
    const bi = wl.layers.bidirectional({ layer: wl.layers.gru({ units: 4, name: 'rnn' }), name: 'bi' });
    const model = wl.model({ inputs: x, outputs: bi.apply(wl.layers.masking().apply(x) as wl.SymbolicTensor) as wl.SymbolicTensor });
    const mask = maskPattern(B, steps);
    const xv = f32Values(rng(36), B * steps * features);
    for (let r = 0; r < B * steps; r++) if (!mask[r]) xv.fill(0, r * features, (r + 1) * features);
    const y = (await model.predict(wl.tensor(Float32Array.from(xv), [B, steps, features]))) as wl.Tensor;
    const ref = referenceLayer(c, weightsByName(model), { x: xv, mask, s: null, ys: [] });
    expectNear(y.dataSync(), ref[0], 1e-5, 0.1, 'vs float64');
    await model.dispose();
  });
});
