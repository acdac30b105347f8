// Row-sparse Embedding gradients (src/runtime/gradient-buffers.ts, src/ops/grad-rows.ts): zeroing,
// packing, summing, checking and scaling only the rows the step's ids name, and plain SGD updating
// only those, give bit for bit the weights of the dense bookkeeping — in process, on 1 and 2 workers
// (shared slots, claimed chunks) and with this thread taking a share — for every optimizer, and with a
// masked loss whose step mean scales the summed gradient.
import { describe, it, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { expectSameFit, sparseFit, type SparseFitOptions } from '../helpers/sparse-fit.js';
import { resetPool } from '../helpers/pool.js';

afterAll(resetPool);

const CASES: [string, SparseFitOptions][] = [
  ['plain SGD', { optimizer: () => 'sgd' }],
  ['SGD with Nesterov momentum', { optimizer: () => new wl.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }) }],
  ['Adam', { optimizer: () => 'adam' }],
  ['RMSprop, centered', { optimizer: () => new wl.RMSprop({ centered: true, momentum: 0.5 }) }],
  ['plain SGD, masked loss per step', { optimizer: () => 'sgd', masked: true }],
  ['Adam, masked loss per step', { optimizer: () => 'adam', masked: true }],
];

describe('row-sparse Embedding gradients give the dense weights, bit for bit', () => {
  for (const [name, options] of CASES) {
    it(name, async () => {
      for (const workers of [0, 1, 2, 'auto'] as wl.WorkersOption[]) {
        const dense = await sparseFit(workers, { ...options, rowSparse: false });
        expectSameFit(await sparseFit(workers, options), dense, `${name}, workers ${workers}`);
      }
    });
  }
});
