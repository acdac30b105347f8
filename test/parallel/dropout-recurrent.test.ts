// Recurrent dropout masks, like the input ones, depend on (the step's seed, the sample's row in the
// whole batch, the element) only: a seeded fit of SimpleRNN, GRU and Bidirectional(LSTM) layers with
// recurrentDropout gives the in-process weights on 2 workers and with this thread's share ('auto'),
// within the parity tolerance of reduction order; another seed moves the weights by far more.
import { afterAll, describe, expect, it } from 'vitest';
import { buildRecurrentDropout, expectSameTraining, maxDifference, train } from '../helpers/dropout-fit.js';
import { resetPool } from '../helpers/pool.js';

afterAll(resetPool);

describe('recurrent dropout across workers', () => {
  it('seeded layers: the same weights in process, on 2 workers and with a share here', async () => {
    const seeds = { lstm: 1, spatial: 2, bi: 3 };
    const options = { seeds, globalSeed: 5, model: buildRecurrentDropout };
    const reference = await train(0, options);
    for (const workers of [2, 'auto'] as const) expectSameTraining(await train(workers, options), reference, `${workers} workers`);
    const other = await train(0, { ...options, seeds: { lstm: 11, spatial: 12, bi: 13 } });
    expect(maxDifference(other.weights, reference.weights)).toBeGreaterThan(1e-3);
  });
});
