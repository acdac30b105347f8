/**
 * `workers: 'auto'` where the browser and Deno suites run it: how many workers the seed model1's
 * training step got (a page's UI thread keeps every shard on workers; elsewhere this thread takes a
 * share), and whether a predict with a share on this thread gives the in-process predictions.
 */
import type * as WL from '../../src/index.js';
import { seedModels } from './parity-cases.js';

export interface AutoReport {
  /** The pool's size after one 'auto' epoch at batch 128 (a 73 MFLOP step). */
  trainingPool: number | null;
  /** Largest |difference| between the 'auto' predict of 256 samples (53 MFLOP) and the in-process one. */
  predictDiff: number;
  predictShape: number[];
  error: string | null;
}

export async function autoWorkers(wl: typeof WL): Promise<AutoReport> {
  try {
    wl.setSeed(5);
    const { model1 } = seedModels(wl);
    model1.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
    const x = wl.randomUniform([256, 64, 15]);
    await model1.fit(x, wl.randomUniform([256, 64, 8]), { batchSize: 128, epochs: 1, verbose: 0, workers: 'auto' });
    const trainingPool = wl.poolInfo()?.size ?? null;
    const expected = (await model1.predict(x, { batchSize: 256, workers: 0 })).dataSync();
    const shared = await model1.predictAsync(x, { batchSize: 256, workers: 'auto' }); // the pool is running: this thread and a worker
    const got = shared.dataSync();
    let predictDiff = got.length === expected.length ? 0 : Infinity;
    for (let i = 0; i < got.length; i++) predictDiff = Math.max(predictDiff, Math.abs(got[i] - expected[i]));
    await wl.shutdown();
    return { trainingPool, predictDiff, predictShape: shared.shape, error: null };
  } catch (e) {
    return { trainingPool: null, predictDiff: Infinity, predictShape: [], error: (e as Error)?.stack ?? String(e) };
  }
}
