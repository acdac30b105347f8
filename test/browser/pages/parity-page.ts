// Browser entry of the shared parity suite: runs the cases, the worker training and 'auto' against
// the library's browser bundle (dist/browser/wasm-layers.js, loaded as the page would load it).
import type * as WL from '../../../src/index.js';
import { runParity } from '../../shared/parity-cases.js';
import { trainSeedModel1 } from '../../shared/train-seed.js';
import { autoWorkers } from '../../shared/auto-workers.js';

const LIBRARY = '/dist/browser/wasm-layers.js';

(window as unknown as { parity: Promise<unknown> }).parity = (async () => {
  const wl = (await import(LIBRARY)) as typeof WL;
  // a page's main thread cannot compile the kernels synchronously: the synchronous predict and
  // evaluate need them loaded first (as tfjs-backend-wasm needs tf.ready()), and say so
  const probe = wl.sequential({ layers: [wl.layers.dense({ units: 2, inputShape: [3] })] });
  let beforeReady: string | null = null;
  try {
    probe.predict(wl.zeros([1, 3]));
  } catch (e) {
    beforeReady = (e as Error).message;
  }
  await wl.ready();
  const afterReady = probe.predict(wl.zeros([1, 3])).shape;
  const results = await runParity(wl);
  const training = await trainSeedModel1(wl, { workers: 2, epochs: 2 });
  const auto = await autoWorkers(wl);
  return { results, training, auto, crossOriginIsolated: globalThis.crossOriginIsolated, syncPredict: { beforeReady, afterReady } };
})();
