// A two-input, two-output functional model — a Dense shared by both inputs, one output through a
// GRU, loss weights — against a float64 reference: the forward pass, the weighted loss, every
// weight's gradient by central finite differences, and one RMSprop step; in process and on 2
// workers (bit-identical reruns, 1 vs 2 workers within 1e-5).
import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { denseRef, meanCrossentropyRef, meanSquaredErrorRef } from '../reference/dense.js';
import { gruForwardRef } from '../reference/gru.js';
import { numericGradient } from '../reference/finite-difference.js';
import { rmspropRef } from '../reference/optimizers.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';

const B = 13, T = 5, F = 3, H = 4, U = 3;
const LOSS_WEIGHTS = { tags: 1, score: 0.5 };

function build(): wl.LayersModel {
  const seq = wl.input({ shape: [T, F], name: 'seq' });
  const side = wl.input({ shape: [F], name: 'side' });
  const shared = wl.layers.dense({ units: H, activation: 'tanh', name: 'shared' });
  const recurrent = wl.layers.gru({ units: U, name: 'gru' }).apply(shared.apply(seq));
  const tags = wl.layers.dense({ units: 2, activation: 'softmax', name: 'tags' }).apply(recurrent);
  const score = wl.layers.dense({ units: 1, name: 'score' }).apply(shared.apply(side));
  const model = wl.model({ inputs: [seq, side], outputs: [tags, score] });
  model.compile({ loss: ['categoricalCrossentropy', 'mse'], lossWeights: LOSS_WEIGHTS, optimizer: 'rmsprop' });
  return model;
}

/** Non-zero weights (biases included), the same for every build. */
function weights(model: wl.LayersModel): wl.Tensor[] {
  wl.setSeed(5);
  return model.getWeights().map((w) => wl.randomUniform(w.shape, -0.6, 0.6));
}

function data() {
  wl.setSeed(9);
  const seq = wl.randomUniform([B, T, F], -1, 1);
  const side = wl.randomUniform([B, F], -1, 1);
  const tags = wl.oneHot(Array.from({ length: B }, (_, i) => (i * 7) % 2), 2);
  const score = wl.randomUniform([B, 1], -1, 1);
  return { x: [seq, side], y: { tags, score } };
}

/** The model in float64: weights in getWeights() order (shared kernel, bias; gru ×3; tags ×2; score ×2). */
function reference(w: Float64Array[], x: wl.Tensor[], y: { tags: wl.Tensor; score: wl.Tensor }) {
  const [sk, sb, gk, grk, gb, tk, tb, ck, cb] = w;
  const hidden = denseRef(x[0].dataSync(), B * T, F, sk, sb, H, 'tanh');
  const h = gruForwardRef(hidden, [B, T, H], { kernel: gk, recurrentKernel: grk, bias: gb }, {
    units: U, resetAfter: true, recurrentActivation: 'sigmoid', activation: 'tanh', goBackwards: false, returnSequences: false,
  }).out;
  const tags = denseRef(h, B, U, tk, tb, 2, 'softmax');
  const score = denseRef(denseRef(x[1].dataSync(), B, F, sk, sb, H, 'tanh'), B, H, ck, cb, 1);
  const tagsLoss = meanCrossentropyRef(tags, y.tags.dataSync(), 2);
  const scoreLoss = meanSquaredErrorRef(score, y.score.dataSync());
  return { tags, score, tagsLoss, scoreLoss, loss: LOSS_WEIGHTS.tags * tagsLoss + LOSS_WEIGHTS.score * scoreLoss };
}

async function trainOnce(workers: wl.WorkersOption) {
  wl.clearSession();
  const model = build();
  const initial = weights(model);
  model.setWeights(initial);
  const { x, y } = data();
  const history = await model.fit(x, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers });
  const after = model.getWeights().map((t) => t.dataSync());
  await model.dispose();
  return { history, after, initial };
}

