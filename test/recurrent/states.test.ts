// Recurrent layers' states through the public API (shared/SPEC-LAYERS.md §1.2-1.4, §5.3):
// returnState output lists and shapes (each layer kind and Bidirectional, merged and mergeMode null),
// the final h equal to the last output, initialState through the apply option and through the input
// list, models with initial states surviving save/load, and stateful layers (fixed batch): two
// consecutive calls on the halves of a sequence equal one call on the whole, resetStates() (layer and
// model), explicit states, and fit carrying the states from one batch to the next.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { lstmForwardRef } from '../reference/lstm.js';
import { expectNear, f32Values, rng } from '../net/support.js';

const [B, T, F] = [3, 6, 4];

type Kind = 'lstm' | 'gru' | 'simpleRNN';
const STATES: Record<Kind, number> = { lstm: 2, gru: 1, simpleRNN: 1 };

function rnn(kind: Kind, args: Record<string, unknown>): wl.Layer {
  const a = args as { units: number };
  return kind === 'lstm' ? wl.layers.lstm(a) : kind === 'gru' ? wl.layers.gru(a) : wl.layers.simpleRNN(a);
}

function list(outputs: wl.SymbolicTensor | wl.SymbolicTensor[]): wl.SymbolicTensor[] {
  if (!Array.isArray(outputs)) throw new Error(`expected a list of outputs, got one tensor ${outputs.name}`);
  return outputs;
}

function tensors(out: wl.Tensor | wl.Tensor[]): wl.Tensor[] {
  return Array.isArray(out) ? out : [out];
}

function data(seed: number, shape: number[]): wl.Tensor {
  return wl.tensor(Float32Array.from(f32Values(rng(seed), shape.reduce((a, b) => a * b, 1))), shape);
}

/** Rows [from, to) of the time axis of a (B, T, F) tensor. */
function timeSlice(x: wl.Tensor, from: number, to: number): wl.Tensor {
  const [b, t, f] = x.shape;
  const v = x.dataSync();
  const out = new Float32Array(b * (to - from) * f);
  for (let i = 0; i < b; i++) out.set(v.subarray((i * t + from) * f, (i * t + to) * f), i * (to - from) * f);
  return wl.tensor(out, [b, to - from, f]);
}

/** Sample rows [from, to) of a tensor. */
function rows(x: wl.Tensor, from: number, to: number): wl.Tensor {
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return wl.tensor(Float32Array.from(x.dataSync().subarray(from * per, to * per)), [to - from, ...x.shape.slice(1)]);
}

/** Values at step t of a (B, T, u) tensor: (B, u). */
function step(y: wl.Tensor, t: number): Float32Array {
  const [b, steps, u] = y.shape;
  const v = y.dataSync();
  const out = new Float32Array(b * u);
  for (let i = 0; i < b; i++) out.set(v.subarray((i * steps + t) * u, (i * steps + t + 1) * u), i * u);
  return out;
}

const exact = (a: wl.Tensor | ArrayLike<number>, b: wl.Tensor | ArrayLike<number>, label: string) => {
  const av = 'dataSync' in a ? a.dataSync() : a;
  const bv = 'dataSync' in b ? b.dataSync() : b;
  expectNear(av, bv, 1e-6, 1e-6, label);
};

beforeEach(() => {
  wl.clearSession();
  wl.setSeed(4321);
});

