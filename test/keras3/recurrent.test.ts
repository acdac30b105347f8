// Keras 3 golden values for the recurrent layers: shared/keras3/<case>/case.json, written by Keras
// 3.15.1 (TensorFlow backend; the Python that built each model is the case's `keras_code`, repeated
// above each build below). Each model is built with the JS API, given the case's initial weights
// (get_weights() order), and checked within 2e-5 (absolute) against:
//   outputs                model.predict(inputs)                       (inference)
//   loss_value             model.evaluate(inputs, targets)
//   weights_after_sgd      one fit step, SGD(sgd_learning_rate), batch = B, shuffle off
//                          (w − lr·g: checks the gradients)
//   weights_after_rmsprop  one fit step from the initial weights, RMSprop() at Keras's defaults
// and countParams() against the case's weight sizes. Every case runs in process (workers: 0); three
// also run on the worker pool (workers: 2), checked against the fixture and against the in-process
// run. Cases that need a layer or an option the library does not have are skipped with the reason,
// found when the file is collected (so they run once the library gains it).
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import {
  expectCaseClose, expectWeightsClose, formatErrorReport, inputTensors, loadCase, modelData, paramCount, targetTensors, weightTensors,
  type Keras3Case,
} from '../helpers/keras3-case.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  // KERAS3_REPORT=1 prints the max abs error of every case and field as a markdown table
  if (process.env.KERAS3_REPORT) console.log(formatErrorReport());
  await resetPool();
});

type Factory = (args?: Record<string, unknown>) => wl.Layer;
type Workers = 0 | 2;

/** A layer factory the library may not have yet (tfjs spelling), or undefined. */
const optionalLayer = (name: string): Factory | undefined => (wl.layers as unknown as Record<string, Factory | undefined>)[name];

/** The error message a construction throws, or null when it succeeds. */
function refusal(make: () => unknown): string | null {
  try {
    make();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why a case cannot be built now: the missing layer factories and the refused constructions. */
function missing(layers: string[], refusals: [string, () => unknown][] = []): string | null {
  const reasons = layers.filter((n) => !optionalLayer(n)).map((n) => `the library has no wl.layers.${n}`);
  for (const [what, make] of refusals) {
    const message = refusal(make);
    if (message !== null) reasons.push(`${what} is refused: "${message}"`);
  }
  return reasons.length ? reasons.join('; ') : null;
}

const layer = (name: string, args?: Record<string, unknown>): wl.Layer => optionalLayer(name)!(args);

/**
 * A call's outputs as a list. (`apply(x)` on one tensor is typed as returning one tensor, so
 * `apply(x) as wl.SymbolicTensor[]` does not type-check for a layer with returnState.)
 */
function outputsOf(outputs: wl.SymbolicTensor | wl.SymbolicTensor[]): wl.SymbolicTensor[] {
  if (!Array.isArray(outputs)) throw new Error(`expected a list of outputs, got one tensor ${outputs.name}`);
  return outputs;
}
const INPUT = [6, 4];
const softmaxDense = () => wl.layers.dense({ units: 3, activation: 'softmax' });
const tdDense = () => wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3 }) });
const softmax = () => wl.layers.activation({ activation: 'softmax' });

interface CaseSpec {
  name: string;
  build: () => wl.LayersModel;
  /** Why the case is skipped (computed at collection), or null. */
  skip?: string | null;
  /** Why the RMSprop step is not comparable, or undefined. */
  skipRmsprop?: string;
  /** Also run on the worker pool (workers: 2). */
  pool?: boolean;
}

const HARD_SIGMOID_K3 = 'keras3HardSigmoid' as wl.ActivationIdentifier;

