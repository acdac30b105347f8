// Keras 3 golden values for Conv1D and the 1-D pooling layers (shared/keras3 cases written by Keras
// 3.15.1; the Python of each is repeated above its build). The runner is test/helpers/keras3-runner.ts.
// Both cases' losses (categorical_crossentropy, mean_squared_error) resolve; the Flatten of the
// second case comes from another branch, so that case is skipped with the reason until it exists.
// (embedding_conv1d_globalmaxpool_sigmoid runs with the Embedding's cases, test/keras3/embedding.test.ts.)
import { afterAll, describe } from 'vitest';
import * as wl from '../../src/index.js';
import { formatErrorReport } from '../helpers/keras3-case.js';
import { defineKeras3Cases, layer, missing, type CaseSpec } from '../helpers/keras3-runner.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  if (process.env.KERAS3_REPORT) console.log(formatErrorReport());
  await resetPool();
});

const CASES: CaseSpec[] = [
  {
    // model = keras.Sequential([
    //     keras.Input(shape=(6, 4)),
    //     layers.Conv1D(4, 2, padding="causal", dilation_rate=2, activation="tanh"),
    //     layers.AveragePooling1D(2),
    //     layers.GlobalAveragePooling1D(),
    //     layers.Dense(3, activation="softmax"),
    // ])                                                   loss categorical_crossentropy
    name: 'conv1d_causal_dilation',
    pool: true,
    build: () => wl.sequential({
      layers: [
        wl.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'causal', dilationRate: 2, activation: 'tanh', inputShape: [6, 4] }),
        wl.layers.averagePooling1d({ poolSize: 2 }),
        wl.layers.globalAveragePooling1d(),
        wl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
  },
  {
    // model = keras.Sequential([
    //     keras.Input(shape=(6, 4)),
    //     layers.Conv1D(4, 3, padding="same", activation="relu"),
    //     layers.MaxPooling1D(2),
    //     layers.Flatten(),
    //     layers.Dense(3),
    // ])                                                   loss mean_squared_error
    name: 'conv1d_same_maxpool_flatten_dense',
    pool: true,
    skip: missing(['flatten']),
    build: () => wl.sequential({
      layers: [
        wl.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 4] }),
        wl.layers.maxPooling1d({ poolSize: 2 }),
        layer('flatten'),
        wl.layers.dense({ units: 3 }),
      ],
    }),
  },
];

describe('Keras 3 golden values, Conv1D and pooling (shared/keras3)', () => {
  defineKeras3Cases(CASES);
});