describe('returnState: output lists and shapes', () => {
  for (const kind of ['lstm', 'gru', 'simpleRNN'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${kind} returnSequences ${returnSequences}: [output, ${kind === 'lstm' ? 'h, c' : 'h'}], each state (batch, units); the final h is the last output`, async () => {
        const u = 5;
        const x = wl.input({ shape: [T, F] });
        const outs = list(rnn(kind, { units: u, returnState: true, returnSequences }).apply(x));
        expect(outs.length).toBe(1 + STATES[kind]);
        expect(outs[0].shape).toEqual(returnSequences ? [null, T, u] : [null, u]);
        for (const s of outs.slice(1)) expect(s.shape).toEqual([null, u]);
        const model = wl.model({ inputs: x, outputs: outs });
        const ys = tensors(await model.predict(data(1, [B, T, F])));
        expect(ys.map((y) => y.shape)).toEqual([returnSequences ? [B, T, u] : [B, u], ...outs.slice(1).map(() => [B, u])]);
        exact(ys[1], returnSequences ? step(ys[0], T - 1) : ys[0].dataSync(), 'final h = last output');
        await model.dispose();
      });
    }
  }

  it('Bidirectional(LSTM, concat): [out (2u), h_f, c_f, h_b, c_b]; h_f is the forward half of the last step, h_b the backward half of step 0', async () => {
    const u = 4;
    const x = wl.input({ shape: [T, F] });
    const outs = list(wl.layers.bidirectional({ layer: wl.layers.lstm({ units: u, returnState: true, returnSequences: true }) }).apply(x));
    expect(outs.map((o) => o.shape)).toEqual([[null, T, 2 * u], [null, u], [null, u], [null, u], [null, u]]);
    const model = wl.model({ inputs: x, outputs: outs });
    const [y, hf, , hb] = tensors(await model.predict(data(2, [B, T, F])));
    const last = step(y, T - 1), first = step(y, 0);
    const half = (v: Float32Array, k: number) => Float32Array.from({ length: B * u }, (_, i) => v[Math.floor(i / u) * 2 * u + k * u + (i % u)]);
    exact(hf, half(last, 0), 'h_f = forward half at the last step');
    exact(hb, half(first, 1), 'h_b = backward half at step 0');
    await model.dispose();
  });

  it('Bidirectional(GRU, mergeMode null): [y, y_rev, h_f, h_b]', async () => {
    const u = 3;
    const x = wl.input({ shape: [T, F] });
    const outs = list(wl.layers.bidirectional({ layer: wl.layers.gru({ units: u, returnState: true }), mergeMode: null }).apply(x));
    expect(outs.map((o) => o.shape)).toEqual([[null, u], [null, u], [null, u], [null, u]]);
    const model = wl.model({ inputs: x, outputs: outs });
    const [y, yRev, hf, hb] = tensors(await model.predict(data(3, [B, T, F])));
    exact(hf, y, 'h_f = y');
    exact(hb, yRev, 'h_b = y_rev');
    await model.dispose();
  });

  it('Bidirectional(SimpleRNN, sum, returnSequences false): [out (u), h_f, h_b] with out = h_f + h_b', async () => {
    const u = 3;
    const x = wl.input({ shape: [T, F] });
    const outs = list(wl.layers.bidirectional({ layer: wl.layers.simpleRNN({ units: u, returnState: true }), mergeMode: 'sum' }).apply(x));
    expect(outs.map((o) => o.shape)).toEqual([[null, u], [null, u], [null, u]]);
    const model = wl.model({ inputs: x, outputs: outs });
    const [y, hf, hb] = tensors(await model.predict(data(4, [B, T, F])));
    exact(y, hf.dataSync().map((v, i) => v + hb.dataSync()[i]), 'out = h_f + h_b');
    await model.dispose();
  });
});

describe('initialState', () => {
  /** x and [h, c] inputs into an LSTM, the states given one way or the other. */
  function lstmWithStates(how: 'option' | 'list', layerName: string): wl.LayersModel {
    const x = wl.input({ shape: [T, F], name: 'x' });
    const h = wl.input({ shape: [5], name: 'h0' });
    const c = wl.input({ shape: [5], name: 'c0' });
    const layer = wl.layers.lstm({ units: 5, returnSequences: true, name: layerName });
    const y = how === 'option' ? layer.apply(x, { initialState: [h, c] }) : layer.apply([x, h, c]);
    return wl.model({ inputs: [x, h, c], outputs: y as wl.SymbolicTensor });
  }

  it('apply(x, {initialState: [h, c]}) and apply([x, h, c]) make the same model', async () => {
    const a = lstmWithStates('option', 'lstm_a');
    const b = lstmWithStates('list', 'lstm_b');
    b.setWeights(a.getWeights());
    const inputs = [data(5, [B, T, F]), data(6, [B, 5]), data(7, [B, 5])];
    const [ya, yb] = [await a.predict(inputs), await b.predict(inputs)] as wl.Tensor[];
    exact(ya, yb, 'predict');
    // the states matter: zeros give another output
    const zeros = await a.predict([inputs[0], wl.zeros([B, 5]), wl.zeros([B, 5])]) as wl.Tensor;
    expect(Math.max(...ya.dataSync().map((v, i) => Math.abs(v - zeros.dataSync()[i])))).toBeGreaterThan(1e-3);
    const layerConfig = (m: wl.LayersModel) => (m.getConfig().layers as { class_name: string; inbound_nodes: unknown }[]).find((l) => l.class_name === 'LSTM')!.inbound_nodes;
    expect(layerConfig(a)).toEqual(layerConfig(b));
    // the states are the layer's: the predictions match the float64 LSTM started from them
    const [k, rk, bias] = a.getWeights().map((w) => Float64Array.from(w.dataSync()));
    const ref = lstmForwardRef(
      { x: inputs[0].dataSync(), shape: [B, T, F], initialState: [Float64Array.from(inputs[1].dataSync()), Float64Array.from(inputs[2].dataSync())] },
      { kernel: k, recurrentKernel: rk, bias }, { units: 5, recurrentActivation: 'sigmoid', activation: 'tanh', returnSequences: true, goBackwards: false },
    );
    expectNear(ya.dataSync(), ref.out, 1e-5, 1e-3, 'vs float64 LSTM from [h0, c0]');
    await a.dispose();
    await b.dispose();
  });

  it('encoder LSTM → [h, c] → decoder LSTM initialState, Dense(h) → Bidirectional(GRU) initialState: survives save/load (file://, memory) and trains the same', async () => {
    const enc = wl.input({ shape: [T, F], name: 'enc' });
    const dec = wl.input({ shape: [4, 2], name: 'dec' });
    const [, h, c] = list(wl.layers.lstm({ units: 6, returnState: true, name: 'encoder' }).apply(enc));
    const seq = wl.layers.lstm({ units: 6, returnSequences: true, name: 'decoder' }).apply(dec, { initialState: [h, c] }) as wl.SymbolicTensor;
    const bi = wl.layers.bidirectional({ layer: wl.layers.gru({ units: 3 }), name: 'bi' });
    const s = wl.layers.dense({ units: 3, activation: 'tanh', name: 's' }).apply(h) as wl.SymbolicTensor;
    const last = bi.apply(seq, { initialState: [s, s] }) as wl.SymbolicTensor;
    const out = wl.layers.dense({ units: 2, name: 'out' }).apply(last) as wl.SymbolicTensor;
    const model = wl.model({ inputs: [enc, dec], outputs: out });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const xs = [data(8, [B, T, F]), data(9, [B, 4, 2])];
    const expected = (await model.predict(xs)) as wl.Tensor;

    const dir = await mkdtemp(join(tmpdir(), 'wl-recurrent-states-'));
    try {
      await model.save(`file://${dir}`);
      const loaded = await wl.loadLayersModel(`file://${join(dir, 'model.json')}`);
      exact((await loaded.predict(xs)) as wl.Tensor, expected, 'loaded from file');
      expect(loaded.getConfig().layers).toEqual(model.getConfig().layers);
      await loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const memory = wl.io.fromMemory();
    await model.save(memory, { includeOptimizer: true }); // (as tfjs: the training config only with the optimizer)
    const again = await wl.loadLayersModel(memory);
    exact((await again.predict(xs)) as wl.Tensor, expected, 'loaded from memory');
    // the loaded model trains (gradients into the states' sources) like the original
    const y = data(10, [B, 2]);
    await model.fit(xs, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    await again.fit(xs, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const wa = model.getWeights(), wb = again.getWeights();
    wa.forEach((w, i) => exact(wb[i], w, `weight ${model.weights[i].name} after one step`));
    await again.dispose();
    await model.dispose();
  });
});

describe('stateful', () => {
  const HALF = T / 2;

  /** A stateful (B, HALF, F) model and a non-stateful (B, T, F) twin with the same weights. */
  function statefulPair(kind: Kind, how: 'batchInputShape' | 'batchSize' | 'input', returnSequences = true) {
    const u = 5;
    const args = { units: u, returnSequences, stateful: true, name: `${kind}_stateful` };
    let stateful: wl.LayersModel;
    if (how === 'input') {
      const x = wl.input({ batchShape: [B, HALF, F] });
      stateful = wl.model({ inputs: x, outputs: rnn(kind, args).apply(x) as wl.SymbolicTensor });
    } else {
      const shapeArgs = how === 'batchInputShape' ? { batchInputShape: [B, HALF, F] } : { inputShape: [HALF, F], batchSize: B };
      stateful = wl.sequential({ layers: [rnn(kind, { ...args, ...shapeArgs })] });
    }
    const twin = wl.sequential({ layers: [rnn(kind, { units: u, returnSequences, inputShape: [T, F], name: `${kind}_plain` })] });
    twin.setWeights(stateful.getWeights());
    return { stateful, twin };
  }

  for (const [kind, how] of [['lstm', 'batchInputShape'], ['gru', 'batchSize'], ['simpleRNN', 'input']] as const) {
    it(`${kind} (${how}): two calls on the halves equal one call on the whole; resetStates() starts again`, async () => {
      const { stateful, twin } = statefulPair(kind, how);
      const layer = stateful.layers.at(-1) as wl.Recurrent;
      expect(layer.stateful).toBe(true);
      expect(stateful.weights.length, 'the carried states are not weights').toBe(3);
      const x = data(11, [B, T, F]);
      const whole = (await twin.predict(x)) as wl.Tensor;
      const first = (await stateful.predict(timeSlice(x, 0, HALF))) as wl.Tensor;
      const second = (await stateful.predict(timeSlice(x, HALF, T))) as wl.Tensor;
      exact(first, timeSlice(whole, 0, HALF), 'first half');
      exact(second, timeSlice(whole, HALF, T), 'second half continues from the first');
      layer.resetStates();
      exact((await stateful.predict(timeSlice(x, 0, HALF))) as wl.Tensor, first, 'after layer.resetStates()');
      stateful.resetStates();
      exact((await stateful.predict(timeSlice(x, 0, HALF))) as wl.Tensor, first, 'after model.resetStates()');
      exact((await stateful.predict(timeSlice(x, HALF, T))) as wl.Tensor, second, 'and the second half again');
      await stateful.dispose();
      await twin.dispose();
    });
  }

  it('LSTM resetStates([h, c]) starts from the given states (tfjs), like initialState', async () => {
    const { stateful } = statefulPair('lstm', 'batchInputShape', false);
    const x = wl.input({ shape: [HALF, F] });
    const h = wl.input({ shape: [5] }), c = wl.input({ shape: [5] });
    const plain = wl.model({ inputs: [x, h, c], outputs: wl.layers.lstm({ units: 5 }).apply(x, { initialState: [h, c] }) as wl.SymbolicTensor });
    plain.setWeights(stateful.getWeights());
    const [xv, hv, cv] = [data(12, [B, HALF, F]), data(13, [B, 5]), data(14, [B, 5])];
    (stateful.layers[0] as wl.LSTM).resetStates([hv, cv]);
    exact((await stateful.predict(xv)) as wl.Tensor, (await plain.predict([xv, hv, cv])) as wl.Tensor, 'stateful from [h, c] vs initialState');
    await stateful.dispose();
    await plain.dispose();
  });

  it('fit (batches of the fixed size, shuffle false) carries the states from batch to batch: same weights as two steps from explicit states', async () => {
    const u = 5;
    // the stateful model
    const stateful = wl.sequential({
      layers: [wl.layers.lstm({ units: u, stateful: true, batchInputShape: [B, HALF, F] }), wl.layers.dense({ units: 2 })],
    });
    stateful.compile({ loss: 'mse', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }) });
    // the twin: the same LSTM with its states as inputs, and a view of its final states
    const x = wl.input({ shape: [HALF, F] });
    const h0 = wl.input({ shape: [u] }), c0 = wl.input({ shape: [u] });
    const [out, h, c] = list(wl.layers.lstm({ units: u, returnState: true }).apply(x, { initialState: [h0, c0] }));
    const y = wl.layers.dense({ units: 2 }).apply(out) as wl.SymbolicTensor;
    const twin = wl.model({ inputs: [x, h0, c0], outputs: y });
    const statesOf = wl.model({ inputs: [x, h0, c0], outputs: [h, c] });
    twin.compile({ loss: 'mse', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }) });
    twin.setWeights(stateful.getWeights());

    const xs = data(15, [2 * B, HALF, F]);
    const ys = data(16, [2 * B, 2]);
    const [x1, x2] = [rows(xs, 0, B), rows(xs, B, 2 * B)];
    const [y1, y2] = [rows(ys, 0, B), rows(ys, B, 2 * B)];
    const zero = wl.zeros([B, u]);

    const history = await stateful.fit(xs, ys, { batchSize: B, epochs: 1, shuffle: false, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);

    // the twin: batch 1 from zeros, then batch 2 from batch 1's final states (at the weights before step 1)
    const s1 = tensors(await statesOf.predict([x1, zero, zero]));
    await twin.fit([x1, zero, zero], y1, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const s2 = tensors(await statesOf.predict([x2, s1[0], s1[1]])); // at the weights before step 2
    await twin.fit([x2, s1[0], s1[1]], y2, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const wa = stateful.getWeights(), wb = twin.getWeights();
    wa.forEach((w, i) => expectNear(w.dataSync(), wb[i].dataSync(), 1e-5, 1e-4, `weight ${i} after two steps`));

    // and the states after fit are batch 2's final states: predict continues from them
    const x3 = data(17, [B, HALF, F]);
    const next = (await stateful.predict(x3)) as wl.Tensor;
    const expected = (await twin.predict([x3, s2[0], s2[1]])) as wl.Tensor;
    expectNear(next.dataSync(), expected.dataSync(), 1e-5, 1e-4, 'predict after fit continues from the states fit left');
    // a control: from zero states it differs
    stateful.resetStates();
    const fromZero = (await stateful.predict(x3)) as wl.Tensor;
    expect(Math.max(...fromZero.dataSync().map((v, i) => Math.abs(v - next.dataSync()[i])))).toBeGreaterThan(1e-4);
    await stateful.dispose();
    await twin.dispose();
  });

  it('Bidirectional(stateful GRU): resetStates() on the wrapper and the model bring the first call back', async () => {
    const model = wl.sequential({
      layers: [wl.layers.bidirectional({ layer: wl.layers.gru({ units: 4, stateful: true }), batchInputShape: [B, HALF, F] })],
    });
    const x = data(18, [B, HALF, F]);
    const first = (await model.predict(x)) as wl.Tensor;
    const second = (await model.predict(x)) as wl.Tensor;
    expect(Math.max(...first.dataSync().map((v, i) => Math.abs(v - second.dataSync()[i]))), 'the states carried').toBeGreaterThan(1e-4);
    (model.layers[0] as wl.Bidirectional).resetStates();
    exact((await model.predict(x)) as wl.Tensor, first, 'after Bidirectional.resetStates()');
    await model.predict(x);
    model.resetStates();
    exact((await model.predict(x)) as wl.Tensor, first, 'after model.resetStates()');
    await model.dispose();
  });
});
