// The reshaping layers (shared/SPEC-LAYERS.md §9): RepeatVector, Flatten, Reshape, Permute. Outputs
// against float64 references (test/reference/merging.ts) and gradients against finite differences
// of those references at a small and a larger size; masks dropped as Keras 3 drops them; errors for
// bad arguments and inputs; config round trip, summary rows, workers: 2 equals in-process.
// Covers src/layers/reshaping/repeat-vector.ts (through the public wl.layers API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { testEngine } from '../helpers/engine.js';
import { expectFitSameOnWorkers, expectLayerMatchesReference, runInputs } from '../helpers/layer-run.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { permuteRef, stretch, type Arr } from '../reference/merging.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
});
afterAll(resetPool);

const rng = testRng(9);
const arr = (shape: number[]): Arr => ({ data: uniform(rng, shape.reduce((n, d) => n * d, 1)), shape });

const checkLayer = (layer: wl.Layer, x: Arr, ref: (x: Arr) => Arr, label: string) =>
  expectLayerMatchesReference(engine, rng, layer, [x], ([input]) => ref(input), label);

const repeatRef = (n: number) => (x: Arr): Arr => {
  const [b, f] = x.shape;
  return { data: stretch({ data: x.data, shape: [b, 1, f] }, [b, n, f]), shape: [b, n, f] };
};
const flat = (x: Arr): Arr => ({ data: x.data, shape: [x.shape[0], x.data.length / x.shape[0]] });

describe('RepeatVector', () => {
  it('(B, F) → (B, n, F) with y[:, k] = x; the gradient sums the copies', () => {
    checkLayer(wl.layers.repeatVector({ n: 3 }), arr([2, 4]), repeatRef(3), 'repeat 3 of (2,4)');
    checkLayer(wl.layers.repeatVector({ n: 10 }), arr([16, 37]), repeatRef(10), 'repeat 10 of (16,37)');
  });

  it('refuses a non-positive n and an input that is not (batch, features)', () => {
    expect(() => wl.layers.repeatVector({ n: 0 })).toThrow('RepeatVector: received an invalid value for n, expected a positive integer. Received: n=0');
    expect(() => wl.layers.repeatVector({ n: 2.5 })).toThrow('Received: n=2.5');
    expect(() => wl.layers.repeatVector({ n: 2 }).apply(wl.input({ shape: [3, 4] }))).toThrow(/expected ndim=2, found ndim=3. Full shape received: \(None, 3, 4\)/);
  });
});

describe('Flatten', () => {
  it('channels last: a view of the same values, (B, d1, …, dk) → (B, d1·…·dk)', () => {
    checkLayer(wl.layers.flatten(), arr([3, 4, 5]), flat, 'flatten (3,4,5)');
    checkLayer(wl.layers.flatten(), arr([8, 6, 5, 7]), flat, 'flatten (8,6,5,7)');
    const out = wl.layers.flatten().apply(wl.input({ shape: [4, 5] })) as wl.SymbolicTensor;
    expect(out.shape).toEqual([null, 20]);
  });

  it("channels first: the channel axis moves last first (Keras's order)", () => {
    const ref = (x: Arr) => flat(permuteRef(x, [0, 2, 3, 1]));
    checkLayer(wl.layers.flatten({ dataFormat: 'channelsFirst' }), arr([2, 3, 4, 5]), ref, 'flatten channels first (2,3,4,5)');
    checkLayer(wl.layers.flatten({ dataFormat: 'channels_first' as never }), arr([2, 3, 4]), (x) => flat(permuteRef(x, [0, 2, 1])), 'flatten channels first (2,3,4)');
    expect(() => wl.layers.flatten({ dataFormat: 'nchw' as never })).toThrow("Flatten: received an invalid value for dataFormat, expected 'channelsLast' or 'channelsFirst'. Received: dataFormat=\"nchw\"");
  });
});

describe('Reshape', () => {
  it('a view under targetShape, one −1 inferred; the gradient is reshaped back', () => {
    checkLayer(wl.layers.reshape({ targetShape: [3, 4] }), arr([2, 12]), (x) => ({ data: x.data, shape: [2, 3, 4] }), 'reshape (2,12) → (3,4)');
    checkLayer(wl.layers.reshape({ targetShape: [-1, 5] }), arr([6, 4, 10]), (x) => ({ data: x.data, shape: [6, 8, 5] }), 'reshape (6,4,10) → (-1,5)');
    const out = wl.layers.reshape({ targetShape: [2, -1] }).apply(wl.input({ shape: [3, 4] })) as wl.SymbolicTensor;
    expect(out.shape).toEqual([null, 2, 6]);
  });

  it('refuses a size mismatch at apply (naming both shapes) and bad targetShapes at construction', () => {
    expect(() => wl.layers.reshape({ targetShape: [5, 5] }).apply(wl.input({ shape: [4, 6] }))).toThrow(
      /an input of shape \(None, 4, 6\) has 24 values per sample, which do not fit targetShape \(5, 5\)/,
    );
    expect(() => wl.layers.reshape({ targetShape: [-1, 5] }).apply(wl.input({ shape: [4, 6] }))).toThrow(/which do not fit targetShape \(-1, 5\)/);
    expect(() => wl.layers.reshape({ targetShape: [-1, -1] })).toThrow('Reshape: received an invalid value for targetShape, expected a list of positive integers with at most one -1. Received: targetShape=[-1, -1]');
    expect(() => wl.layers.reshape({ targetShape: [0, 3] })).toThrow('Received: targetShape=[0, 3]');
  });
});

