/**
 * A seeded fit of Embedding → LSTM → Dense(sigmoid) with the Embedding's gradient row-sparse (as
 * built) or forced dense — the reference the row-sparse bookkeeping must equal bit for bit
 * (test/parallel/sparse-gradients*.test.ts).
 */
import * as wl from '../../src/index.js';
import { expect } from 'vitest';
import { expectIdentical } from './compare.js';

const [SAMPLES, T] = [70, 9]; // batches of 32, 32, 6

export interface SparseFitOptions {
  /** Rows of the Embedding (the ids stay below 300 whatever it is). */
  vocabulary?: number;
  optimizer?: () => wl.Optimizer | string;
  /** false: the Embedding's gradient handled dense, as before row-sparse gradients. */
  rowSparse?: boolean;
  /** maskZero on the Embedding and a loss per step: the step's mean is formed by scaling the summed gradient. */
  masked?: boolean;
  /** Called after the fit, before the model is disposed. */
  afterFit?: () => void;
}

export async function sparseFit(workers: wl.WorkersOption, { vocabulary = 1000, optimizer = () => 'adam', rowSparse = true, masked = false, afterFit }: SparseFitOptions = {}) {
  wl.clearSession();
  wl.setSeed(5);
  // repeated ids within and across samples, and id 0 (masked when `masked`)
  const ids = Int32Array.from({ length: SAMPLES * T }, (_, i) => (i * 7919 + (i % 13) * 31) % 300 * (i % 11 === 0 ? 0 : 1));
  const x = wl.tensor(Float32Array.from(ids), [SAMPLES, T]); // tfjs feeds ids as floats
  const y = masked ? wl.randomUniform([SAMPLES, T, 1]) : wl.randomUniform([SAMPLES, 1]);
  const model = wl.sequential({
    layers: [
      wl.layers.embedding({ inputDim: vocabulary, outputDim: 6, inputShape: [T], maskZero: masked }),
      wl.layers.lstm({ units: 64, returnSequences: masked }), // large enough that 'auto' gives this thread a share beside a worker
      wl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ loss: 'binaryCrossentropy', optimizer: optimizer() as never });
  const table = model.layers[0].weights[0];
  if (!table.rowSparse) throw new Error('the Embedding table should be row-sparse as built');
  table.rowSparse = rowSparse;
  const history = await model.fit(x, y, { batchSize: 32, epochs: 2, workers, verbose: 0, shuffle: false });
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  afterFit?.();
  await model.dispose();
  return { loss: history.loss, weights };
}

/** The row-sparse fit's losses and weights equal the dense one's, bit for bit. */
export function expectSameFit(actual: Awaited<ReturnType<typeof sparseFit>>, expected: Awaited<ReturnType<typeof sparseFit>>, label: string): void {
  expectIdentical(actual.loss, expected.loss, `${label}: losses`);
  expect(actual.weights.length).toBe(expected.weights.length);
  actual.weights.forEach((w, i) => expectIdentical(w, expected.weights[i], `${label}: weight ${i}`));
}
