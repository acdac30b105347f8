/**
 * Parity cases for the layers around recurrent ones (appended to PARITY_CASES, so Node, headless
 * Chromium and Deno run them): a text classifier (int32 ids → Embedding → Conv1D →
 * GlobalMaxPooling1D → Dense sigmoid, binary cross-entropy) and a Luong-attention encoder-decoder
 * (Dot, softmax, Dot, Concatenate, LayerNormalization, sparse cross-entropy on class indices), and
 * a model through the reshaping layers and BatchNormalization, each trained on 2 workers as in process. Framework-free: each case resolves to null or to what failed.
 */
import type * as WL from '../../src/index.js';
import { compareRuns, first, fitFrom } from './recurrent-parity-cases.js';

/** Seeded ids in [1, vocab) with, per sample, label 1 when id `marker` occurs. */
function markedIds(wl: typeof WL, samples: number, steps: number, vocab: number, marker: number) {
  wl.setSeed(31);
  const u = wl.randomUniform([samples, steps], 0, 1).dataSync();
  const ids = new Int32Array(samples * steps);
  const labels = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    for (let t = 0; t < steps; t++) ids[s * steps + t] = 1 + Math.floor(u[s * steps + t] * (vocab - 1));
    if (s % 2 === 0) ids[s * steps + (s % steps)] = marker;
    labels[s] = ids.subarray(s * steps, (s + 1) * steps).includes(marker) ? 1 : 0;
  }
  return { x: wl.tensor(ids, [samples, steps], 'int32'), y: wl.tensor(labels, [samples, 1]) };
}

async function textClassifier(wl: typeof WL): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const ids = wl.input({ shape: [12], dtype: 'int32' });
    const embedded = wl.layers.embedding({ inputDim: 30, outputDim: 8 }).apply(ids) as WL.SymbolicTensor;
    const conv = wl.layers.conv1d({ filters: 6, kernelSize: 3, activation: 'relu' }).apply(embedded) as WL.SymbolicTensor;
    const pooled = wl.layers.globalMaxPooling1d().apply(conv) as WL.SymbolicTensor;
    const out = wl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(pooled) as WL.SymbolicTensor;
    const model = wl.model({ inputs: ids, outputs: out });
    model.compile({ loss: 'binaryCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }), metrics: ['accuracy'] });
    return model;
  };
  const { x, y } = markedIds(wl, 64, 12, 30, 7);
  const here = await fitFrom(wl, build, x, y, 0, 4, 16);
  const pool = await fitFrom(wl, build, x, y, 2, 4, 16);
  const failure = compareRuns('Embedding → Conv1D → GlobalMaxPooling1D → Dense(sigmoid)', here, pool);
  await Promise.all([here.model.dispose(), pool.model.dispose()]);
  return failure;
}