describe('Permute', () => {
  it('reorders the non-batch axes (1-based dims); the gradient is the inverse permutation', () => {
    checkLayer(wl.layers.permute({ dims: [2, 1] }), arr([3, 4, 5]), (x) => permuteRef(x, [0, 2, 1]), 'permute [2,1]');
    checkLayer(wl.layers.permute({ dims: [1, 2] }), arr([3, 4, 5]), (x) => permuteRef(x, [0, 1, 2]), 'permute identity');
    checkLayer(wl.layers.permute({ dims: [2, 1, 3] }), arr([2, 3, 4, 5]), (x) => permuteRef(x, [0, 2, 1, 3]), 'permute [2,1,3]');
    checkLayer(wl.layers.permute({ dims: [3, 1, 2] }), arr([2, 3, 4, 5]), (x) => permuteRef(x, [0, 3, 1, 2]), 'permute [3,1,2] (strided copy)');
    checkLayer(wl.layers.permute({ dims: [2, 1, 3] }), arr([2, 1, 4, 5]), (x) => permuteRef(x, [0, 2, 1, 3]), 'permute around a size-1 axis (a copy)');
    checkLayer(wl.layers.permute({ dims: [2, 1] }), arr([16, 40, 24]), (x) => permuteRef(x, [0, 2, 1]), 'permute [2,1] larger');
    checkLayer(wl.layers.permute({ dims: [3, 2, 1] }), arr([4, 6, 7, 9]), (x) => permuteRef(x, [0, 3, 2, 1]), 'permute [3,2,1] larger');
  });

  it('refuses dims that are not a permutation of 1..k, and an input of another rank', () => {
    for (const dims of [[0, 1], [1, 1], [1, 3], []]) {
      expect(() => wl.layers.permute({ dims })).toThrow(`Permute: received an invalid value for dims, expected a permutation of 1..k (1-based, batch axis excluded), e.g. [2, 1]. Received: dims=${JSON.stringify(dims).replace(/,/g, ', ')}`);
    }
    expect(() => wl.layers.permute({ dims: [2, 1] }).apply(wl.input({ shape: [3, 4, 5] }))).toThrow(/expected ndim=3, found ndim=4/);
  });
});

describe('reshaping layers in models', () => {
  it('drop masks, as Keras 3 (no supports_masking)', () => {
    const m = { data: Float64Array.from([1, 0, 1, 1]), shape: [2, 2] };
    const x = arr([2, 2, 3]);
    for (const layer of [wl.layers.flatten(), wl.layers.reshape({ targetShape: [6] }), wl.layers.permute({ dims: [2, 1] })]) {
      expect(runInputs(engine, layer, [x], { masks: [m] }).masks, layer.className).toBeUndefined();
      expect(layer.computeMask([], [null], 1)).toEqual([null]);
      expect(layer.outputMayBeMasked([true], 0)).toBe(false);
    }
  });

  it('config round trip, summary rows, and fit with workers: 2 equal to in-process', async () => {
    const build = () => {
      wl.clearSession();
      wl.setSeed(5);
      const model = wl.sequential({
        layers: [
          wl.layers.dense({ units: 6, inputShape: [4] }), wl.layers.repeatVector({ n: 3 }), wl.layers.permute({ dims: [2, 1] }),
          wl.layers.reshape({ targetShape: [3, -1] }), wl.layers.flatten(), wl.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
      return model;
    };
    const model = build();
    const lines: string[] = [];
    model.summary(undefined, undefined, (l) => lines.push(l));
    // Keras 2's layout cuts the name column at 29 characters: 'repeat_vector_1 (RepeatVector' fits
    const rows: [string, string][] = [['repeat_vector_1 (RepeatVecto', '(None, 3, 6)'], ['permute_1 (Permute)', '(None, 6, 3)'], ['reshape_1 (Reshape)', '(None, 3, 6)'], ['flatten_1 (Flatten)', '(None, 18)']];
    for (const [name, shape] of rows) {
      const line = lines.find((l) => l.startsWith(name)) ?? `no row for ${name} in:\n${lines.join('\n')}`;
      expect(line.slice(29).trim().split(/\s+/), name).toEqual([...shape.split(' '), '0']);
    }
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    const layers = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(layers.map((l) => l.class_name).filter((c) => c !== 'InputLayer')).toEqual(['Dense', 'RepeatVector', 'Permute', 'Reshape', 'Flatten', 'Dense']);
    expect(layers.find((l) => l.class_name === 'Reshape')?.config).toMatchObject({ target_shape: [3, -1] });
    expect(layers.find((l) => l.class_name === 'Permute')?.config).toMatchObject({ dims: [2, 1] });
    expect(layers.find((l) => l.class_name === 'Flatten')?.config).toMatchObject({ data_format: 'channels_last' });
    expect(layers.find((l) => l.class_name === 'RepeatVector')?.config).toMatchObject({ n: 3 });
    await model.dispose();

    const x = wl.tensor(Float32Array.from(uniform(rng, 40)), [10, 4]);
    const y = wl.oneHot(wl.tensor(Int32Array.from({ length: 10 }, (_, i) => i % 2), [10], 'int32'), 2);
    const weights = await expectFitSameOnWorkers(build, x, y, { epochs: 2, batchSize: 5 });
    // training moved the weights (the loaded model holds the same seeded initial ones)
    expect(weights[0].some((w, k) => w.some((v, i) => v !== loaded.getWeights()[k].dataSync()[i]))).toBe(true);
  });
});
