// The softmax + cross-entropy fusion is chosen once per output when the program is built, and the
// kernel calls of a step (counted on the planning device) show which path runs.
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { measureStep } from '../../src/runtime/plan.js';
import { seedModels, InputSize, MaxLen, OutputSize } from '../helpers/seed-models.js';

const shapes = { inputs: [[MaxLen, InputSize]], targets: [[MaxLen, OutputSize]] };

async function calls(model: wl.LayersModel, loss: 'categoricalCrossentropy' | 'mse', sampleShapes = shapes) {
  model.compile({ loss, optimizer: 'rmsprop' });
  return measureStep(await getEngine(), model.program('fit'), 8, sampleShapes, true).calls;
}

describe('softmax + cross-entropy fusion', () => {
  it('the seed models train through the fused kernel, with no softmax backward', async () => {
    const { model1, model2, model3 } = seedModels();
    for (const [model, targets] of [[model1, [MaxLen, OutputSize]], [model2, [MaxLen, OutputSize]], [model3, [OutputSize]]] as const) {
      const c = await calls(model, 'categoricalCrossentropy', { inputs: [[MaxLen, InputSize]], targets: [targets as unknown as number[]] });
      expect(model.program('fit').fused).toEqual([true]);
      expect(c.get('f32_softmax_ce')).toBe(1);
      expect(c.has('f32_softmax_rows_bwd')).toBe(false);
      expect(c.has('f32_categorical_ce')).toBe(false);
    }
  });

  it('mse, or probabilities that another layer also reads, take the unfused path', async () => {
    const { model1 } = seedModels();
    const mse = await calls(model1, 'mse');
    expect(model1.program('fit').fused).toEqual([false]);
    expect(mse.get('f32_mse')).toBe(1);
    expect(mse.get('f32_softmax_rows_bwd')).toBe(1);

    const x = wl.input({ shape: [4] });
    const probs = wl.layers.dense({ units: 3, activation: 'softmax' }).apply(x);
    const next = wl.layers.dense({ units: 3, activation: 'softmax' }).apply(probs);
    const model = wl.model({ inputs: x, outputs: [probs, next] });
    const c = await calls(model, 'categoricalCrossentropy', { inputs: [[4]], targets: [[3], [3]] });
    expect(model.program('fit').fused).toEqual([false, true]);
    expect(c.get('f32_softmax_ce')).toBe(1);
    expect(c.get('f32_categorical_ce')).toBe(1);
    expect(c.get('f32_softmax_rows_bwd')).toBe(1);
  });

  it('the planning device counts what a step computes: the seed model1 forward is its GRU and Dense products', async () => {
    const { model1 } = seedModels();
    const cost = measureStep(await getEngine(), model1.program('predict'), 1, shapes, false);
    const gru = 2 * MaxLen * (InputSize + 16) * 3 * 16;
    const dense = 2 * MaxLen * 16 * OutputSize;
    expect(cost.flops).toBe(gru + dense);
    expect(cost.bytes).toBeGreaterThan(4 * MaxLen * (16 + 2 * OutputSize));
  });
});
