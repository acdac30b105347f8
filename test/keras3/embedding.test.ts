// Keras 3 golden values for Embedding (shared/keras3 cases written by Keras 3.15.1; the Python of
// each is repeated above its build). The runner is test/helpers/keras3-runner.ts. Both cases repeat
// the padding id 0 in the batch: Keras's TensorFlow backend applies RMSprop to the Embedding's
// sparse gradient slice by slice (IndexedSlices, duplicates not summed), which is not one dense
// update; the gradient here is the summed dense one (Keras's JAX backend), which the SGD step checks.
import { afterAll, describe } from 'vitest';
import * as wl from '../../src/index.js';
import { formatErrorReport } from '../helpers/keras3-case.js';
import { defineKeras3Cases, layer, missing, type CaseSpec } from '../helpers/keras3-runner.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  if (process.env.KERAS3_REPORT) console.log(formatErrorReport());
  await resetPool();
});

const SLICE_BY_SLICE_RMSPROP = "Keras's TensorFlow backend applies RMSprop to the Embedding's sparse gradient slice by slice, and the padding id 0 occurs twice: not one dense update (case note)";

/** keras.Input(shape=(6,), dtype="int32") */
const ids = () => wl.layers.inputLayer({ inputShape: [6], dtype: 'int32' });

const CASES: CaseSpec[] = [
  {
    // keras.Sequential([keras.Input(shape=(6,), dtype="int32"), layers.Embedding(27, 4, mask_zero=True),
    //                   layers.GRU(5), layers.Dense(3, activation="softmax")])   loss sparse_categorical_crossentropy
    name: 'embedding_mask_zero_gru',
    pool: true,
    skipRmsprop: SLICE_BY_SLICE_RMSPROP,
    build: () => wl.sequential({
      layers: [ids(), wl.layers.embedding({ inputDim: 27, outputDim: 4, maskZero: true }), wl.layers.gru({ units: 5 }), wl.layers.dense({ units: 3, activation: 'softmax' })],
    }),
  },
  {
    // keras.Sequential([keras.Input(shape=(6,), dtype="int32"), layers.Embedding(27, 4),
    //                   layers.Conv1D(4, 3, activation="relu"), layers.GlobalMaxPooling1D(),
    //                   layers.Dense(1, activation="sigmoid")])   loss binary_crossentropy
    name: 'embedding_conv1d_globalmaxpool_sigmoid',
    skip: missing(['conv1d', 'globalMaxPooling1d']),
    skipRmsprop: SLICE_BY_SLICE_RMSPROP,
    build: () => wl.sequential({
      layers: [
        ids(), wl.layers.embedding({ inputDim: 27, outputDim: 4 }), layer('conv1d', { filters: 4, kernelSize: 3, activation: 'relu' }),
        layer('globalMaxPooling1d'), wl.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    }),
  },
];

describe('Keras 3 golden values, Embedding (shared/keras3)', () => {
  defineKeras3Cases(CASES);
});
