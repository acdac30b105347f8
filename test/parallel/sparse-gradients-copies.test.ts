// Row-sparse Embedding gradients on the copy transport (no SharedArrayBuffer: each worker's shard
// comes back as a packed copy with its row lists, as on a page without cross-origin isolation): the
// dense bookkeeping's weights, bit for bit. The comlink pool is made to report no shared memory, as
// test/parallel/dropout-copy-transport.test.ts does.
import { describe, it, vi, afterAll, beforeAll, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { expectSameFit, sparseFit } from '../helpers/sparse-fit.js';
import { resetPool, useCopyTransport } from '../helpers/pool.js';

vi.mock('../../src/parallel/comlink-pool.js', async (importOriginal) =>
  (await import('../helpers/copying-comlink-pool.js')).withCopyingComlinkPool(await importOriginal()));

beforeAll(useCopyTransport);
afterAll(resetPool);

describe('row-sparse Embedding gradients on the copy transport', () => {
  it('plain SGD and Adam on 2 workers and with this thread taking a share: the dense weights', async () => {
    let pool: wl.PoolInfo | null = null;
    for (const optimizer of [() => 'sgd', () => 'adam']) {
      for (const workers of [2, 'auto'] as wl.WorkersOption[]) {
        const label = `${optimizer()}, workers ${workers}`;
        const afterFit = () => (pool = workers === 2 ? wl.poolInfo() : pool);
        expectSameFit(await sparseFit(workers, { optimizer, afterFit }), await sparseFit(workers, { optimizer, rowSparse: false }), label);
      }
    }
    expect(pool, 'the pool ran on comlink, with copies').toMatchObject({ transport: 'comlink', sharedMemory: false });
  });
});
