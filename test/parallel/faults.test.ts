// piscina's failure policy, for both transports: a worker that throws or dies mid-step rejects the
// step with a WorkerError naming the shard and the cause; the weights stay those of the last
// completed step; the dead worker is replaced and the next fit works.
import { describe, it, expect, afterEach } from 'vitest';
import * as wl from '../../src/index.js';
import { FAULT_EXIT, FAULT_HANG, FAULT_SPIN, FAULT_THROW } from '../fixtures/faults.js';
import { expectIdentical } from '../helpers/compare.js';
import { fixtureUrl, poolStats, resetPool } from '../helpers/pool.js';

afterEach(resetPool);

const BATCH = 8;

/** 3 batches of 8; the fault sentinel starts shard 2 (of 2) of batch 2. */
function data(sentinel: number) {
  wl.setSeed(3);
  const x = wl.randomUniform([3 * BATCH, 6, 4]);
  x.dataSync()[(2 * BATCH + BATCH / 2) * 6 * 4] = sentinel;
  return { x, y: wl.randomUniform([3 * BATCH, 2]), clean: wl.randomUniform([3 * BATCH, 6, 4]) };
}

function model() {
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

const TRANSPORTS = [
  ['piscina', 'faulty-node-worker'],
  ['comlink', 'faulty-comlink-worker'],
] as const;

for (const [transport, fixture] of TRANSPORTS) {
  describe(`worker faults (${transport})`, () => {
    for (const [fault, sentinel, cause] of [
      ['throws', FAULT_THROW, 'injected failure in the worker'],
      ['exits', FAULT_EXIT, /exit/i],
    ] as const) {
      it(`a worker that ${fault} mid-step: clear error, last completed step's weights, pool recovers`, async () => {
        wl.setPoolOptions({ transport, workerUrl: fixtureUrl(fixture) });
        const m = model();
        const { x, y, clean } = data(sentinel);
        let afterStep2: Float32Array[] = [];
        const failure = await m.fit(x, y, {
          batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, workers: 2,
          callbacks: { onBatchEnd: () => void (afterStep2 = m.getWeights().map((w) => w.dataSync().slice())) },
        }).then(() => null, (e: unknown) => e as Error);
        expect(failure).toBeInstanceOf(wl.WorkerError);
        expect(failure!.message).toMatch(/^Worker for shard 2 of 2 failed during a train step: /);
        expect(failure!.message).toMatch(cause);
        expect(afterStep2).toHaveLength(5);
        m.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), afterStep2[i], `weight ${i}`));
        // the pool replaced the worker: the next fit trains, on all workers
        const history = await m.fit(clean, y, { batchSize: BATCH, epochs: 1, verbose: 0, workers: 2 });
        expect(Number.isFinite(history.loss[0])).toBe(true);
        expect(poolStats().liveWorkers).toBe(2);
      });
    }
  });
}

describe('stall timeout, both transports', () => {
  const stalls = [['comlink', 'faulty-comlink-worker', 'waits forever', FAULT_HANG], ['piscina', 'faulty-node-worker', 'waits forever', FAULT_HANG], ['piscina', 'faulty-node-worker', 'spins in a busy loop', FAULT_SPIN]] as const;
  for (const [transport, fixture, what, sentinel] of stalls) {
    it(`${transport}: a worker that ${what} is ended after timeoutMs and replaced; last completed step's weights; the next fit works`, async () => {
      wl.setPoolOptions({ transport, workerUrl: fixtureUrl(fixture), timeoutMs: 1500 });
      const m = model();
      const { x, y, clean } = data(sentinel);
      let completed: Float32Array[] = [];
      await expect(m.fit(x, y, {
        batchSize: BATCH, shuffle: false, verbose: 0, workers: 2,
        callbacks: { onBatchEnd: () => void (completed = m.getWeights().map((w) => w.dataSync().slice())) },
      })).rejects.toThrow('Worker for shard 2 of 2 failed during a train step: no answer within 1500 ms');
      m.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), completed[i], `weight ${i}`));
      await m.fit(clean, y, { batchSize: BATCH, verbose: 0, workers: 2 });
      expect(poolStats().liveWorkers).toBe(2);
    });
  }
});
