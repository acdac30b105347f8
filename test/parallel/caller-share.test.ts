// 'auto' inference on a model large enough to share: this thread computes the first shard of each
// batch while pool workers compute the rest. Without a running pool the call runs here and a pool
// starts in the background for later calls.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { availableParallelism } from 'node:os';
import * as wl from '../../src/index.js';
import { StepRunner } from '../../src/runtime/step-runner.js';
import { MIN_INFERENCE_FLOPS_PER_SHARE } from '../../src/runtime/plan.js';
import { chunkBounds, chunkPolicy } from '../../src/parallel/row-claims.js';
import { poolSizeOrStart, releaseModel } from '../../src/parallel/pool-registry.js';
import { poolStats, resetPool } from '../helpers/pool.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await resetPool();
});

const [STEPS, FEATURES, UNITS] = [32, 32, 64];
/** The GRU(64)'s forward FLOPs per sample (x·W and h·U over 32 steps) plus the Dense's. */
const FLOPS_PER_SAMPLE = 2 * STEPS * (FEATURES + UNITS) * 3 * UNITS + 2 * UNITS * 5;
/** Samples whose batch is worth two shares (and not three): one on this thread, one on a worker. */
const SAMPLES = Math.ceil((2 * MIN_INFERENCE_FLOPS_PER_SHARE) / FLOPS_PER_SAMPLE) + 1;

