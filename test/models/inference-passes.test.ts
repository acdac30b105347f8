// Inference in passes (src/runtime/step-runner.ts): a batch larger than a cache-sized pass runs as
// several passes whose outputs are exactly those of one pass over the whole batch.
import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { StepRunner, inferenceRows } from '../../src/runtime/step-runner.js';
import { expectIdentical } from '../helpers/compare.js';
import { seedModels, InputSize, MaxLen, OutputSize } from '../helpers/seed-models.js';

/** One pass over the whole batch, whatever its size: the executor as it was before passes. */
async function onePass(model: wl.LayersModel<wl.Tensor>, x: wl.Tensor): Promise<Float32Array> {
  const program = model.program('predict');
  Object.defineProperty(program, 'sampleFloats', { value: null });
  return new StepRunner(await getEngine(), program).predict([{ data: x.dataSync(), shape: x.shape }])[0].data as Float32Array;
}

describe('inference in passes', () => {
  beforeEach(() => wl.clearSession());

  it('sizes a pass to about 1 MB of activations, in multiples of 4 rows, at least 64 rows', () => {
    const { model2, model3 } = seedModels();
    // model2 per sample: input 64×15, GRU 64×16, Dense 64×8, softmax 64×8 floats
    expect(model2.program('predict').sampleFloats).toBe(MaxLen * (InputSize + 16 + 2 * OutputSize));
    expect(inferenceRows(3008, 1000)).toBe(84); // 2²⁰ / (4 · 3008) = 87.1
    expect(model3.program('predict').sampleFloats).toBe(MaxLen * InputSize + 16 + 2 * OutputSize);
    expect(inferenceRows(100_000, 1000)).toBe(64); // GRU(256)-sized samples keep 64-row passes
    expect(inferenceRows(3008, 50)).toBe(50);
    expect(inferenceRows(null, 1000)).toBe(1000);
    const unknownSteps = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [null, 3], returnSequences: true })] });
    expect(unknownSteps.program('predict').sampleFloats).toBeNull();
  });

  it('predictions over many passes and a short last one equal one pass over the batch, bit for bit', async () => {
    const { model1, model3 } = seedModels();
    wl.setSeed(11);
    const x = wl.randomUniform([1001, MaxLen, InputSize]); // 11 passes of 84 rows and one of 77
    for (const model of [model1, model3]) {
      const passes = await model.predict(x, { batchSize: 1001, workers: 0 });
      expectIdentical(passes.dataSync(), await onePass(model, x), `${model.name} predictions`);
    }
  });

  it('a model whose timesteps are unknown predicts in one pass', async () => {
    wl.setSeed(3);
    const model = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [null, 3], returnSequences: true })] });
    const x = wl.randomUniform([300, 5, 3]);
    const y = await model.predict(x, { batchSize: 300, workers: 0 });
    expect(y.shape).toEqual([300, 5, 4]);
    expectIdentical(y.dataSync(), await onePass(model, x), 'predictions');
  });
});