const CASES: CaseSpec[] = [
  {
    // keras.Sequential([keras.Input(shape=(6, 4)), layers.LSTM(5), layers.Dense(3, activation="softmax")])
    name: 'lstm_last',
    build: () => wl.sequential({ layers: [wl.layers.lstm({ units: 5, inputShape: INPUT }), softmaxDense()] }),
  },
  {
    // keras.Sequential([keras.Input(shape=(6, 4)), layers.LSTM(5, return_sequences=True),
    //                   layers.TimeDistributed(layers.Dense(3)), layers.Activation("softmax")])
    name: 'lstm_seq',
    pool: true,
    build: () => wl.sequential({ layers: [wl.layers.lstm({ units: 5, returnSequences: true, inputShape: INPUT }), tdDense(), softmax()] }),
  },
  {
    // ... layers.LSTM(5, return_sequences=True, go_backwards=True), TimeDistributed(Dense(3)), Activation("softmax")
    name: 'lstm_go_backwards',
    build: () => wl.sequential({ layers: [wl.layers.lstm({ units: 5, returnSequences: true, goBackwards: true, inputShape: INPUT }), tdDense(), softmax()] }),
  },
  {
    // inp = keras.Input(shape=(6, 4))
    // seq, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(inp)
    // out = layers.Dense(3, activation="softmax")(layers.Concatenate()([h, c]))
    // model = keras.Model(inp, out)
    name: 'lstm_return_state',
    skip: missing(['concatenate']),
    build: () => {
      const inp = wl.input({ shape: INPUT });
      const [, h, c] = outputsOf(wl.layers.lstm({ units: 5, returnSequences: true, returnState: true }).apply(inp));
      const joined = layer('concatenate').apply([h, c]) as wl.SymbolicTensor;
      return wl.model({ inputs: inp, outputs: softmaxDense().apply(joined) as wl.SymbolicTensor });
    },
  },
  {
    // ... layers.SimpleRNN(5, return_sequences=True), TimeDistributed(Dense(3)), Activation("softmax")
    name: 'simple_rnn_tanh',
    build: () => wl.sequential({ layers: [wl.layers.simpleRNN({ units: 5, returnSequences: true, inputShape: INPUT }), tdDense(), softmax()] }),
  },
  {
    // ... layers.SimpleRNN(5, activation="relu"), layers.Dense(3, activation="softmax")
    name: 'simple_rnn_relu',
    build: () => wl.sequential({ layers: [wl.layers.simpleRNN({ units: 5, activation: 'relu', inputShape: INPUT }), softmaxDense()] }),
  },
  {
    // ... layers.GRU(5, return_sequences=True), layers.GRU(5), layers.Dense(3, activation="softmax")
    name: 'stacked_gru',
    build: () => wl.sequential({ layers: [wl.layers.gru({ units: 5, returnSequences: true, inputShape: INPUT }), wl.layers.gru({ units: 5 }), softmaxDense()] }),
  },
  {
    // ... layers.Bidirectional(layers.LSTM(5, return_sequences=True)), TimeDistributed(Dense(3)), Activation("softmax")
    name: 'bidirectional_lstm_concat_seq',
    pool: true,
    build: () => wl.sequential({
      layers: [wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 5, returnSequences: true }), inputShape: INPUT }), tdDense(), softmax()],
    }),
  },
  {
    // ... layers.Bidirectional(layers.LSTM(5), merge_mode="mul"), layers.Dense(3, activation="softmax")
    name: 'bidirectional_lstm_mul',
    build: () => wl.sequential({ layers: [wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 5 }), mergeMode: 'mul', inputShape: INPUT }), softmaxDense()] }),
  },
  {
    // ... layers.Bidirectional(layers.GRU(5), merge_mode="sum"), layers.Dense(3, activation="softmax")
    name: 'bidirectional_gru_sum_last',
    build: () => wl.sequential({ layers: [wl.layers.bidirectional({ layer: wl.layers.gru({ units: 5 }), mergeMode: 'sum', inputShape: INPUT }), softmaxDense()] }),
  },
  {
    // ... layers.Masking(mask_value=0.0), layers.LSTM(5), layers.Dense(3, activation="softmax")
    name: 'masking_lstm',
    build: () => wl.sequential({ layers: [wl.layers.masking({ maskValue: 0, inputShape: INPUT }), wl.layers.lstm({ units: 5 }), softmaxDense()] }),
  },
  {
    // enc_in = keras.Input(shape=(6, 4)); dec_in = keras.Input(shape=(5, 3))
    // _, h, c = layers.LSTM(5, return_state=True)(enc_in)
    // dec = layers.LSTM(5, return_sequences=True)(dec_in, initial_state=[h, c])
    // out = layers.TimeDistributed(layers.Dense(3, activation="softmax"))(dec)
    // model = keras.Model([enc_in, dec_in], out)
    name: 'encoder_decoder_lstm_initial_state',
    pool: true,
    build: () => {
      const encIn = wl.input({ shape: [6, 4] });
      const decIn = wl.input({ shape: [5, 3] });
      const [, h, c] = outputsOf(wl.layers.lstm({ units: 5, returnState: true }).apply(encIn));
      const dec = wl.layers.lstm({ units: 5, returnSequences: true }).apply(decIn, { initialState: [h, c] }) as wl.SymbolicTensor;
      const out = wl.layers.timeDistributed({ layer: softmaxDense() }).apply(dec) as wl.SymbolicTensor;
      return wl.model({ inputs: [encIn, decIn], outputs: out });
    },
  },
  {
    // ... layers.GRU(5, dropout=0.3, recurrent_dropout=0.2), layers.Dropout(0.5), layers.Dense(3, activation="softmax")
    // (training_fields false: dropout is random in training, only inference is compared)
    name: 'dropout_inference',
    skip: missing(['dropout'], [['GRU(dropout: 0.3, recurrentDropout: 0.2)', () => wl.layers.gru({ units: 5, dropout: 0.3, recurrentDropout: 0.2 })]]),
    build: () => wl.sequential({
      layers: [wl.layers.gru({ units: 5, dropout: 0.3, recurrentDropout: 0.2, inputShape: INPUT }), layer('dropout', { rate: 0.5 }), softmaxDense()],
    }),
  },
  {
    // ... layers.LSTM(5), layers.RepeatVector(5), layers.LSTM(5, return_sequences=True),
    //     layers.TimeDistributed(layers.Dense(3, activation="softmax"))
    name: 'repeat_vector_seq2seq',
    skip: missing(['repeatVector']),
    build: () => wl.sequential({
      layers: [
        wl.layers.lstm({ units: 5, inputShape: INPUT }), layer('repeatVector', { n: 5 }), wl.layers.lstm({ units: 5, returnSequences: true }),
        wl.layers.timeDistributed({ layer: softmaxDense() }),
      ],
    }),
  },
  {
    // ... layers.GRU(5, return_sequences=True), layers.LayerNormalization(), TimeDistributed(Dense(3)), Activation("softmax")
    name: 'layer_norm_after_gru',
    skip: missing(['layerNormalization']),
    build: () => wl.sequential({
      layers: [wl.layers.gru({ units: 5, returnSequences: true, inputShape: INPUT }), layer('layerNormalization'), tdDense(), softmax()],
    }),
  },
  {
    // ... layers.GRU(5, return_sequences=True, reset_after=False, recurrent_activation="hard_sigmoid"),
    //     TimeDistributed(Dense(3)), Activation("softmax")      (Keras 3 hard_sigmoid: clip(x/6 + 0.5, 0, 1))
    name: 'gru_reset_after_false_hard_sigmoid_k3',
    skip: missing([], [["recurrentActivation 'keras3HardSigmoid'", () => wl.layers.gru({ units: 5, resetAfter: false, recurrentActivation: HARD_SIGMOID_K3 })]]),
    build: () => wl.sequential({
      layers: [wl.layers.gru({ units: 5, returnSequences: true, resetAfter: false, recurrentActivation: HARD_SIGMOID_K3, inputShape: INPUT }), tdDense(), softmax()],
    }),
  },
  {
    // keras.Sequential([keras.Input(shape=(6,), dtype="int32"), layers.Embedding(27, 4, mask_zero=True),
    //                   layers.GRU(5), layers.Dense(3, activation="softmax")])   loss sparse_categorical_crossentropy
    name: 'embedding_mask_zero_gru',
    skip: missing(['embedding']),
    skipRmsprop: "Keras's TensorFlow backend applies RMSprop to the Embedding's sparse gradient slice by slice, and the padding id 0 occurs twice: not one dense update (case note)",
    build: () => wl.sequential({
      layers: [layer('embedding', { inputDim: 27, outputDim: 4, maskZero: true, inputShape: [6], dtype: 'int32' }), wl.layers.gru({ units: 5 }), softmaxDense()],
    }),
  },
];