function model() {
  wl.setSeed(11);
  const m = wl.sequential({ layers: [wl.layers.gru({ units: UNITS, inputShape: [STEPS, FEATURES] }), wl.layers.dense({ units: 5, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return m;
}

const multiCore = availableParallelism() >= 2;

/** Waits until the background start has produced live workers. */
async function poolStarted(): Promise<void> {
  await vi.waitFor(() => expect(poolStats().liveWorkers).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });
}

describe.runIf(multiCore)("'auto' inference shares batches between this thread and the workers", () => {
  it('the first call runs here and starts the pool; later calls split each batch, with the same predictions', async () => {
    expect(SAMPLES * FLOPS_PER_SAMPLE).toBeLessThan(3 * MIN_INFERENCE_FLOPS_PER_SHARE);
    const m = model();
    const xs = wl.randomUniform([SAMPLES, STEPS, FEATURES]);
    const expected = Array.from(await (await m.predict(xs, { batchSize: SAMPLES, workers: 0 })).data());
    expect(poolStats().size).toBe(0);

    const local = vi.spyOn(StepRunner.prototype, 'predict');
    const first = await m.predictAsync(xs, { batchSize: SAMPLES });
    expect(Array.from(await first.data())).toEqual(expected);
    expect(local.mock.calls.map((c) => c[0][0].shape[0])).toEqual([SAMPLES]); // all of it, on this thread
    await poolStarted();
    expect(poolStats()).toEqual({ size: 1, liveWorkers: 1 });

    local.mockClear();
    const shared = await m.predictAsync(xs, { batchSize: SAMPLES });
    expect(shared.shape).toEqual([SAMPLES, 5]);
    expect(Array.from(await shared.data())).toEqual(expected);
    // this thread claimed the first chunk, then claimed on alongside the worker, straight into the result
    const mine = local.mock.calls.map((c) => c[0][0].shape[0]);
    expect(mine[0]).toBe(chunkBounds(chunkPolicy(SAMPLES, 2, FLOPS_PER_SAMPLE))[1]);
    expect(mine.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(SAMPLES);
  });

  it('rows are claimed as the call runs: when this thread is slow, the worker computes most of the batch', async () => {
    const m = model();
    const rows = 4 * SAMPLES;
    const xs = wl.randomUniform([rows, STEPS, FEATURES]);
    const expected = Array.from(await (await m.predict(xs, { batchSize: rows, workers: 0 })).data());
    await m.predictAsync(xs, { batchSize: rows });
    await poolStarted();
    // this thread loses 250 ms before each of its chunks (a core shared with something else; wide
    // enough that the worker claims the rest even on a loaded machine)
    const original = StepRunner.prototype.predict;
    const local = vi.spyOn(StepRunner.prototype, 'predict').mockImplementation(function (this: StepRunner, ...args) {
      const until = performance.now() + 250;
      while (performance.now() < until);
      return original.apply(this, args);
    });
    const y = await m.predictAsync(xs, { batchSize: rows });
    expect(Array.from(await y.data())).toEqual(expected);
    const mine = local.mock.calls.map((c) => c[0][0].shape[0]);
    expect(mine[0]).toBe(chunkBounds(chunkPolicy(rows, 2, FLOPS_PER_SAMPLE))[1]);
    // a fixed split would have left half of the rows (70) here; the worker claimed most of them
    expect(mine.reduce((a, b) => a + b, 0)).toBeLessThan(rows / 2);
  });

  it('training claims chunks too: a slow thread here changes who computes what, not one bit of the weights', async () => {
    const train = async (slowHere: boolean) => {
      const m = model();
      wl.setSeed(3);
      const xs = wl.randomUniform([4 * SAMPLES, STEPS, FEATURES]);
      const ys = wl.oneHot(wl.tensor1d(Array.from({ length: 4 * SAMPLES }, (_, i) => i % 5)), 5);
      await m.predictAsync(xs, { batchSize: 4 * SAMPLES }); // the pool, started in the background
      await poolStarted();
      const original = StepRunner.prototype.computeGradients;
      const local = vi.spyOn(StepRunner.prototype, 'computeGradients').mockImplementation(function (this: StepRunner, ...args) {
        const until = performance.now() + (slowHere ? 100 : 0);
        while (performance.now() < until);
        return original.apply(this, args);
      });
      const history = await m.fit(xs, ys, { batchSize: 2 * SAMPLES, epochs: 2, verbose: 0 });
      const rowsHere = local.mock.calls.reduce((n, c) => n + c[0].inputs[0].shape[0], 0);
      local.mockRestore();
      const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
      await m.dispose();
      await resetPool();
      return { loss: history.history.loss, weights, rowsHere };
    };
    const [even, slow] = [await train(false), await train(true)];
    expect(even.rowsHere).toBeGreaterThan(0); // this thread took part in both
    // 4 steps of 2·SAMPLES rows: a fixed split leaves half of them here; slowed, this thread did less
    expect(slow.rowsHere).toBeLessThan(4 * SAMPLES);
    expect(slow.loss).toEqual(even.loss);
    slow.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(even.weights[i]));
  });

  it('a loop of awaited predicts that never yields to the event loop still gets its pool started', async () => {
    const m = model();
    const xs = wl.randomUniform([SAMPLES, STEPS, FEATURES]);
    const local = vi.spyOn(StepRunner.prototype, 'predict');
    let calls = 0;
    // only microtasks between calls: the pool's start needs event-loop tasks (module loading, worker start)
    while (poolStats().liveWorkers === 0 && calls < 2000) {
      await m.predictAsync(xs, { batchSize: SAMPLES });
      calls++;
    }
    expect(poolStats().liveWorkers).toBe(1);
    local.mockClear();
    await m.predictAsync(xs, { batchSize: SAMPLES });
    expect(local.mock.calls[0][0][0].shape[0]).toBeLessThan(SAMPLES); // shared with the worker now
  });

  it('batches of every size, and a last batch too small to split, come back whole and in order', async () => {
    const m = model();
    const xs = wl.randomUniform([2 * SAMPLES + 3, STEPS, FEATURES]);
    const expected = Array.from(await (await m.predict(xs, { batchSize: SAMPLES, workers: 0 })).data());
    await m.predictAsync(xs, { batchSize: SAMPLES });
    await poolStarted();
    for (const batchSize of [SAMPLES, SAMPLES + 1, 2 * SAMPLES + 3]) {
      const y = await m.predictAsync(xs, { batchSize });
      expect(Array.from(await y.data()), `batchSize ${batchSize}`).toEqual(expected);
    }
  });

  it('evaluate sums the chunks\' totals in grid order, whoever computed them: the in-process loss and accuracy', async () => {
    const m = model();
    const xs = wl.randomUniform([SAMPLES, STEPS, FEATURES]);
    const ys = wl.oneHot(wl.tensor1d(Array.from({ length: SAMPLES }, (_, i) => i % 5)), 5);
    const scores = async (workers: wl.WorkersOption) =>
      ((await m.evaluateAsync(xs, ys, { batchSize: SAMPLES, workers })) as wl.Tensor[]).map((t) => t.dataSync()[0]);
    const expected = await scores(0);
    await scores('auto');
    await poolStarted();
    const local = vi.spyOn(StepRunner.prototype, 'evaluate');
    const shared = await scores('auto');
    expect(local.mock.calls[0][0].inputs[0].shape[0]).toBe(chunkBounds(chunkPolicy(SAMPLES, 2, FLOPS_PER_SAMPLE))[1]);
    expect(shared[0]).toBeCloseTo(expected[0], 6);
    expect(shared[1]).toBe(expected[1]);
  });

  it("a failure in this thread's shard rejects the call with its error; the pool stays and the next call works", async () => {
    const m = model();
    const xs = wl.randomUniform([SAMPLES, STEPS, FEATURES]);
    await m.predictAsync(xs, { batchSize: SAMPLES });
    await poolStarted();
    vi.spyOn(StepRunner.prototype, 'predict').mockImplementationOnce(() => {
      throw new Error('injected failure on this thread');
    });
    await expect(m.predictAsync(xs, { batchSize: SAMPLES })).rejects.toThrow('injected failure on this thread');
    const again = await m.predictAsync(xs, { batchSize: SAMPLES });
    expect(again.shape).toEqual([SAMPLES, 5]);
    expect(poolStats().liveWorkers).toBe(1);
  });

  it('shutdown() and disposing the model during the background start leave no worker running', async () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    expect(poolSizeOrStart(1, 901)).toBe(0); // starting in the background
    expect(poolSizeOrStart(1, 901)).toBe(0); // one start at a time
    await wl.shutdown();
    await settle();
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
    expect(poolSizeOrStart(1, 902)).toBe(0);
    await releaseModel(902); // model 902, the only one the pool would serve, was disposed
    await settle();
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
    // through a model: its first 'auto' predict starts the pool, disposing it ends the pool
    const m = model();
    await m.predictAsync(wl.randomUniform([SAMPLES, STEPS, FEATURES]), { batchSize: SAMPLES });
    await m.dispose();
    await settle();
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
  });

  it('explicit worker counts keep this thread free: every shard goes to a worker', async () => {
    const m = model();
    const xs = wl.randomUniform([SAMPLES, STEPS, FEATURES]);
    const local = vi.spyOn(StepRunner.prototype, 'predict');
    await m.predictAsync(xs, { batchSize: SAMPLES, workers: 2 });
    expect(local).not.toHaveBeenCalled();
    expect(poolStats().liveWorkers).toBe(2);
  });
});
