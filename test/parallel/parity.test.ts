// Data-parallel training gives the in-process result: any worker count, and 'auto' (this thread
// claiming chunks of each batch alongside the workers), within 1e-5 (relative to the weights' size)
// after several steps, and bit-identical reruns for a given worker count.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { resetPool } from '../helpers/pool.js';

afterAll(resetPool);

interface Case {
  name: string;
  build: () => wl.LayersModel<wl.Tensor>;
  samples: number;
  xShape: number[];
  yShape: number[];
  batchSize: number;
  epochs: number;
}

const keras2 = { resetAfter: false, recurrentActivation: 'hard_sigmoid' } as const;
const softmaxHead = () => wl.layers.activation({ activation: 'softmax' });

const CASES: Case[] = [
  {
    name: 'seed model1, 300 samples in batches of 128 (a last batch of 44)',
    build: () => wl.sequential({ layers: [wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15], ...keras2 }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }), softmaxHead()] }),
    samples: 300, xShape: [64, 15], yShape: [64, 8], batchSize: 128, epochs: 2,
  },
  {
    name: 'seed model3, 130 samples in batches of 64 (the last batch of 2 is smaller than 3 workers)',
    build: () => wl.sequential({ layers: [wl.layers.gru({ units: 16, inputShape: [64, 15], ...keras2 }), wl.layers.dense({ units: 8 }), softmaxHead()] }),
    samples: 130, xShape: [64, 15], yShape: [8], batchSize: 64, epochs: 2,
  },
  {
    name: 'GRU(64), Keras 3 defaults, sequences → TimeDistributed(Dense(8)) → softmax',
    build: () => wl.sequential({ layers: [wl.layers.gru({ units: 64, returnSequences: true, inputShape: [20, 8] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }), softmaxHead()] }),
    samples: 96, xShape: [20, 8], yShape: [20, 8], batchSize: 32, epochs: 2,
  },
  {
    name: 'batch size 1',
    build: () => wl.sequential({ layers: [wl.layers.gru({ units: 8, inputShape: [5, 3] }), wl.layers.dense({ units: 4, activation: 'softmax' })] }),
    samples: 5, xShape: [5, 3], yShape: [4], batchSize: 1, epochs: 2,
  },
];

async function train(c: Case, workers: wl.WorkersOption) {
  wl.setSeed(11);
  wl.clearSession();
  const x = wl.randomUniform([c.samples, ...c.xShape]);
  const y = wl.randomUniform([c.samples, ...c.yShape]);
  const model = c.build();
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  const history = await model.fit(x, y, { batchSize: c.batchSize, epochs: c.epochs, workers, verbose: 0 });
  const predictions = (await model.predictAsync(x, { workers, batchSize: 40 })).dataSync();
  const evaluated = ((await model.evaluateAsync(x, y, { workers, batchSize: 40 })) as wl.Tensor).dataSync()[0];
  const weights = model.getWeights().map((w) => w.dataSync());
  await model.dispose();
  return { loss: history.loss, predictions, evaluated, weights };
}

describe('worker parity with in-process training (piscina pool)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const reference = await train(c, 0);
      for (const workers of [1, 2, 3, 'auto'] as const) {
        const got = await train(c, workers);
        got.weights.forEach((w, i) => {
          const scale = Math.sqrt(reference.weights[i].reduce((s, v) => s + v * v, 0) / w.length);
          expectClose(w, reference.weights[i], { tol: 1e-5, scale, label: `${workers} workers, weight ${i}` });
        });
        expectClose(got.loss, reference.loss, { tol: 1e-6, scale: 0, label: `${workers} workers, loss` });
        expectClose([got.evaluated], [reference.evaluated], { tol: 1e-6, scale: 0, label: `${workers} workers, evaluate` });
        expectClose(got.predictions, reference.predictions, { tol: 1e-5, scale: 0.1, label: `${workers} workers, predict` });
      }
    });
  }

  it('two runs with the same worker count give bit-identical weights', async () => {
    for (const workers of [2, 'auto'] as const) {
      const [a, b] = [await train(CASES[0], workers), await train(CASES[0], workers)];
      a.weights.forEach((w, i) => expectIdentical(b.weights[i], w, `${workers}: weight ${i}`));
      expect(b.loss).toEqual(a.loss);
    }
  });
});

describe('a model changed between pool runs', () => {
  it('freezing a layer after a fit on the pool reaches the workers: the frozen weights stay, the rest train as in process', async () => {
    const run = async (workers: wl.WorkersOption) => {
      wl.setSeed(5);
      wl.clearSession();
      const x = wl.randomUniform([96, 12, 4]);
      const y = wl.randomUniform([96, 3]);
      const model = wl.sequential({ layers: [wl.layers.gru({ units: 8, inputShape: [12, 4], ...keras2 }), wl.layers.dense({ units: 3, activation: 'softmax' })] });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      await model.fit(x, y, { batchSize: 32, epochs: 1, workers, verbose: 0 });
      model.layers[0].trainable = false;
      const frozen = model.layers[0].getWeights().map((w) => w.dataSync().slice());
      await model.fit(x, y, { batchSize: 32, epochs: 1, workers, verbose: 0 });
      model.layers[0].getWeights().forEach((w, i) => expectIdentical(w.dataSync(), frozen[i], `${workers}: frozen GRU weight ${i}`));
      const weights = model.getWeights().map((w) => w.dataSync());
      await model.dispose();
      return weights;
    };
    const reference = await run(0);
    const pooled = await run(2);
    pooled.forEach((w, i) => expectClose(w, reference[i], { tol: 1e-5, scale: 0.1, label: `weight ${i}` }));
  });
});

describe('worker parity with the comlink transport (Web Worker protocol on Node worker threads)', () => {
  it("seed model1 with 2 workers, and with 'auto' (this thread and a worker), matches in-process training", async () => {
    await resetPool();
    wl.setPoolOptions({ transport: 'comlink' });
    try {
      const reference = await train(CASES[0], 0);
      for (const workers of [2, 'auto'] as const) {
        const got = await train(CASES[0], workers);
        got.weights.forEach((w, i) => expectClose(w, reference.weights[i], { tol: 1e-5, scale: 0.1, label: `${workers}: weight ${i}` }));
        expectClose(got.predictions, reference.predictions, { tol: 1e-5, scale: 0.1, label: `${workers}: predict` });
      }
    } finally {
      await resetPool();
    }
  });
});