/** A fresh model with the case's initial weights, compiled with the case's loss. */
function freshModel(spec: CaseSpec, c: Keras3Case, optimizer: wl.Optimizer): wl.LayersModel {
  const model = spec.build();
  model.setWeights(weightTensors(c));
  model.compile({ loss: c.loss as wl.LossIdentifier, optimizer });
  return model;
}

async function disposing<T>(model: wl.LayersModel, body: (m: wl.LayersModel) => Promise<T>): Promise<T> {
  try {
    return await body(model);
  } finally {
    await model.dispose();
  }
}

interface Results {
  outputs: Float32Array[];
  outputShapes: number[][];
  loss: number;
}

/** What predict and evaluate give on the case's batch. */
function inference(spec: CaseSpec, c: Keras3Case, workers: Workers): Promise<Results> {
  const batchSize = c.sizes.B;
  return disposing(freshModel(spec, c, wl.optimizers.sgd({ learningRate: 0.1 })), async (model) => {
    const predicted = await model.predict(modelData(inputTensors(c)), { workers, batchSize });
    const outs = Array.isArray(predicted) ? predicted : [predicted];
    const evaluated = await model.evaluate(modelData(inputTensors(c)), modelData(targetTensors(c)), { workers, batchSize });
    const loss = (Array.isArray(evaluated) ? evaluated[0] : evaluated).dataSync()[0];
    return { outputs: outs.map((t) => Float32Array.from(t.dataSync() as Float32Array)), outputShapes: outs.map((t) => t.shape), loss };
  });
}

