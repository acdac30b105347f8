/**
 * Trains the seed's model1 with workers on a learnable task (each timestep's target is the argmax of
 * its first 8 features) — the training check of the browser and Deno suites.
 */
import type * as WL from '../../src/index.js';
import { seedModels } from './parity-cases.js';

export interface TrainReport {
  losses: number[];
  pool: WL.PoolInfo | null;
  variant: string;
  ms: number;
  error: string | null;
}

export async function trainSeedModel1(wl: typeof WL, { workers = 2, epochs = 2, samples = 512 } = {}): Promise<TrainReport> {
  const started = performance.now();
  try {
    wl.setSeed(3);
    const { variant } = await wl.ready();
    const { model1 } = seedModels(wl);
    model1.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.rmsprop({ learningRate: 0.01 }) });
    const x = wl.randomUniform([samples, 64, 15]);
    const xs = x.dataSync();
    const y = new Float32Array(samples * 64 * 8);
    for (let r = 0; r < samples * 64; r++) {
      let best = 0;
      for (let c = 1; c < 8; c++) if (xs[r * 15 + c] > xs[r * 15 + best]) best = c;
      y[r * 8 + best] = 1;
    }
    let pool: WL.PoolInfo | null = null;
    const history = await model1.fit(x, wl.tensor(y, [samples, 64, 8]), {
      batchSize: 128, epochs, workers, verbose: 0,
      callbacks: { onBatchEnd: () => void (pool ??= wl.poolInfo()) },
    });
    await wl.shutdown();
    return { losses: history.loss, pool, variant, ms: performance.now() - started, error: null };
  } catch (e) {
    return { losses: [], pool: null, variant: '', ms: performance.now() - started, error: (e as Error)?.stack ?? String(e) };
  }
}