async function luongAttention(wl: typeof WL): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const encIn = wl.input({ shape: [6, 4] });
    const decIn = wl.input({ shape: [5, 3] });
    const enc = wl.layers.lstm({ units: 8, returnSequences: true }).apply(encIn) as WL.SymbolicTensor;
    const dec = wl.layers.lstm({ units: 8, returnSequences: true }).apply(decIn) as WL.SymbolicTensor;
    const scores = wl.layers.dot({ axes: [2, 2] }).apply([dec, enc]) as WL.SymbolicTensor;
    const weights = wl.layers.activation({ activation: 'softmax' }).apply(scores) as WL.SymbolicTensor;
    const context = wl.layers.dot({ axes: [2, 1] }).apply([weights, enc]) as WL.SymbolicTensor;
    const joined = wl.layers.concatenate().apply([context, dec]) as WL.SymbolicTensor;
    const normed = wl.layers.layerNormalization().apply(joined) as WL.SymbolicTensor;
    const out = wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3, activation: 'softmax' }) }).apply(normed) as WL.SymbolicTensor;
    const model = wl.model({ inputs: [encIn, decIn], outputs: out });
    model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    return model;
  };
  wl.setSeed(32);
  const enc = wl.randomUniform([48, 6, 4], -1, 1);
  const dec = wl.randomUniform([48, 5, 3], -1, 1);
  // the class at each decoder step: argmax over 3 of the encoder's step-t features plus the decoder's
  const es = enc.dataSync(), ds = dec.dataSync();
  const y = new Int32Array(48 * 5);
  for (let s = 0; s < 48; s++) for (let t = 0; t < 5; t++) {
    let best = 0, bestValue = -Infinity;
    for (let k = 0; k < 3; k++) {
      const v = es[(s * 6 + t) * 4 + k] + ds[(s * 5 + t) * 3 + k];
      if (v > bestValue) [best, bestValue] = [k, v];
    }
    y[s * 5 + t] = best;
  }
  const target = wl.tensor(y, [48, 5], 'int32');
  const here = await fitFrom(wl, build, [enc, dec], target, 0, 4, 16);
  const pool = await fitFrom(wl, build, [enc, dec], target, 2, 4, 16);
  const failure = first(compareRuns('Luong attention', here, pool));
  await Promise.all([here.model.dispose(), pool.model.dispose()]);
  return failure;
}

/**
 * A sequence autoencoder-style regressor through the reshaping layers and BatchNormalization:
 * GRU(8) → RepeatVector(5) → GRU(8, returnSequences) → Permute([2, 1]) → Flatten → BatchNormalization
 * → Dense(4) → Reshape([2, 2]), mse. BatchNormalization's fit runs in one share whatever `workers`
 * says (batch statistics are the whole step's), so 2 workers must give the in-process weights exactly.
 */
async function reshapingAndBatchNorm(wl: typeof WL): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const model = wl.sequential({
      layers: [
        wl.layers.gru({ units: 8, inputShape: [6, 3] }),
        wl.layers.repeatVector({ n: 5 }),
        wl.layers.gru({ units: 8, returnSequences: true }),
        wl.layers.permute({ dims: [2, 1] }),
        wl.layers.flatten(),
        wl.layers.batchNormalization(),
        wl.layers.dense({ units: 4 }),
        wl.layers.reshape({ targetShape: [2, 2] }),
      ],
    });
    model.compile({ loss: 'mse', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    return model;
  };
  wl.setSeed(33);
  const x = wl.randomUniform([48, 6, 3], -1, 1);
  // targets: the first step's first 2 features and the last step's, as a 2 × 2 block
  const xs = x.dataSync();
  const y = new Float32Array(48 * 4);
  for (let s = 0; s < 48; s++) {
    y.set([xs[s * 18], xs[s * 18 + 1], xs[s * 18 + 15], xs[s * 18 + 16]], s * 4);
  }
  const here = await fitFrom(wl, build, x, wl.tensor(y, [48, 2, 2]), 0, 4, 16);
  const pool = await fitFrom(wl, build, x, wl.tensor(y, [48, 2, 2]), 2, 4, 16);
  const failure = compareRuns('RepeatVector / Permute / Flatten / BatchNormalization / Reshape', here, pool);
  await Promise.all([here.model.dispose(), pool.model.dispose()]);
  return failure;
}

export const LAYERS_PARITY_CASES = [
  { name: 'int32 ids → Embedding → Conv1D → GlobalMaxPooling1D → Dense(sigmoid), binary CE: 2 workers train as in process, the loss decreases', run: (wl: typeof WL) => textClassifier(wl) },
  { name: 'RepeatVector, Permute, Flatten, BatchNormalization (moving statistics), Reshape, mse: 2 workers train as in process, the loss decreases', run: (wl: typeof WL) => reshapingAndBatchNorm(wl) },
  { name: 'Luong attention (Dot, softmax, Dot, Concatenate, LayerNormalization), sparse CE: 2 workers train as in process, the loss decreases', run: (wl: typeof WL) => luongAttention(wl) },
];
