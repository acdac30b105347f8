// The copy transport — what a page that is not cross-origin isolated gets: no SharedArrayBuffer, each
// worker sent a copy of its fixed shard of the batch and the weights, its gradients copied back —
// trains, evaluates and predicts as this thread does alone, on batches that do not split evenly.
//
// Node always shares memory with its comlink workers, so this file makes the comlink pool report no
// shared memory (the one internal it touches: the pool class and its `sharedMemory` constructor
// argument, mocked below). poolInfo() must then say comlink without shared memory, so the test fails
// loudly rather than passing on shared memory if the pool moves.
import { availableParallelism } from 'node:os';
import { describe, it, expect, afterAll, beforeAll, vi } from 'vitest';
import * as wl from '../../src/index.js';
import { expectNear, rms } from './support.js';

vi.mock('../../src/parallel/comlink-pool.js', async (importOriginal) =>
  (await import('../helpers/copying-comlink-pool.js')).withCopyingComlinkPool(await importOriginal()));

const SAMPLES = 37; // prime: no batch size divides it, and the last batches (7, 17) split unevenly over the workers
const EPOCHS = 2;
const biasInit = () => wl.initializers.randomUniform({ minval: -0.3, maxval: 0.3 });

interface Case {
  name: string;
  build: () => wl.LayersModel;
  loss: wl.LossIdentifier;
  xShape: number[];
  yShape: number[];
  batchSize: number;
  /** Batch size of predict and evaluate. */
  inferenceBatch: number;
  workers: wl.WorkersOption[];
}

const CASES: Case[] = [
  {
    name: 'GRU(8) sequences → TimeDistributed(Dense(4)) → softmax, cross-entropy, batches of 10 (10, 10, 10, 7)',
    build: () => wl.sequential({
      layers: [
        wl.layers.gru({ units: 8, returnSequences: true, inputShape: [6, 3], biasInitializer: biasInit() }),
        wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4, biasInitializer: biasInit() }) }),
        wl.layers.activation({ activation: 'softmax' }),
      ],
    }),
    loss: 'categoricalCrossentropy', xShape: [6, 3], yShape: [6, 4], batchSize: 10, inferenceBatch: 13, workers: [2, 3],
  },
  {
    // large enough per step that 'auto' gives this thread a share beside a worker (2+ cores)
    name: 'GRU(64, reset_after=false) last state → Dense(5), mean squared error, batches of 20 (20, 17)',
    build: () => wl.sequential({
      layers: [
        wl.layers.gru({ units: 64, resetAfter: false, inputShape: [24, 8], biasInitializer: biasInit() }),
        wl.layers.dense({ units: 5, biasInitializer: biasInit() }),
      ],
    }),
    loss: 'meanSquaredError', xShape: [24, 8], yShape: [5], batchSize: 20, inferenceBatch: 64, workers: [2, 'auto'],
  },
];

async function resetPool(): Promise<void> {
  await wl.shutdown();
  wl.setPoolOptions({});
}

beforeAll(async () => {
  await resetPool();
  wl.setPoolOptions({ transport: 'comlink' });
});
afterAll(resetPool);

interface Run {
  loss: number[];
  weights: ArrayLike<number>[];
  predictions: ArrayLike<number>;
  evaluated: number;
  /** The pool after fit (null: fit ran in process). */
  pool: wl.PoolInfo | null;
}

async function train(c: Case, workers: wl.WorkersOption): Promise<Run> {
  wl.setSeed(17);
  wl.clearSession();
  const x = wl.randomUniform([SAMPLES, ...c.xShape], -1, 1);
  const y = wl.randomUniform([SAMPLES, ...c.yShape]);
  const model = c.build();
  model.compile({ loss: c.loss, optimizer: wl.optimizers.adam({ learningRate: 0.01 }) });
  try {
    const history = await model.fit(x, y, { batchSize: c.batchSize, epochs: EPOCHS, verbose: 0, workers });
    const pool = wl.poolInfo();
    const predictions = (await model.predictAsync(x, { batchSize: c.inferenceBatch, workers }) as wl.Tensor).dataSync();
    const evaluated = (await model.evaluateAsync(x, y, { batchSize: c.inferenceBatch, workers }) as wl.Tensor).dataSync()[0];
    return { loss: history.history.loss as number[], weights: model.getWeights().map((w) => w.dataSync()), predictions, evaluated, pool };
  } finally {
    await model.dispose();
  }
}

const cores = availableParallelism();

describe('copy transport (comlink, no shared memory) vs in-process training', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      let reference: Run;
      beforeAll(async () => {
        reference = await train(c, 0);
      });

      for (const workers of c.workers) {
        it.skipIf(workers === 'auto' && cores < 2)(`${SAMPLES} samples, ${EPOCHS} epochs, workers: ${workers}`, async () => {
          const got = await train(c, workers);
          const size = workers === 'auto' ? 1 : workers; // 'auto': this thread and one worker share each step
          expect(got.pool, 'the pool ran, on comlink, with copies').toMatchObject({ transport: 'comlink', sharedMemory: false });
          expect(got.pool!.size).toBeGreaterThanOrEqual(size);
          got.weights.forEach((w, i) => expectNear(w, reference.weights[i], 1e-5, rms(reference.weights[i]), `weight ${i}`));
          expectNear(got.loss, reference.loss, 1e-5, 0, 'loss per epoch');
          expectNear([got.evaluated], [reference.evaluated], 1e-5, 0, 'evaluate');
          expectNear(got.predictions, reference.predictions, 1e-5, 0.1, 'predict');
        });
      }
    });
  }

  it('reruns on the copy transport are bit-identical (shards summed in a fixed order)', async () => {
    const [a, b] = [await train(CASES[0], 2), await train(CASES[0], 2)];
    a.weights.forEach((w, i) => expect(b.weights[i], `weight ${i}`).toEqual(w));
    expect(b.loss).toEqual(a.loss);
  });
});