/** The weights after one fit step on the whole batch (batch size B, no shuffling). */
function oneStep(spec: CaseSpec, c: Keras3Case, optimizer: 'sgd' | 'rmsprop', workers: Workers): Promise<wl.Tensor[]> {
  const opt = optimizer === 'sgd' ? wl.optimizers.sgd({ learningRate: c.sgd_learning_rate! }) : wl.optimizers.rmsprop();
  return disposing(freshModel(spec, c, opt), async (model) => {
    await model.fit(modelData(inputTensors(c)), modelData(targetTensors(c)), { batchSize: c.sizes.B, epochs: 1, shuffle: false, verbose: 0, workers });
    return model.getWeights();
  });
}

/** Failure detail for an SGD step: the gradient the step implies, (w0 − w1)/lr, against Keras's. */
function impliedGradient(c: Keras3Case) {
  const lr = c.sgd_learning_rate!;
  const trainable = c.weights.map((w, k) => (w.trainable ? c.weights.slice(0, k).filter((v) => v.trainable).length : -1));
  return (k: number, flat: number, got: number, expected: number) => {
    const g = trainable[k] >= 0 ? c.gradients[trainable[k]].data[flat] : NaN;
    const w0 = c.weights[k].data[flat];
    return `initial weight ${w0}: implied gradient ${((w0 - got) / lr).toPrecision(7)}, Keras's ${g} (its step gives ${((w0 - expected) / lr).toPrecision(7)})`;
  };
}

/** Memoised runs, so the workers-2 parity test reuses the in-process and pool results. */
const runs = new Map<string, Promise<unknown>>();
function memo<T>(key: string, run: () => Promise<T>): Promise<T> {
  if (!runs.has(key)) runs.set(key, run());
  return runs.get(key) as Promise<T>;
}

