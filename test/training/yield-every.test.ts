// fit's and fitDataset's yieldEvery (src/training/yield-every.ts): whether timers get a turn between
// batches of an in-process fit, which otherwise never leaves its microtasks.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

function model() {
  wl.setSeed(4);
  const m = wl.sequential({ layers: [wl.layers.dense({ units: 2, inputShape: [3] })] });
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return m;
}
const x = wl.randomUniform([40, 3]);
const y = wl.randomUniform([40, 2]);

/** How many event-loop turns (a setImmediate chain) ran, as seen by each batch's end, during a fit. */
async function ticksSeen(yieldEvery: unknown, viaDataset = false): Promise<number[]> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const seen: number[] = [];
  const callbacks = { onBatchEnd: () => void seen.push(ticks) };
  try {
    if (viaDataset) {
      const rows = Array.from({ length: 40 }, (_, i) => ({ xs: Array.from(x.dataSync().slice(i * 3, i * 3 + 3)), ys: Array.from(y.dataSync().slice(i * 2, i * 2 + 2)) }));
      await model().fitDataset(wl.data.array(rows).batch(4), { epochs: 1, verbose: 0, workers: 0, callbacks, yieldEvery: yieldEvery as never });
    } else {
      await model().fit(x, y, { batchSize: 4, epochs: 1, verbose: 0, workers: 0, callbacks, yieldEvery: yieldEvery as never });
    }
  } finally {
    running = false;
  }
  return seen;
}

describe('yieldEvery', () => {
  it("'batch' lets timers run between batches; 'never' does not", async () => {
    const never = await ticksSeen('never');
    expect(never).toHaveLength(10);
    expect(never.at(-1)).toBe(never[0]); // no other task ran during the epoch
    const batch = await ticksSeen('batch');
    expect(batch.at(-1)!).toBeGreaterThanOrEqual(batch[0] + 5);
  });

  it("fitDataset takes it too; 'auto', 'epoch' and a number of ms are accepted, anything else refused", async () => {
    const batch = await ticksSeen('batch', true);
    expect(batch.at(-1)!).toBeGreaterThanOrEqual(batch[0] + 5);
    for (const v of ['auto', 'epoch', 50, 0]) await ticksSeen(v);
    await expect(ticksSeen('sometimes')).rejects.toThrow("fit: received an invalid value for yieldEvery, expected 'auto', 'batch', 'epoch', 'never' or a number of milliseconds");
    await expect(ticksSeen(-1, true)).rejects.toThrow('fitDataset: received an invalid value for yieldEvery');
  });
});
