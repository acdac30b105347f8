// The copy transport (no SharedArrayBuffer: fixed shards sent as copies, as on a page without
// cross-origin isolation) carries each shard's first row to its worker, so dropout masks are those
// of the whole batch: a seeded fit gives the in-process weights on 2 workers. The comlink pool is
// made to report no shared memory, as test/net/copy-transport-parity.test.ts does.
import { describe, it, vi, afterAll, beforeAll, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { expectSameTraining, train } from '../helpers/dropout-fit.js';
import { resetPool } from '../helpers/pool.js';

vi.mock('../../src/parallel/comlink-pool.js', async (importOriginal) =>
  (await import('../helpers/copying-comlink-pool.js')).withCopyingComlinkPool(await importOriginal()));

beforeAll(async () => {
  await resetPool();
  wl.setPoolOptions({ transport: 'comlink' });
});
afterAll(resetPool);

describe('dropout on the copy transport', () => {
  it('a seeded fit on 2 workers (shards of copies) gives the in-process weights', async () => {
    const seeds = { lstm: 1, spatial: 2, bi: 3, dropout: 4 };
    const reference = await train(0, { seeds, globalSeed: 5 });
    let pool: wl.PoolInfo | null = null;
    expectSameTraining(await train(2, { seeds, globalSeed: 5, afterFit: () => (pool = wl.poolInfo()) }), reference, '2 workers, copies');
    expect(pool, 'the pool ran on comlink, with copies').toMatchObject({ transport: 'comlink', sharedMemory: false });
  });
});