describe('Keras 3 golden values, recurrent layers (shared/keras3)', () => {
  for (const spec of CASES) {
    const c = loadCase(spec.name);
    describe(spec.name, () => {
      if (spec.skip) {
        it.skip(`skipped: ${spec.skip}`, () => {});
        return;
      }

      it('countParams() is the sum of the case weights, and the weight shapes follow get_weights()', () => {
        const model = spec.build();
        expect(model.countParams()).toBe(paramCount(c));
        expect(model.getWeights().map((w) => w.shape), `${c.name}: weight shapes`).toEqual(c.weights.map((w) => w.shape));
      });

      for (const workers of spec.pool ? [0, 2] as const : [0] as const) {
        const label = `${c.name}${workers ? ' [workers: 2]' : ''}`;
        const at = workers ? ' (workers: 2)' : '';

        it(`predict == outputs${at}`, async () => {
          const r = await memo(`${c.name}/inference/${workers}`, () => inference(spec, c, workers));
          expect(r.outputs.length, `${label}: number of outputs`).toBe(c.outputs.length);
          c.outputs.forEach((o, k) => {
            expect(r.outputShapes[k], `${label}: outputs[${k}] shape`).toEqual(o.shape);
            expectCaseClose(r.outputs[k], o.data, { caseName: label, field: 'outputs', index: k, shape: o.shape });
          });
        });

        it(`evaluate == loss_value${at}`, async () => {
          const r = await memo(`${c.name}/inference/${workers}`, () => inference(spec, c, workers));
          expectCaseClose([r.loss], [c.loss_value], { caseName: label, field: 'loss_value' });
        });

        if (!c.training_fields) {
          it.skip(`training steps: the fixture gives no training fields (${c.note ?? 'training_fields false'})`, () => {});
          continue;
        }

        it(`one SGD(${c.sgd_learning_rate}) step == weights_after_sgd (gradients)${at}`, async () => {
          const weights = await memo(`${c.name}/sgd/${workers}`, () => oneStep(spec, c, 'sgd', workers));
          expectWeightsClose({ ...c, name: label }, 'weights_after_sgd', weights, impliedGradient(c));
        });

        if (spec.skipRmsprop) {
          it.skip(`one RMSprop() step: skipped: ${spec.skipRmsprop}`, () => {});
        } else {
          it(`one RMSprop() step == weights_after_rmsprop${at}`, async () => {
            const weights = await memo(`${c.name}/rmsprop/${workers}`, () => oneStep(spec, c, 'rmsprop', workers));
            expectWeightsClose({ ...c, name: label }, 'weights_after_rmsprop', weights);
          });
        }
      }

      if (spec.pool) {
        it('workers: 2 gives the in-process results (within 2e-5)', async () => {
          const name = `${c.name} [workers 2 vs 0]`;
          const [r0, r2] = await Promise.all([0, 2].map((w) => memo(`${c.name}/inference/${w}`, () => inference(spec, c, w as Workers))));
          r0.outputs.forEach((o, k) => expectCaseClose(r2.outputs[k], o, { caseName: name, field: 'outputs', index: k, shape: c.outputs[k].shape }));
          expectCaseClose([r2.loss], [r0.loss], { caseName: name, field: 'loss_value' });
          for (const opt of ['sgd', 'rmsprop'] as const) {
            const [w0, w2] = await Promise.all([0, 2].map((w) => memo(`${c.name}/${opt}/${w}`, () => oneStep(spec, c, opt, w as Workers))));
            w0.forEach((w, k) => expectCaseClose(w2[k].dataSync(), w.dataSync(), {
              caseName: name, field: `weights_after_${opt}`, index: k, path: c.weights[k].path, shape: w.shape,
            }));
          }
        });
      }
    });
  }

  describe('lstm_return_state, without Concatenate: the LSTM\'s [seq, h, c] outputs', () => {
    // The same LSTM as the case (its first three weights) in a model whose outputs are [seq, h, c];
    // Keras's outputs are then checked through softmax(concat(h, c)·W + b) computed here (float64)
    // with the case's Dense weights.
    const c = loadCase('lstm_return_state');
    it('h is the last step of seq, and softmax(concat(h, c)·W + b) == outputs', async () => {
      const inp = wl.input({ shape: INPUT });
      const states = outputsOf(wl.layers.lstm({ units: 5, returnSequences: true, returnState: true }).apply(inp));
      expect(states.length, 'LSTM(returnSequences, returnState) gives [seq, h, c]').toBe(3);
      const model = wl.model({ inputs: inp, outputs: states });
      model.setWeights(weightTensors(c).slice(0, 3));
      expect(model.countParams()).toBe(c.weights.slice(0, 3).reduce((n, w) => n + w.data.length, 0));
      const [seq, h, cell] = await disposing(model, async (m) => (await m.predict(inputTensors(c)[0], { workers: 0 })) as wl.Tensor[]);
      const { B, T, U } = { B: c.sizes.B, T: c.sizes.T, U: c.sizes.U };
      expect([seq.shape, h.shape, cell.shape]).toEqual([[B, T, U], [B, U], [B, U]]);
      const s = seq.dataSync();
      const last = Float32Array.from({ length: B * U }, (_, i) => s[(Math.floor(i / U) * T + T - 1) * U + (i % U)]);
      expectCaseClose(h.dataSync(), last, { caseName: 'lstm_return_state [seq, h, c]', field: 'h vs seq[:, T-1]', shape: [B, U] });

      const [kernel, bias] = [c.weights[3], c.weights[4]];
      const O = bias.data.length;
      const hd = h.dataSync();
      const cd = cell.dataSync();
      const probs = new Float64Array(B * O);
      for (let b = 0; b < B; b++) {
        const joined = [...hd.subarray(b * U, (b + 1) * U), ...cd.subarray(b * U, (b + 1) * U)];
        const logits = bias.data.map((bj, j) => joined.reduce((acc, v, i) => acc + v * kernel.data[i * O + j], bj));
        const top = Math.max(...logits);
        const e = logits.map((z) => Math.exp(z - top));
        const sum = e.reduce((a, v) => a + v, 0);
        e.forEach((v, j) => (probs[b * O + j] = v / sum));
      }
      expectCaseClose(probs, c.outputs[0].data, { caseName: 'lstm_return_state [seq, h, c]', field: 'outputs via softmax(concat(h, c)·W + b)', index: 0, shape: c.outputs[0].shape });
    });
  });
});
