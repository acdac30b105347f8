// Browser entry of the shared parity suite: runs the cases, the worker training and 'auto' against
// the library's browser bundle (dist/browser/wasm-layers.js, loaded as the page would load it).
import type * as WL from '../../../src/index.js';
import { runParity } from '../../shared/parity-cases.js';
import { trainSeedModel1 } from '../../shared/train-seed.js';
import { autoWorkers } from '../../shared/auto-workers.js';

const LIBRARY = '/dist/browser/wasm-layers.js';

(window as unknown as { parity: Promise<unknown> }).parity = (async () => {
  const wl = (await import(LIBRARY)) as typeof WL;
  const results = await runParity(wl);
  const training = await trainSeedModel1(wl, { workers: 2, epochs: 2 });
  const auto = await autoWorkers(wl);
  return { results, training, auto, crossOriginIsolated: globalThis.crossOriginIsolated };
})();
