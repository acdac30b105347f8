// Keras 3 golden values for the merging layers: shared/keras3/<case>/case.json, written by Keras
// 3.15.1 (TensorFlow backend; the Python that built each model is the case's `keras_code`, repeated
// above each build below), checked by the runner of test/helpers/keras3-runner.ts (outputs, loss, one
// SGD and one RMSprop step, parameter counts; both cases also on the worker pool).
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { formatErrorReport, loadCase } from '../helpers/keras3-case.js';
import { defineKeras3Cases, outputsOf, type CaseSpec } from '../helpers/keras3-runner.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  if (process.env.KERAS3_REPORT) console.log(formatErrorReport());
  await resetPool();
});

const one = (t: wl.SymbolicTensor | wl.SymbolicTensor[]): wl.SymbolicTensor => {
  if (Array.isArray(t)) throw new Error(`expected one output, got ${t.length}`);
  return t;
};

const CASES: CaseSpec[] = [
  {
    // a = keras.Input(shape=(4,)); b = keras.Input(shape=(3,))
    // da = layers.Dense(5, activation="tanh")(a); db = layers.Dense(5, activation="tanh")(b)
    // m = layers.Concatenate()([layers.Add()([da, db]), layers.Multiply()([da, db]), layers.Average()([da, db])])
    // out = layers.Dense(3, activation="softmax")(m)
    // model = keras.Model([a, b], out)                          loss categorical_crossentropy
    name: 'merges_add_multiply_average',
    pool: true,
    build: () => {
      const a = wl.input({ shape: [4] });
      const b = wl.input({ shape: [3] });
      const da = one(wl.layers.dense({ units: 5, activation: 'tanh' }).apply(a));
      const db = one(wl.layers.dense({ units: 5, activation: 'tanh' }).apply(b));
      const merged = [wl.layers.add(), wl.layers.multiply(), wl.layers.average()].map((l) => one(l.apply([da, db])));
      const m = one(wl.layers.concatenate().apply(merged));
      return wl.model({ inputs: [a, b], outputs: one(wl.layers.dense({ units: 3, activation: 'softmax' }).apply(m)) });
    },
  },
  {
    // enc_in = keras.Input(shape=(6, 4)); dec_in = keras.Input(shape=(5, 3))
    // enc, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(enc_in)
    // dec = layers.LSTM(5, return_sequences=True)(dec_in, initial_state=[h, c])
    // att = layers.Dot(axes=[2, 2])([dec, enc])
    // att = layers.Activation("softmax")(att)
    // context = layers.Dot(axes=[2, 1])([att, enc])
    // comb = layers.Concatenate()([context, dec])
    // out = layers.TimeDistributed(layers.Dense(5, activation="tanh"))(comb)
    // out = layers.TimeDistributed(layers.Dense(3, activation="softmax"))(out)
    // model = keras.Model([enc_in, dec_in], out)                 loss categorical_crossentropy
    name: 'luong_attention',
    pool: true,
    build: luongAttention,
  },
];

/** The date-conversion example's Luong attention (the luong_attention case's model). */
function luongAttention(): wl.LayersModel {
  const encIn = wl.input({ shape: [6, 4] });
  const decIn = wl.input({ shape: [5, 3] });
  const [enc, h, c] = outputsOf(wl.layers.lstm({ units: 5, returnSequences: true, returnState: true }).apply(encIn));
  const dec = one(wl.layers.lstm({ units: 5, returnSequences: true }).apply(decIn, { initialState: [h, c] }));
  const scores = one(wl.layers.dot({ axes: [2, 2] }).apply([dec, enc]));
  const att = one(wl.layers.activation({ activation: 'softmax' }).apply(scores));
  const context = one(wl.layers.dot({ axes: [2, 1] }).apply([att, enc]));
  const comb = one(wl.layers.concatenate().apply([context, dec]));
  const hidden = one(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 5, activation: 'tanh' }) }).apply(comb));
  const out = one(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3, activation: 'softmax' }) }).apply(hidden));
  return wl.model({ inputs: [encIn, decIn], outputs: out });
}

describe('Keras 3 golden values, merging layers (shared/keras3)', () => {
  defineKeras3Cases(CASES);

  it("the cases' Keras code is what the builds above transcribe", () => {
    expect(loadCase('luong_attention').keras_code).toContain('layers.Dot(axes=[2, 2])([dec, enc])');
    expect(loadCase('luong_attention').keras_code).toContain('layers.Dot(axes=[2, 1])([att, enc])');
    expect(loadCase('merges_add_multiply_average').keras_code).toContain('layers.Concatenate()([layers.Add()([da, db]), layers.Multiply()([da, db]), layers.Average()([da, db])])');
    expect([loadCase('luong_attention').loss, loadCase('merges_add_multiply_average').loss]).toEqual(['categorical_crossentropy', 'categorical_crossentropy']);
  });

  it('the Luong attention model trains: the loss falls over 30 epochs of fit', async () => {
    const c = loadCase('luong_attention');
    const model = luongAttention();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.adam({ learningRate: 0.02 }) });
    const x = c.inputs.map((a) => wl.tensor(Float32Array.from(a.data), a.shape));
    const y = wl.tensor(Float32Array.from(c.targets[0].data), c.targets[0].shape);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 4, verbose: 0, workers: 0 });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    await model.dispose();
  });
});
