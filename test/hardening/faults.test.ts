// Faults inside workers, beyond throw / exit / hang (test/parallel/faults.test.ts): a WebAssembly trap
// in a kernel and a worker that runs out of memory. Each rejects the step with its cause, leaves the
// weights of the last completed step, and the pool recovers with the same number of workers.
import { describe, it, expect, afterEach } from 'vitest';
import * as wl from '../../src/index.js';
import { FAULT_OOM, FAULT_TRAP } from '../fixtures/faults.js';
import { expectIdentical } from '../helpers/compare.js';
import { fixtureUrl, poolStats, resetPool } from '../helpers/pool.js';

afterEach(resetPool);

function model() {
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

for (const [transport, fixture] of [['piscina', 'faulty-node-worker'], ['comlink', 'faulty-comlink-worker']] as const) {
  describe(`worker faults (${transport})`, () => {
    for (const [fault, sentinel, cause] of [
      ['a WebAssembly trap in a kernel', FAULT_TRAP, /memory access out of bounds/],
      ['an out-of-memory worker', FAULT_OOM, /out of memory|heap/i],
    ] as const) {
      it(`${fault}: rejected with the cause, weights kept, pool recovered`, async () => {
        wl.setPoolOptions({ transport, workerUrl: fixtureUrl(fixture), maxWorkerHeapMb: 64 });
        const m = model();
        wl.setSeed(3);
        const x = wl.randomUniform([16, 6, 4]);
        const y = wl.randomUniform([16, 2]);
        await m.fit(x, y, { batchSize: 8, verbose: 0, workers: 2 });
        const before = m.getWeights().map((w) => w.dataSync().slice());
        const workers = poolStats().liveWorkers;
        const bad = wl.randomUniform([8, 6, 4]);
        bad.dataSync()[4 * 6 * 4] = sentinel; // the first value of shard 2
        const error = await m.fit(bad, wl.randomUniform([8, 2]), { batchSize: 8, verbose: 0, workers: 2, shuffle: false })
          .then(() => null, (e: unknown) => e as Error);
        expect(error).toBeInstanceOf(wl.WorkerError);
        expect(error!.message).toMatch(/^Worker for shard 2 of 2 failed during a train step: /);
        expect(error!.message).toMatch(cause);
        expect(error!.cause).toBeDefined();
        m.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), before[i], `weight ${i}`));
        await m.fit(x, y, { batchSize: 8, verbose: 0, workers: 2 });
        expect(poolStats().liveWorkers).toBe(workers);
      }, 60_000);
    }
  });
}
