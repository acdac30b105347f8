import { describe, it, expect, afterEach, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as wl from '../../src/index.js';
import { poolStats, resetPool } from '../helpers/pool.js';
import { acquirePool } from '../../src/parallel/pool-registry.js';
import { MIN_FLOPS_PER_SHARE, MIN_FLOPS_PER_WORKER, MIN_INFERENCE_FLOPS_PER_SHARE, planWork } from '../../src/runtime/plan.js';
import { chunkBounds, chunkPolicy } from '../../src/parallel/row-claims.js';
import { StepRunner } from '../../src/runtime/step-runner.js';

afterEach(resetPool);

function smallModel() {
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

const x = () => wl.randomUniform([16, 6, 4]);
const y = () => wl.randomUniform([16, 2]);

describe('the worker pool lifecycle', () => {
  it('starts lazily, is reused across calls and models, and shutdown() ends every worker', async () => {
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
    const [a, b] = [smallModel(), smallModel()];
    expect(poolStats().liveWorkers).toBe(0);
    await a.fit(x(), y(), { workers: 2, verbose: 0 });
    expect(poolStats()).toEqual({ size: 2, liveWorkers: 2 });
    await b.fit(x(), y(), { workers: 2, verbose: 0 });
    await a.predictAsync(x(), { workers: 2 });
    expect(poolStats()).toEqual({ size: 2, liveWorkers: 2 });
    await wl.shutdown();
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
    await a.fit(x(), y(), { workers: 2, verbose: 0 }); // starts again on demand
    expect(poolStats().liveWorkers).toBe(2);
  });

  it('keeps a larger pool for operations that ask for fewer workers and replaces a smaller one when idle', async () => {
    const first = await acquirePool(3, 901);
    first.release();
    const fewer = await acquirePool(2, 901);
    fewer.release();
    expect(fewer.pool).toBe(first.pool); // no restart: same workers, kernels and replicas
    expect([first.workers, fewer.workers]).toEqual([3, 2]);
    const busy = await acquirePool(3, 901);
    const whileBusy = await acquirePool(4, 902); // a larger ask while the pool works gets what there is
    expect([whileBusy.pool, whileBusy.workers]).toEqual([busy.pool, 3]);
    busy.release();
    whileBusy.release();
    const more = await acquirePool(4, 901);
    more.release();
    expect(more.pool).not.toBe(first.pool);
    expect([more.workers, poolStats().size]).toEqual([4, 4]);
  });

  it('a subset of a larger pool computes what a pool of that size does', async () => {
    const m = smallModel();
    const xs = x();
    await m.fit(xs, y(), { workers: 3, verbose: 0, epochs: 1 });
    const expected = await (await m.predict(xs, { workers: 0 })).data();
    const onTwo = await (await m.predictAsync(xs, { workers: 2 })).data();
    expect(poolStats()).toEqual({ size: 3, liveWorkers: 3 });
    expect(Array.from(onTwo)).toEqual(Array.from(expected));
    const ys = y();
    const lossOf = async (workers: number) => ((await m.evaluateAsync(xs, ys, { workers })) as wl.Tensor).dataSync()[0];
    expect(await lossOf(1)).toBeCloseTo(await lossOf(0), 6);
    expect(poolStats().size).toBe(3);
  });

  it('predictions of any batch size come back whole through the shared output buffer a model reuses', async () => {
    const m = smallModel();
    for (const samples of [16, 5, 16, 1]) {
      const xs = wl.randomUniform([samples, 6, 4]);
      const onWorkers = await m.predictAsync(xs, { workers: 2 });
      expect(onWorkers.shape).toEqual([samples, 2]);
      expect(Array.from(await onWorkers.data())).toEqual(Array.from(await (await m.predict(xs, { workers: 0 })).data()));
    }
  });

  it('a model whose config changes between pool operations is rebuilt in the workers', async () => {
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] })] });
    const xs = wl.randomUniform([8, 6, 4]);
    await m.predictAsync(xs, { workers: 2 });
    m.add(wl.layers.dense({ units: 3, activation: 'softmax' })); // new config and weights, same model id
    const onWorkers = await m.predictAsync(xs, { workers: 2 });
    expect(onWorkers.shape).toEqual([8, 3]);
    expect(Array.from(await onWorkers.data())).toEqual(Array.from(await (await m.predict(xs, { workers: 0 })).data()));
  });

  it('disposing the last model that used the pool ends it', async () => {
    const [a, b] = [smallModel(), smallModel()];
    await a.fit(x(), y(), { workers: 2, verbose: 0 });
    await b.fit(x(), y(), { workers: 2, verbose: 0 });
    await a.dispose();
    expect(poolStats().liveWorkers).toBe(2);
    await b.dispose();
    expect(poolStats()).toEqual({ size: 0, liveWorkers: 0 });
  });

  it("'auto' stays in process for steps too small to share and otherwise splits them between this thread and workers", async () => {
    const gruModel = (units: number) => {
      const m = wl.sequential({ layers: [wl.layers.gru({ units, returnSequences: true, inputShape: [64, 15] }), wl.layers.dense({ units: 8, activation: 'softmax' })] });
      m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
      return m;
    };
    const stepFlops = (batch: number) => 3 * batch * 2 * 64 * (15 + 16) * 48; // the GRU(16)'s, forward and backward
    const [xs, ys] = [wl.randomUniform([128, 64, 15]), wl.randomUniform([128, 64, 8])];
    await smallModel().fit(x(), y(), { verbose: 0 });
    // a GRU(16) step of batch 32 (≈ 18 MFLOP) is not worth two shares
    expect(stepFlops(32)).toBeLessThan(2 * MIN_FLOPS_PER_SHARE);
    await gruModel(16).fit(xs, ys, { batchSize: 32, verbose: 0 });
    expect(poolStats().liveWorkers).toBe(0);
    // the seed model1's step (batch 128, ≈ 73 MFLOP): this thread claims the first chunk of the step's
    // grid and then chunks alongside the workers
    const cores = (await import('node:os')).availableParallelism();
    const shares = cores >= 2 ? Math.min(cores, Math.floor(stepFlops(128) / MIN_FLOPS_PER_SHARE)) : 1;
    const local = vi.spyOn(StepRunner.prototype, 'computeGradients');
    await gruModel(16).fit(xs, ys, { batchSize: 128, verbose: 0 });
    expect(poolStats().liveWorkers).toBe(shares - 1);
    const bounds = chunkBounds(chunkPolicy(128, shares, stepFlops(1)));
    const grid = bounds.slice(1).map((end, i) => end - bounds[i]);
    expect(local.mock.calls[0][0].inputs[0].shape[0]).toBe(grid[0]);
    for (const c of local.mock.calls) expect(grid).toContain(c[0].inputs[0].shape[0]);
    local.mockRestore();
    // inference: the seed's predict of 1000 samples (≈ 207 MFLOP) in batches of 32 (6.6 MFLOP)
    // stays in process; in one batch it is shared
    const none = { workers: 0, callerShare: false };
    const withThisThread = (n: number) => (cores >= 2 ? { workers: Math.min(cores, n) - 1, callerShare: true } : none);
    expect(await planWork('auto', 6.6e6, true)).toEqual(none);
    expect(await planWork('auto', 207e6, true)).toEqual(withThisThread(Math.floor(207e6 / MIN_INFERENCE_FLOPS_PER_SHARE)));
    expect(await planWork('auto', 2 * MIN_INFERENCE_FLOPS_PER_SHARE, true)).toEqual(withThisThread(2));
    expect(await planWork('auto', 207e6, false)).toEqual(withThisThread(Math.floor(207e6 / MIN_FLOPS_PER_SHARE)));
    // training on a page's UI thread leaves every shard to workers, which need larger shares
    vi.stubGlobal('document', {});
    try {
      expect(await planWork('auto', 207e6, false)).toEqual(cores >= 2 ? { workers: Math.min(cores, Math.floor(207e6 / MIN_FLOPS_PER_WORKER)), callerShare: false } : none);
      expect(await planWork('auto', 207e6, true)).toEqual(withThisThread(Math.floor(207e6 / MIN_INFERENCE_FLOPS_PER_SHARE)));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(await planWork(3, 1, true)).toEqual({ workers: 3, callerShare: false });
  });

  it('a Node script that trains with workers and returns exits by itself', async () => {
    const script = `
      import * as wl from 'wasm-layers';
      const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] }), wl.layers.dense({ units: 2 })] });
      m.compile({ loss: 'mse', optimizer: 'rmsprop' });
      const h = await m.fit(wl.randomUniform([16, 6, 4]), wl.randomUniform([16, 2]), { workers: 2, verbose: 0 });
      console.log('trained', h.loss.length);
    `;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve('still running after 20 s');
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c ?? -1);
      });
    });
    expect(code, out).toBe(0);
    expect(out).toContain('trained 1');
  });
});
