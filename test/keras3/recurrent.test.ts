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
// The runner (what is compared, skips, the pool runs) is test/helpers/keras3-runner.ts.
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { expectCaseClose, formatErrorReport, inputTensors, loadCase, weightTensors } from '../helpers/keras3-case.js';
import { defineKeras3Cases, disposing, layer, missing, outputsOf, type CaseSpec } from '../helpers/keras3-runner.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  // KERAS3_REPORT=1 prints the max abs error of every case and field as a markdown table
  if (process.env.KERAS3_REPORT) console.log(formatErrorReport());
  await resetPool();
});

const INPUT = [6, 4];
const softmaxDense = () => wl.layers.dense({ units: 3, activation: 'softmax' });
const tdDense = () => wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3 }) });
const softmax = () => wl.layers.activation({ activation: 'softmax' });

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
];
// embedding_mask_zero_gru runs in test/keras3/embedding.test.ts

describe('Keras 3 golden values, recurrent layers (shared/keras3)', () => {
  defineKeras3Cases(CASES);

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
