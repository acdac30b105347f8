// The workers run the calling thread's kernel module: a page or service that loads the kernels from
// somewhere else (wl.ready({ wasm })) and serves the worker script from somewhere else
// (setPoolOptions({ workerUrl })) needs no kernel files next to the worker script. Here the worker
// bundles are copied to a directory whose default kernel location (../../build/) does not exist.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { resetPool } from '../helpers/pool.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasm-layers-workers-'));
  await cp(new URL('../../dist/workers/', import.meta.url), join(root, 'served', 'workers'), { recursive: true });
});
afterAll(async () => {
  await resetPool();
  await rm(root, { recursive: true, force: true });
});

function model(): wl.LayersModel<wl.Tensor> {
  wl.setSeed(11);
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 6, returnSequences: true, inputShape: [5, 3] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 4, activation: 'softmax' }) })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

describe('worker kernels', () => {
  for (const [transport, file] of [['piscina', 'node-worker.js'], ['comlink', 'web-worker.js']] as const) {
    it(`${transport} workers need no kernel files next to their script`, async () => {
      await resetPool();
      wl.setSeed(5);
      const x = wl.randomUniform([24, 5, 3]);
      const y = wl.randomUniform([24, 5, 4]);
      const reference = model();
      await reference.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, workers: 0 });

      wl.setPoolOptions({ transport, workerUrl: pathToFileURL(join(root, 'served', 'workers', file)) });
      const m = model();
      await m.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0, workers: 2 });
      m.getWeights().forEach((w, i) => expectClose(w.dataSync(), reference.getWeights()[i].dataSync(), { tol: 1e-5, scale: 1, label: `weight ${i}` }));
      const predicted = await m.predictAsync(x, { workers: 2 });
      expectClose(predicted.dataSync(), (await reference.predict(x, { workers: 0 })).dataSync(), { tol: 1e-5, label: 'predict' });
      expect(wl.poolInfo()).toMatchObject({ transport, liveWorkers: 2 });
    });
  }
});
