// Dropout masks depend on (the step's seed, the sample's row in the whole batch, the element), never
// on how a batch is split: a seeded fit of a model with Dropout, SpatialDropout1D and LSTM input
// dropout gives the in-process weights on 1 and 2 workers and with this thread's share ('auto'),
// within the parity tolerance of reduction order (test/parallel/parity.test.ts). Masks that followed
// the split would differ by far more: another seed moves the weights by > 1e-3.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { expectIdentical } from '../helpers/compare.js';
import { maxDifference, expectSameTraining, train } from '../helpers/dropout-fit.js';
import { resetPool } from '../helpers/pool.js';

afterAll(resetPool);

describe('dropout across workers', () => {
  it('layers with seeds: the same weights in process, on 1 and 2 workers and with a share here, whatever the global seed', async () => {
    const seeds = { lstm: 1, spatial: 2, bi: 3, dropout: 4 };
    const reference = await train(0, { seeds, globalSeed: 5 });
    const runs = new Map<wl.WorkersOption, Awaited<ReturnType<typeof train>>>();
    for (const workers of [1, 2, 'auto'] as const) {
      runs.set(workers, await train(workers, { seeds, globalSeed: 5 }));
      expectSameTraining(runs.get(workers)!, reference, `${workers} workers`);
    }
    const again = await train(2, { seeds, globalSeed: 5 });
    again.weights.forEach((w, i) => expectIdentical(w, runs.get(2)!.weights[i], `rerun on 2 workers, weight ${i}`));
    // the layers' seeds alone fix the masks: without shuffling, the global stream no longer matters
    const unshuffled = await train(0, { seeds, globalSeed: 5, shuffle: false });
    const otherGlobal = await train(0, { seeds, globalSeed: 6, shuffle: false });
    otherGlobal.weights.forEach((w, i) => expectIdentical(w, unshuffled.weights[i], `another global seed, weight ${i}`));
  });

  it('without layer seeds, wl.setSeed makes a run reproducible on any worker count; another seed gives other weights', async () => {
    const reference = await train(0, { globalSeed: 21 });
    expectSameTraining(await train(2, { globalSeed: 21 }), reference, '2 workers');
    // same data, initial weights and order (no shuffling): only the masks differ between these
    const unshuffled = await train(0, { globalSeed: 21, shuffle: false });
    expect(maxDifference((await train(0, { globalSeed: 22, shuffle: false })).weights, unshuffled.weights)).toBeGreaterThan(1e-3);
    const seeded = (s: number) => train(0, { shuffle: false, seeds: { lstm: s, spatial: s + 1, bi: s + 2, dropout: s + 3 } });
    expect(maxDifference((await seeded(1)).weights, (await seeded(9)).weights)).toBeGreaterThan(1e-3);
  });
});