describe('a two-input, two-output model with a shared layer and loss weights', () => {
  beforeEach(() => wl.clearSession());
  afterAll(() => wl.shutdown());

  it('lists the shared layer once, connects it twice, and names its outputs', () => {
    const model = build();
    expect(model.inputNames).toEqual(['seq', 'side']);
    expect(model.outputNames).toEqual(['tags', 'score']);
    expect(model.layers.map((l) => l.name)).toEqual(['seq', 'side', 'shared', 'gru', 'tags', 'score']);
    // shared: 3·4 + 4; gru (reset_after): 3·(4·3 + 3·3 + 2·3); tags: 3·2 + 2; score: 4 + 1
    expect(model.countParams()).toBe(16 + 81 + 8 + 5);
    expect(model.getWeights()).toHaveLength(9);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    const shared = lines.findIndex((l) => l.startsWith('shared (Dense)'));
    expect(lines[shared]).toContain('multiple');
    expect(lines[shared]).toContain('seq[0][0]');
    expect(lines[shared + 1].trim()).toBe('side[0][0]');
    expect(lines.find((l) => l.startsWith('score (Dense)'))).toContain('shared[1][0]');
  });

  it('predicts, evaluates and has gradients as the float64 reference does', async () => {
    const model = build();
    model.setWeights(weights(model));
    const { x, y } = data();
    const w64 = model.getWeights().map((t) => Float64Array.from(t.dataSync()));
    const ref = reference(w64, x, y);
    const [tags, score] = (await model.predict(x, { workers: 0 })) as wl.Tensor[];
    expect(tags.shape).toEqual([B, 2]);
    expect(score.shape).toEqual([B, 1]);
    expectClose(tags.dataSync(), ref.tags, { tol: 1e-5, scale: 0.1, label: 'tags' });
    expectClose(score.dataSync(), ref.score, { tol: 1e-5, scale: 0.1, label: 'score' });
    // Keras's order: the total, each output's loss
    const evaluated = ((await model.evaluate(x, y, { workers: 0 })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
    expectClose(evaluated, [ref.loss, ref.tagsLoss, ref.scoreLoss], { tol: 1e-5, scale: 0.1, label: 'evaluate' });
    // gradients: one SGD step of learning rate 1 moves each weight by −dL/dw
    model.compile({ loss: { tags: 'categoricalCrossentropy', score: 'meanSquaredError' }, lossWeights: LOSS_WEIGHTS, optimizer: wl.optimizers.sgd({ learningRate: 1 }) });
    await model.fit(x, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const moved = model.getWeights().map((t, i) => Array.from(t.dataSync(), (v, k) => w64[i][k] - v));
    w64.forEach((w, i) => {
      const fd = numericGradient(() => reference(w64, x, y).loss, w);
      const rms = Math.sqrt(fd.reduce((s, g) => s + g * g, 0) / fd.length);
      expect(rms, `weight ${i} has a gradient`).toBeGreaterThan(1e-5);
      expectClose(moved[i], fd, { tol: 2e-4, scale: rms, label: `gradient of weight ${i}` });
    });
    await model.dispose();
  });

  it('one RMSprop step equals the reference, in process and on 2 workers; reruns are bit-identical', async () => {
    const here = await trainOnce(0);
    const { x, y } = data();
    const w64 = here.initial.map((t) => Float64Array.from(t.dataSync()));
    const ref = reference(w64, x, y);
    expectClose(here.history.history.loss, [ref.loss], { tol: 1e-5, scale: 0.1, label: 'loss' });
    expectClose(here.history.history.tags_loss, [ref.tagsLoss], { tol: 1e-5, scale: 0.1, label: 'tags_loss' });
    expectClose(here.history.history.score_loss, [ref.scoreLoss], { tol: 1e-5, scale: 0.1, label: 'score_loss' });
    w64.forEach((w, i) => {
      const g = numericGradient(() => reference(w64, x, y).loss, w);
      const p = Float64Array.from(w);
      rmspropRef(p, g, { v: new Float64Array(p.length), m: new Float64Array(p.length), mg: new Float64Array(p.length) }, { lr: 0.001, rho: 0.9, eps: 1e-7, momentum: 0, centered: false });
      // an RMSprop first step moves each weight by ≈ lr·sign(g): compare the steps
      expectClose(here.after[i].map((v, k) => v - w[k]), p.map((v, k) => v - w[k]), { tol: 2e-3, scale: 1e-3, label: `RMSprop step of weight ${i}` });
    });
    const two = await trainOnce(2);
    const again = await trainOnce(2);
    two.after.forEach((w, i) => {
      expectIdentical(w, again.after[i], `rerun on 2 workers, weight ${i}`);
      expectClose(w, here.after[i], { tol: 1e-5, scale: 1, label: `2 workers vs in process, weight ${i}` });
    });
    expectClose(two.history.history.loss, here.history.history.loss, { tol: 1e-5, scale: 0.1, label: 'loss on 2 workers' });
  });

  it('saves and loads in the TF.js layers format with its connections', async () => {
    const model = build();
    model.setWeights(weights(model));
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    const { x } = data();
    const [a, b] = (await model.predict(x, { workers: 0 })) as wl.Tensor[];
    const [c, d] = (await loaded.predict(x, { workers: 0 })) as wl.Tensor[];
    expectIdentical(c.dataSync(), a.dataSync(), 'tags');
    expectIdentical(d.dataSync(), b.dataSync(), 'score');
    expect(loaded.outputNames).toEqual(['tags', 'score']);
    await model.dispose();
    await loaded.dispose();
  });

  it('refuses bad data by name before any work', async () => {
    const model = build();
    const { x, y } = data();
    await expect(model.fit(x[0], y)).rejects.toThrow('The model has 2 inputs (seq, side), but 1 array was given');
    await expect(model.fit([x[0]], y)).rejects.toThrow('The model has 2 inputs (seq, side), but 1 array was given');
    await expect(model.fit(x, { tags: y.tags })).rejects.toThrow('The targets object lacks "score"');
    await expect(model.fit(x, { ...y, other: y.score })).rejects.toThrow('Unknown target name "other"');
    await expect(model.fit([x[0], wl.randomUniform([B - 1, F])], y)).rejects.toThrow('same number of samples');
    await expect(model.fit(x, y, { verbose: 0 }).then(() => model.predict([x[0], wl.tensor(new Int32Array(B * F), [B, F])]))).rejects.toThrow('expected side to be float32, but got an array of dtype int32');
    expect(() => model.compile({ loss: ['mse'], optimizer: 'sgd' })).toThrow('loss has 1 entries, but the model has 2 outputs (tags, score)');
    expect(() => model.compile({ loss: { tags: 'mse', nope: 'mse' } as never, optimizer: 'sgd' })).toThrow('"nope", which is not an output');
    await model.dispose();
  });

  it('refuses graphs that are not models, naming the tensors', () => {
    const a = wl.input({ shape: [3], name: 'a' });
    const unused = wl.input({ shape: [3], name: 'unused' });
    const out = wl.layers.dense({ units: 2 }).apply(a);
    expect(() => wl.model({ inputs: [a, unused], outputs: out })).toThrow('Model input unused (None, 3) is not connected to any output');
    const stray = wl.input({ shape: [3], name: 'stray' });
    const mixed = wl.layers.dense({ units: 2, name: 'mixed' }).apply(stray);
    expect(() => wl.model({ inputs: a, outputs: [out, mixed] })).toThrow('Graph disconnected: cannot obtain value for tensor stray');
    expect(() => wl.model({ inputs: out, outputs: out })).toThrow('must come from wl.input()');
    expect(() => wl.layers.dense({ units: 2 }).apply([a, stray])).toThrow('takes 1 input, but it was called on 2');
    const ids = wl.input({ shape: [3], dtype: 'int32', name: 'ids' });
    expect(() => wl.layers.dense({ units: 2 }).apply(ids)).toThrow('must be float32, but ids is int32');
  });
});
