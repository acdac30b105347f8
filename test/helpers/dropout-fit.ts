/** A seeded fit of a model with every kind of dropout, for the worker tests (test/parallel/dropout-*.test.ts). */
import * as wl from '../../src/index.js';
import { expectClose } from './compare.js';

const SAMPLES = 90; // batches of 32, 32, 26: chunks of several sizes
// large enough per sample (≈ 0.6 MFLOP a training step) that a batch of 32 is cut into chunks of 4+ rows
const [T, F] = [12, 16];

/** LSTM(dropout) → SpatialDropout1D → Bidirectional(LSTM(dropout)) → Dropout → Dense(softmax). */
export function build(seeds: { lstm?: number; spatial?: number; bi?: number; dropout?: number } = {}) {
  return wl.sequential({
    layers: [
      wl.layers.lstm({ units: 32, dropout: 0.3, returnSequences: true, inputShape: [T, F], seed: seeds.lstm }),
      wl.layers.spatialDropout1d({ rate: 0.2, seed: seeds.spatial }),
      wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 4, dropout: 0.25, seed: seeds.bi }) }),
      wl.layers.dropout({ rate: 0.4, seed: seeds.dropout }),
      wl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

/** SimpleRNN(recurrentDropout) → GRU(dropout, recurrentDropout) → Bidirectional(LSTM(recurrentDropout)) → Dense(softmax). */
export function buildRecurrentDropout(seeds: { lstm?: number; spatial?: number; bi?: number; dropout?: number } = {}) {
  return wl.sequential({
    layers: [
      wl.layers.simpleRNN({ units: 8, recurrentDropout: 0.2, returnSequences: true, inputShape: [T, F], seed: seeds.spatial }),
      wl.layers.gru({ units: 32, dropout: 0.2, recurrentDropout: 0.3, returnSequences: true, seed: seeds.lstm }),
      wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 4, dropout: 0.1, recurrentDropout: 0.25, seed: seeds.bi }) }),
      wl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

export async function train(
  workers: wl.WorkersOption,
  options: { globalSeed?: number; seeds?: Parameters<typeof build>[0]; shuffle?: boolean; afterFit?: () => void; model?: typeof build } = {},
) {
  wl.clearSession();
  wl.setSeed(11); // data and initial weights
  const x = wl.randomUniform([SAMPLES, T, F]);
  const y = wl.oneHot(wl.tensor1d(Array.from({ length: SAMPLES }, (_, i) => i % 3), 'int32'), 3);
  const model = (options.model ?? build)(options.seeds);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  if (options.globalSeed != null) wl.setSeed(options.globalSeed); // shuffling and the fit's noise base
  const history = await model.fit(x, y, { batchSize: 32, epochs: 2, workers, verbose: 0, shuffle: options.shuffle ?? true });
  const weights = model.getWeights().map((w) => w.dataSync().slice());
  options.afterFit?.();
  await model.dispose();
  return { loss: history.loss, weights };
}

export function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(...a.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - b[i][j])))));
}

export function expectSameTraining(got: Awaited<ReturnType<typeof train>>, reference: Awaited<ReturnType<typeof train>>, label: string) {
  got.weights.forEach((w, i) => {
    const scale = Math.sqrt(reference.weights[i].reduce((s, v) => s + v * v, 0) / w.length);
    expectClose(w, reference.weights[i], { tol: 1e-5, scale, label: `${label}, weight ${i}` });
  });
  expectClose(got.loss, reference.loss, { tol: 1e-5, scale: 0, label: `${label}, loss` });
}
