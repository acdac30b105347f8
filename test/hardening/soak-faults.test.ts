// Soak under faults: training steps on 2 workers (the fault-injecting fixture worker), where every
// few steps one worker throws, exits or stalls mid-step. Each fault surfaces as that one step failing
// with a WorkerError (the weights untouched), the step is retried on clean data, the pool keeps its
// size, and the final weights equal a fault-free run's. The suite runs 60 steps; a long soak is
// WASM_LAYERS_SOAK_FAULT_STEPS=10000 npx vitest run --project node test/hardening/soak-faults.test.ts
// (WebAssembly memory must then stay flat after the first tenth).
import { afterAll, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { FAULT_EXIT, FAULT_SPIN, FAULT_THROW } from '../fixtures/faults.js';
import { fixtureUrl, poolStats, resetPool } from '../helpers/pool.js';
import { testRng } from '../helpers/rng.js';

afterAll(resetPool);

const STEPS = Number(process.env.WASM_LAYERS_SOAK_FAULT_STEPS ?? 60);
const BATCH = 8;

function model(): wl.LayersModel {
  wl.setSeed(21);
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [6, 4] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

/** The clean batch of step `i` (the same in both runs). */
function batch(i: number): { x: wl.Tensor; y: wl.Tensor } {
  const rng = testRng(1000 + i);
  const x = new Float32Array(BATCH * 6 * 4).map(() => rng() * 2 - 1);
  const y = new Float32Array(BATCH * 2).map((_, k) => (k % 2 === i % 2 ? 1 : 0));
  return { x: wl.tensor(x, [BATCH, 6, 4]), y: wl.tensor(y, [BATCH, 2]) };
}

/** The same batch with a fault sentinel where the second shard starts. */
function faulty(clean: wl.Tensor, sentinel: number): wl.Tensor {
  const x = Float32Array.from(clean.dataSync() as Float32Array);
  x[(BATCH / 2) * 6 * 4] = sentinel;
  return wl.tensor(x, clean.shape);
}

const step = (m: wl.LayersModel, x: wl.Tensor, y: wl.Tensor) => m.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, workers: 2 });

it(`${STEPS} steps with a worker fault every few steps: each fails alone, is retried, and the run ends where a fault-free one does`, async () => {
  await resetPool();
  wl.setPoolOptions({ transport: 'piscina', workerUrl: fixtureUrl('faulty-node-worker'), timeoutMs: 1000 });
  const faults = [FAULT_THROW, FAULT_EXIT, FAULT_SPIN];
  const rng = testRng(7);
  const clean = model();
  const faulted = model();
  const engine = await getEngine();
  const memory: number[] = [];
  const rss: number[] = [];
  let failures = 0;
  for (let i = 0; i < STEPS; i++) {
    const { x, y } = batch(i);
    await step(clean, x, y);
    if (rng() < 0.15) {
      const sentinel = faults[failures % faults.length];
      const before = faulted.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
      await expect(step(faulted, faulty(x, sentinel), y), `step ${i}`).rejects.toBeInstanceOf(wl.WorkerError);
      faulted.getWeights().forEach((w, k) => expect(Array.from(w.dataSync()), `step ${i}: weight ${k} after the failed step`).toEqual(Array.from(before[k])));
      failures++;
    }
    await step(faulted, x, y);
    expect(poolStats().liveWorkers, `workers after step ${i}`).toBe(2);
    if (i % Math.max(1, Math.floor(STEPS / 20)) === 0) {
      memory.push(engine.memoryStats().memoryBytes);
      rss.push(process.memoryUsage().rss);
    }
  }
  expect(failures).toBeGreaterThanOrEqual(Math.floor(STEPS / 20));
  faulted.getWeights().forEach((w, k) => expect(Array.from(w.dataSync()), `final weight ${k}`).toEqual(Array.from(clean.getWeights()[k].dataSync())));
  // after the first tenth, WebAssembly memory does not grow
  const settled = memory.slice(Math.ceil(memory.length / 10));
  expect(Math.max(...settled)).toBe(settled[0]);
  // and in a long soak the process does not grow either (a leaked worker or buffer per fault would
  // add megabytes per hundred steps; 64 MB covers the collector's slack)
  const settledRss = rss.slice(Math.ceil(rss.length / 10));
  if (STEPS >= 1000) expect(Math.max(...settledRss) - settledRss[0], `RSS growth over ${STEPS} steps (bytes)`).toBeLessThan(64 * 2 ** 20);
  if (process.env.WASM_LAYERS_SOAK_FAULT_STEPS) console.log(`soak: ${STEPS} steps, ${failures} faults, wasm memory ${settled[0]} bytes, RSS ${(settledRss[0] / 2 ** 20).toFixed(0)} → ${(Math.max(...settledRss) / 2 ** 20).toFixed(0)} MB`);
}, 3_600_000);
