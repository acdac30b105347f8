// predict, predictOnBatch and evaluate are synchronous as in tfjs: they return tensors now, computed
// on this thread's engine (the same steps as predictAsync / evaluateAsync, which may use the pool),
// work from fit callbacks with the current weights without disturbing the fit, run alongside an
// asynchronous call of the same model, and start the engine synchronously where the runtime can.
import { describe, it, expect, afterAll, afterEach, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as wl from '../../src/index.js';
import { getEngine, startedEngine } from '../../src/backend/engine.js';
import { syncCompilation } from '../../src/backend/wasm-source.js';
import { PoolExecutor } from '../../src/runtime/pool-executor.js';
import { expectClose } from '../helpers/compare.js';
import { poolStats, resetPool } from '../helpers/pool.js';

afterAll(resetPool);

const STEPS = 12;
const FEATURES = 6;
const CLASSES = 4;

/** A recurrent model large enough that a step of 64 samples gains from the pool. */
function seqModel(seed = 3): wl.LayersModel<wl.Tensor> {
  wl.setSeed(seed);
  const m = wl.sequential({
    layers: [
      wl.layers.gru({ units: 24, inputShape: [STEPS, FEATURES] }),
      wl.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return m;
}

function data(samples: number, seed = 5) {
  wl.setSeed(seed);
  const x = wl.randomUniform([samples, STEPS, FEATURES]);
  const labels = Array.from({ length: samples }, (_, i) => (i * 7) % CLASSES);
  return { x, y: wl.oneHot(labels, CLASSES) };
}

/** A model of the same layers with `weights`: what the model computes with exactly those weights. */
function withWeights(weights: wl.Tensor[]): wl.LayersModel<wl.Tensor> {
  const m = seqModel();
  m.setWeights(weights);
  return m;
}

describe('synchronous predict and evaluate', () => {
  it('predict returns a Tensor now (not a promise), whose results chain; await on it still works', async () => {
    const m = seqModel();
    const { x } = data(20);
    const p = m.predict(x);
    expect(p).toBeInstanceOf(wl.Tensor);
    expect(typeof (p as unknown as { then?: unknown }).then).toBe('undefined');
    expect(p.shape).toEqual([20, CLASSES]);
    const values = Array.from(p.dataSync());
    const rowSums = Array.from({ length: 20 }, (_, i) => values.slice(i * CLASSES, (i + 1) * CLASSES).reduce((a, b) => a + b, 0));
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(Array.from(m.predict(x, { batchSize: 7 }).dataSync())).toEqual(Array.from(p.dataSync()));
    expect(Array.from((await m.predict(x)).dataSync())).toEqual(Array.from(p.dataSync()));
    expect(Array.from(m.predictOnBatch(x).dataSync())).toEqual(Array.from(p.dataSync()));
  });

  it('equals predictAsync on this thread and on 2 workers within 1e-6', async () => {
    const m = seqModel();
    const { x } = data(256);
    const now = m.predict(x, { batchSize: 128 }).dataSync();
    const here = (await m.predictAsync(x, { batchSize: 128, workers: 0 })).dataSync();
    const pool = (await m.predictAsync(x, { batchSize: 128, workers: 2 })).dataSync();
    expect(poolStats().liveWorkers).toBe(2);
    expectClose(here, now, { tol: 1e-6, label: 'workers 0' });
    expectClose(pool, now, { tol: 1e-6, label: 'workers 2' });
  });

  it('evaluate returns scalars in Keras order (loss, each output loss, metrics), equal to evaluateAsync', async () => {
    wl.setSeed(9);
    const input = wl.input({ shape: [STEPS, FEATURES] });
    const h = wl.layers.gru({ units: 8 }).apply(input) as wl.SymbolicTensor;
    const tags = wl.layers.dense({ units: CLASSES, activation: 'softmax', name: 'tags' }).apply(h) as wl.SymbolicTensor;
    const score = wl.layers.dense({ units: 1, name: 'score' }).apply(h) as wl.SymbolicTensor;
    const m = wl.model({ inputs: input, outputs: [tags, score] });
    m.compile({ loss: ['categoricalCrossentropy', 'mse'], lossWeights: [1, 0.5], optimizer: 'sgd', metrics: ['accuracy'] });
    const { x, y } = data(40);
    const s = wl.randomUniform([40, 1]);
    const result = m.evaluate(x, [y, s], { batchSize: 16 });
    expect(Array.isArray(result)).toBe(true);
    const scalars = result as wl.Tensor[];
    // loss, tags_loss, score_loss, tags_accuracy, score_accuracy
    expect(scalars.length).toBe(5);
    scalars.forEach((t) => expect(t.shape).toEqual([]));
    const [loss, tagsLoss, scoreLoss] = scalars.map((t) => t.dataSync()[0]);
    expect(loss).toBeCloseTo(tagsLoss + 0.5 * scoreLoss, 5);
    const asyncValues = ((await m.evaluateAsync(x, [y, s], { batchSize: 16, workers: 0 })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
    expectClose(scalars.map((t) => t.dataSync()[0]), asyncValues, { tol: 1e-6, label: 'evaluate' });
    // one output without metrics: a single scalar
    const single = seqModel();
    single.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    const one = single.evaluate(x, y);
    expect(one).toBeInstanceOf(wl.Tensor);
    expect((one as wl.Tensor).shape).toEqual([]);
  });

  it('a count of workers is refused by predict and evaluate, naming the asynchronous variant', () => {
    const m = seqModel();
    const { x, y } = data(8);
    expect(() => m.predict(x, { workers: 2 as never })).toThrow(/predict runs in the calling thread .* \(workers: 2\)\. For the worker pool use await model\.predictAsync\(\.\.\., \{ workers: 2 \}\)/);
    expect(() => m.evaluate(x, y, { workers: 3 as never })).toThrow(/use await model\.evaluateAsync\(\.\.\., \{ workers: 3 \}\)/);
    expect(() => m.predict(x, { workers: -1 as never })).toThrow(/workers/);
    expect(m.predict(x, { workers: 0 }).shape).toEqual([8, CLASSES]);
    expect(m.predict(x, { workers: 'auto' }).shape).toEqual([8, CLASSES]);
  });
});

describe('predict and evaluate from fit callbacks', () => {
  /**
   * Fits 2 epochs of 3 steps, predicting and evaluating in onBatchEnd and onEpochEnd; returns what
   * they computed, the weights they saw, and the fit's result.
   */
  async function fitWithSampling(workers: wl.WorkersOption, sample: boolean) {
    const m = seqModel();
    const { x, y } = data(192);
    const probe = data(10, 8);
    const seen: { where: string; predicted: ArrayLike<number>; loss: number; weights: wl.Tensor[] }[] = [];
    const record = (where: string) => {
      if (!sample) return;
      const predicted = m.predict(probe.x).dataSync();
      const loss = (m.evaluate(probe.x, probe.y) as wl.Tensor[])[0].dataSync()[0];
      seen.push({ where, predicted, loss, weights: m.getWeights() });
    };
    wl.setSeed(21);
    const history = await m.fit(x, y, {
      epochs: 2, batchSize: 64, verbose: 0, workers,
      callbacks: { onBatchEnd: (b) => record(`batch ${b}`), onEpochEnd: (e) => record(`epoch ${e}`) },
    });
    const result = { seen, loss: history.history.loss as number[], weights: m.getWeights().map((w) => Array.from(w.dataSync())), probe };
    await m.dispose();
    return result;
  }

  for (const workers of [0, 2] as const) {
    it(`see the current weights and leave the fit unchanged (fit on ${workers ? `${workers} workers` : 'this thread'})`, async () => {
      const plain = await fitWithSampling(workers, false);
      const onPool = vi.spyOn(PoolExecutor.prototype, 'trainBatch');
      const sampled = await fitWithSampling(workers, true);
      expect(onPool).toHaveBeenCalledTimes(workers ? 6 : 0);
      onPool.mockRestore();
      expect(sampled.seen.map((s) => s.where)).toEqual(['batch 0', 'batch 1', 'batch 2', 'epoch 0', 'batch 0', 'batch 1', 'batch 2', 'epoch 1']);
      // the fit computed exactly what it computes without the callbacks' inference
      expect(sampled.loss).toEqual(plain.loss);
      sampled.weights.forEach((w, i) => expect(w).toEqual(plain.weights[i]));
      // each callback's outputs are those of the weights at that moment (which moved every step)
      for (const s of sampled.seen) {
        const reference = withWeights(s.weights);
        expectClose(s.predicted, (await reference.predictAsync(sampled.probe.x, { workers: 0 })).dataSync(), { tol: 1e-6, label: s.where });
        expect(s.loss).toBeCloseTo(((await reference.evaluateAsync(sampled.probe.x, sampled.probe.y, { workers: 0 })) as wl.Tensor[])[0].dataSync()[0], 6);
        await reference.dispose();
      }
      expect(sampled.seen[1].predicted).not.toEqual(sampled.seen[0].predicted);
      expect(sampled.seen[7].predicted).toEqual(sampled.seen[6].predicted); // epoch end: no step since the last batch
    });
  }

  it('an awaited predictAsync / evaluateAsync in a callback runs on this thread instead of being refused', async () => {
    const m = seqModel();
    const { x, y } = data(128);
    const got: number[] = [];
    await m.fit(x, y, {
      epochs: 1, batchSize: 64, verbose: 0, workers: 2,
      callbacks: {
        onEpochEnd: async () => {
          const now = m.predict(x).dataSync();
          const later = (await m.predictAsync(x, { workers: 2 })).dataSync();
          got.push(Math.max(...later.map((v, i) => Math.abs(v - now[i]))));
          got.push((await m.evaluateAsync(x, y) as wl.Tensor[])[1].dataSync()[0]);
        },
      },
    });
    expect(got[0]).toBe(0);
    expect(got[1]).toBeCloseTo(((m.evaluate(x, y) as wl.Tensor[])[1]).dataSync()[0], 6);
    await expect(m.fit(x, y, { verbose: 0, callbacks: { onEpochEnd: () => m.fit(x, y, { verbose: 0 }) as never } })).rejects.toThrow('fit is still running');
  });
});

describe('concurrent calls', () => {
  it('a synchronous predict while predictAsync waits for its workers gives both their right outputs', async () => {
    const m = seqModel();
    const { x } = data(256);
    const expected = m.predict(x).dataSync();
    await m.predictAsync(x, { workers: 2 }); // the pool is up
    for (const workers of [2, 'auto', 0] as const) {
      const pending = m.predictAsync(x, { workers, batchSize: 256 });
      const meanwhile = m.predict(x.dataSync().subarray(0, 32 * STEPS * FEATURES) as Float32Array, { batchSize: 8 });
      const also = (await Promise.all([m.predictAsync(x, { workers }), Promise.resolve().then(() => m.predict(x))]));
      expectClose(meanwhile.dataSync(), expected.subarray(0, 32 * CLASSES), { tol: 1e-6, label: `sync beside ${workers}` });
      expectClose((await pending).dataSync(), expected, { tol: 1e-6, label: `async ${workers}` });
      for (const t of also) expectClose(t.dataSync(), expected, { tol: 1e-6, label: `both ${workers}` });
    }
  });
});

describe('the engine, started synchronously', () => {
  const readFile = syncCompilation.readFile;
  afterEach(() => {
    syncCompilation.readFile = readFile;
  });

  it('a first predict starts the engine in this call; async starts then share it (one engine)', async () => {
    const m = seqModel();
    const { x } = data(4);
    const before = m.predict(x).dataSync();
    await wl.shutdown();
    expect(startedEngine()).toBeNull();
    const after = m.predict(x).dataSync(); // no await: compiled and instantiated synchronously
    const engine = startedEngine();
    expect(engine).not.toBeNull();
    expect(await getEngine()).toBe(engine);
    expect(Array.from(after)).toEqual(Array.from(before));
    // an asynchronous start under way when predict needs the engine: both end with the same one
    await wl.shutdown();
    const pending = getEngine();
    m.predict(x);
    const sync = startedEngine();
    expect(await pending).toBe(sync);
    expect(await getEngine()).toBe(sync);
    expect(sync!.isDisposed).toBe(false);
  });

  it('where the module cannot be compiled synchronously (a browser main thread), a clear error says to await wl.ready() first', async () => {
    const m = seqModel();
    const { x, y } = data(4);
    await wl.shutdown();
    syncCompilation.readFile = null;
    const message = /predict runs synchronously on the kernels, which have not loaded yet, and this runtime cannot compile them synchronously .*Call `await wl\.ready\(\)` \(or any asynchronous model call: fit, predictAsync, evaluateAsync\) once before, or use predictAsync/;
    expect(() => m.predict(x)).toThrow(message);
    expect(() => m.predict(x)).toThrow(wl.StateError);
    expect(() => m.evaluate(x, y)).toThrow(/evaluate runs synchronously .* or use evaluateAsync/);
    expect(startedEngine()).toBeNull();
    await wl.ready();
    expect(m.predict(x).shape).toEqual([4, CLASSES]);
  });

  it('a fresh Node process predicts synchronously without any await (the built package)', async () => {
    const script = `
      import * as wl from 'wasm-layers';
      wl.setSeed(1);
      const m = wl.sequential({ layers: [wl.layers.lstm({ units: 8, inputShape: [5, 3] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
      const x = wl.randomUniform([3, 5, 3]);
      const p = m.predict(x);
      const loss = m.evaluate(x, wl.oneHot([0, 1, 0], 2)).dataSync()[0];
      console.log(JSON.stringify({ isPromise: p instanceof Promise, shape: p.shape, sums: [0, 1, 2].map((i) => p.dataSync()[2 * i] + p.dataSync()[2 * i + 1]), loss, variant: (await wl.ready()).variant }));
      await wl.shutdown();
    `;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { isPromise: boolean; shape: number[]; sums: number[]; loss: number; variant: string };
    expect(report.isPromise).toBe(false);
    expect(report.shape).toEqual([3, 2]);
    report.sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(report.loss).toBeGreaterThan(0);
    expect(report.variant).toBe('simd');
  });
});
