// Embedding (shared/SPEC-LAYERS.md §7, §21): the gather and scatter-add kernels against float64
// references over a grid of row widths (vector body and tails); the layer's outputs, its mask_zero
// mask as recurrent layers and the loss see it, its gradient (a scatter-add: repeated ids sum, rows not
// in the batch untouched, no gradient for the ids), ids checked before any work, config round trips,
// the summary row, and the worker pool against in-process training.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { Embedding } from '../../src/layers/core/embedding.js';
import { modelFromConfig } from '../../src/models/serialization.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { testEngine, put, space } from '../helpers/engine.js';
import { checkGradients, engineGradients } from '../helpers/gradients.js';
import { loadCase } from '../helpers/keras3-case.js';
import { resetPool } from '../helpers/pool.js';
import { testRng, uniform } from '../helpers/rng.js';
import { summaryLines } from '../helpers/seed-models.js';
import { tfjs } from '../peers/tfjs.js';
import { denseRef, meanSquaredErrorRef } from '../reference/dense.js';
import { embeddingGradRef, embeddingRef, maskZeroRef } from '../reference/embedding.js';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
  wl.setSeed(5);
});
afterAll(() => resetPool());

/** `n` ids in [0, rows) from a seeded generator. */
function randomIds(n: number, rows: number, seed: number): Int32Array {
  const rng = testRng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(rng() * rows));
}

/** An int32 id input of `steps` steps, then the layers (a Keras `Input(shape=(steps,), dtype="int32")`). */
const idModel = (steps: (number | null)[], ...layers: wl.Layer[]) =>
  wl.sequential({ layers: [wl.layers.inputLayer({ inputShape: steps, dtype: 'int32' }), ...layers] });

const ids2d = (values: number[], batch: number) => wl.tensor(Int32Array.from(values), [batch, values.length / batch], 'int32');

describe('Embedding kernels (assembly/embedding.ts)', () => {
  const WIDTHS = [1, 3, 4, 5, 8, 13, 64];

  it('the gather copies the table rows of the ids (int32 or float32) for every row width, and writes the mask_zero mask', () => {
    const rows = 9, n = 23;
    const ids = randomIds(n, rows, 1);
    ids[0] = 0;
    ids[5] = rows - 1;
    for (const dim of WIDTHS) {
      const table = uniform(testRng(dim), rows * dim);
      const tablePtr = put(engine, table);
      for (const idsF32 of [0, 1]) {
        const idsPtr = engine.allocF32(n);
        engine.write(idsPtr, ids, idsF32 ? 'float32' : 'int32');
        const out = space(engine, n * dim), mask = space(engine, n);
        engine.kernels.f32_embedding_gather(n, idsPtr, idsF32, tablePtr, dim, out, mask);
        expectIdentical(engine.read(out, n * dim), Float32Array.from(embeddingRef(table, dim, ids)), `dim ${dim}, ${idsF32 ? 'float32' : 'int32'} ids`);
        expectIdentical(engine.read(mask, n), Float32Array.from(maskZeroRef(ids)), `mask, dim ${dim}`);
        [idsPtr, out, mask].forEach((p) => engine.release(p));
      }
      engine.release(tablePtr);
    }
  });

  it('the scatter-add sums the rows of repeated ids and leaves every other row bit-identical', () => {
    const rows = 12, n = 40;
    const ids = randomIds(n, 7, 2); // rows 7..11 never named; most ids repeat
    for (const dim of WIDTHS) {
      const rng = testRng(100 + dim);
      const dOut = uniform(rng, n * dim), start = uniform(rng, rows * dim);
      const ip = engine.allocF32(n);
      engine.write(ip, ids, 'int32');
      const dp = put(engine, dOut), gp = put(engine, start);
      engine.kernels.f32_embedding_scatter_add(n, ip, 0, dp, dim, gp);
      const got = engine.read(gp, rows * dim);
      const sum = embeddingGradRef(rows, dim, ids, dOut).map((g, i) => g + start[i]);
      expectClose(got, sum, { tol: 1e-6, scale: 1, label: `dim ${dim}` });
      expectIdentical(got.subarray(7 * dim), Float32Array.from(start.subarray(7 * dim)), `rows not named, dim ${dim}`);
      [ip, dp, gp].forEach((p) => engine.release(p));
    }
  });

  it('embedding_bad_id gives 1 + the first position of an id that is not an integer in [0, rows), else 0', () => {
    const check = (values: number[], dtype: 'int32' | 'float32') => {
      const p = engine.allocF32(values.length);
      engine.write(p, values, dtype);
      const r = engine.kernels.embedding_bad_id(values.length, p, dtype === 'float32' ? 1 : 0, 5);
      engine.release(p);
      return r;
    };
    expect(check([0, 4, 3, 1, 2], 'int32')).toBe(0);
    expect(check([0, 4, -1, 5], 'int32')).toBe(3);
    expect(check([0, 1, 2, 3, 5], 'int32')).toBe(5);
    expect(check([-2147483648], 'int32')).toBe(1);
    expect(check([0, 4, -0, 3], 'float32')).toBe(0);
    expect(check([1, 2.5], 'float32')).toBe(2);
    expect(check([1, 4.0000005], 'float32')).toBe(2);
    expect(check([4, Number.NaN], 'float32')).toBe(2);
    expect(check([Number.POSITIVE_INFINITY], 'float32')).toBe(1);
    expect(check([3, 5], 'float32')).toBe(2);
    expect(check([3, -1], 'float32')).toBe(2);
  });
});

describe('Embedding layer', () => {
  it('outputs the table rows of the ids, shape ids + (outputDim,), for int32 and float32 ids of rank 1 to 3', async () => {
    const layer = wl.layers.embedding({ inputDim: 11, outputDim: 5 });
    const model = idModel([4, 3], layer);
    const table = model.getWeights()[0].dataSync();
    const ids = randomIds(2 * 4 * 3, 11, 3);
    const out = (await model.predict(wl.tensor(ids, [2, 4, 3], 'int32'), { workers: 0 })) as wl.Tensor;
    expect(out.shape).toEqual([2, 4, 3, 5]);
    expectIdentical(out.dataSync(), Float32Array.from(embeddingRef(table, 5, ids)), 'rank 3 ids');

    // tfjs style: the first layer of a Sequential, float32 input holding integers
    const flat = wl.sequential({ layers: [wl.layers.embedding({ inputDim: 11, outputDim: 5, inputShape: [6] })] });
    flat.setWeights(model.getWeights());
    const out2 = (await flat.predict(wl.tensor(Float32Array.from(ids.subarray(0, 12)), [2, 6]), { workers: 0 })) as wl.Tensor;
    expect(out2.shape).toEqual([2, 6, 5]);
    expectIdentical(out2.dataSync(), Float32Array.from(embeddingRef(table, 5, ids.subarray(0, 12))), 'float32 ids');

    const inp = wl.input({ shape: [], dtype: 'int32' });
    expect((wl.layers.embedding({ inputDim: 3, outputDim: 2 }).apply(inp) as wl.SymbolicTensor).shape).toEqual([null, 2]);
  });

  it('tfjs inputLength sets the input shape [batchSize, ...inputLength] and is checked against the input', () => {
    const m = wl.sequential({ layers: [wl.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 7 })] });
    expect(m.graphTopology.inputs[0].shape).toEqual([null, 7]);
    expect(wl.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: [2, null], batchSize: 4 }).batchInputShape).toEqual([4, 2, null]);
    expect(() => wl.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 5 }).apply(wl.input({ shape: [6] })))
      .toThrow('inputLength is (5,), but the input has shape (None, 6)');
    expect(() => wl.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 0 })).toThrow('Received: inputLength=0');
  });

  it('summary row and countParams: inputDim·outputDim, Keras\'s output shape', () => {
    const model = idModel([6], wl.layers.embedding({ inputDim: 27, outputDim: 4, name: 'embedding' }));
    expect(model.countParams()).toBe(108);
    expect(summaryLines(model)).toContain('embedding (Embedding)        (None, 6, 4)              108       ');
    expect(model.getWeights().map((w) => w.shape)).toEqual([[27, 4]]);
    expect(model.weights.map((w) => w.name)).toEqual(['embedding/embeddings']);
  });

  it('the default initializer is Keras\'s uniform(-0.05, 0.05)', () => {
    const model = idModel([2], wl.layers.embedding({ inputDim: 500, outputDim: 8 }));
    const w = model.getWeights()[0].dataSync();
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-0.05);
    expect(Math.max(...w)).toBeLessThanOrEqual(0.05);
    expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(0.09);
  });

  describe('maskZero', () => {
    const table = () => wl.tensor(Float32Array.from(uniform(testRng(9), 10 * 3)), [10, 3]);
    const gruModel = (steps: number, maskZero: boolean) => {
      const m = idModel([steps], wl.layers.embedding({ inputDim: 10, outputDim: 3, maskZero }), wl.layers.gru({ units: 4 }));
      return m;
    };

    it('masks id 0 for a recurrent layer: padded rows (right or left) give the unpadded sequence\'s output', async () => {
      const short = gruModel(3, true);
      short.setWeights([table(), ...short.getWeights().slice(1)]);
      const long = gruModel(6, true);
      long.setWeights(short.getWeights());
      const plain = (await short.predict(ids2d([3, 7, 1, 9, 2, 4], 2), { workers: 0 })) as wl.Tensor;
      const padded = (await long.predict(ids2d([3, 7, 1, 0, 0, 0, 0, 0, 0, 9, 2, 4], 2), { workers: 0 })) as wl.Tensor;
      expectClose(padded.dataSync(), plain.dataSync(), { tol: 1e-6, scale: 1, label: 'padded vs unpadded' });

      const unmasked = gruModel(6, false);
      unmasked.setWeights(short.getWeights());
      const seen = (await unmasked.predict(ids2d([3, 7, 1, 0, 0, 0, 0, 0, 0, 9, 2, 4], 2), { workers: 0 })) as wl.Tensor;
      expect(Math.abs(seen.dataSync()[0] - plain.dataSync()[0])).toBeGreaterThan(1e-4);
    });

    it('the mask reaches the loss: the mean over the positions whose id is not 0', async () => {
      const model = idModel([5], wl.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true }), wl.layers.dense({ units: 2 }));
      model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
      const ids = [1, 2, 0, 0, 0, 4, 5, 6, 7, 0, 0, 3, 0, 9, 8];
      const y = wl.tensor(Float32Array.from(uniform(testRng(4), 30)), [3, 5, 2]);
      const p = ((await model.predict(ids2d(ids, 3), { workers: 0 })) as wl.Tensor).dataSync();
      let sum = 0, count = 0;
      ids.forEach((id, i) => {
        if (id === 0) return;
        count++;
        sum += ((p[2 * i] - y.dataSync()[2 * i]) ** 2 + (p[2 * i + 1] - y.dataSync()[2 * i + 1]) ** 2) / 2;
      });
      const loss = ((await model.evaluate(ids2d(ids, 3), y, { workers: 0 })) as wl.Tensor).dataSync()[0];
      expectClose([loss], [sum / count], { tol: 1e-6, label: 'masked mse' });
    });
  });

  describe('gradient', () => {
    it('is the scatter-add of dOut into the rows of the ids: repeated ids sum, other rows get exactly 0', async () => {
      const [V, E, B, T] = [9, 6, 3, 5];
      const model = idModel([T], wl.layers.embedding({ inputDim: V, outputDim: E }));
      const ids = Int32Array.from([1, 1, 4, 1, 0, 4, 2, 2, 2, 2, 0, 1, 4, 3, 3]);
      const y = wl.tensor(Float32Array.from(uniform(testRng(7), B * T * E)), [B, T, E]);
      const { grads } = await engineGradients(model, 'meanSquaredError', wl.tensor(ids, [B, T], 'int32'), y);
      const table = model.getWeights()[0].dataSync();
      const emb = embeddingRef(table, E, ids);
      const dOut = emb.map((v, i) => (2 * (v - y.dataSync()[i])) / (B * T * E));
      const expected = embeddingGradRef(V, E, ids, dOut);
      expectClose(grads[0], expected, { tol: 1e-6, scale: 1e-3, label: 'dE' });
      for (const row of [5, 6, 7, 8]) expect(Array.from(grads[0].subarray(row * E, (row + 1) * E))).toEqual(new Array(E).fill(0));
    });

    for (const [label, V, E, U, B, T] of [['small', 7, 3, 2, 4, 5], ['larger', 40, 16, 6, 6, 12]] as const) {
      it(`Embedding → Dense matches finite differences of a float64 model (${label}: V ${V}, E ${E}, B ${B}, T ${T})`, async () => {
        const model = idModel([T], wl.layers.embedding({ inputDim: V, outputDim: E }), wl.layers.dense({ units: U, activation: 'tanh' }));
        const ids = randomIds(B * T, V, 11);
        ids[1] = ids[0]; // a repeat for sure
        const y = wl.tensor(Float32Array.from(uniform(testRng(12), B * T * U)), [B, T, U]);
        await checkGradients(model, 'meanSquaredError', wl.tensor(ids, [B, T], 'int32'), y, ([table, kernel, bias]) =>
          meanSquaredErrorRef(denseRef(embeddingRef(table, E, ids), B * T, E, kernel, bias, U, 'tanh'), y.dataSync()));
      });
    }

    it('the ids get none: backward returns null even where an input gradient is asked for', () => {
      const layer = new Embedding({ inputDim: 4, outputDim: 2 });
      layer.buildFor([[null, 3]]);
      const scratch = new Scratch(engine);
      try {
        const ids = scratch.from(Float32Array.of(0, 1, 3), [1, 3]);
        const ctx = { engine, scratch, training: true, masks: [null], stateSums: null, noise: null };
        const { outputs: [y], cache } = layer.forward([ids], ctx);
        const dIn = layer.backward([scratch.from(new Float32Array(y.size).fill(1), y.shape)], cache, {
          engine, scratch, gradients: new Map(), needInputGradients: [true], logitsGradient: false,
        });
        expect(dIn).toEqual([null]);
      } finally {
        scratch.release();
      }
    });
  });

  describe('backward touches only the rows of the batch', () => {
    const [B, T, E] = [64, 100, 64];
    const ids = randomIds(B * T, 10_000, 21);

    /** Runs forward and one backward of Embedding(rows, E) on `ids` into an accumulator filled with 0.5; returns the accumulator. */
    function backwardInto(rows: number): Float32Array {
      const layer = new Embedding({ inputDim: rows, outputDim: E, embeddingsInitializer: 'zeros' });
      layer.buildFor([[null, T]]);
      const variable = layer.weights[0];
      const grad = engine.allocF32(rows * E);
      const scratch = new Scratch(engine);
      try {
        const input = scratch.from(ids, [B, T]);
        const { outputs: [y], cache } = layer.forward([input], { engine, scratch, training: true, masks: [null], stateSums: null, noise: null });
        const dy = scratch.from(uniform(testRng(3), y.size), y.shape);
        const ctx = { engine, scratch, gradients: new Map([[variable, grad]]), needInputGradients: [false], logitsGradient: false };
        engine.f32(grad, rows * E).fill(0.5);
        layer.backward([dy as DeviceTensor], cache, ctx);
        return engine.read(grad, rows * E);
      } finally {
        scratch.release();
        engine.release(grad);
        layer.dispose();
      }
    }

    const changedRows = (values: Float32Array) => {
      let changed = 0;
      for (let r = 0; r < values.length / E; r++) if (values.subarray(r * E, (r + 1) * E).some((v) => v !== 0.5)) changed++;
      return changed;
    };

    it('counts: the rows written are the distinct ids of the batch, at vocabulary 10k and 100k alike', () => {
      const distinct = new Set(ids).size;
      const small = backwardInto(10_000), large = backwardInto(100_000); // 0.5 + Σ dy
      expect(changedRows(small)).toBe(distinct);
      expect(changedRows(large)).toBe(distinct);
      expectIdentical(large.subarray(0, 10_000 * E), small, 'the same rows, the same sums');
    });
  });

  describe('ids are checked', () => {
    const model = () => {
      const m = idModel([4], wl.layers.embedding({ inputDim: 6, outputDim: 2, name: 'emb' }), wl.layers.dense({ units: 1 }));
      m.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
      return m;
    };
    const y = wl.zeros([2, 4, 1]);
    const message = (value: string, at: string) => `Layer emb (Embedding) expects ids that are integers in [0, 6) (inputDim 6), but received ${value} at index ${at} of the input data (shape (2, 4))`;

    it('before predict, evaluate and fit do any work: the value, its position and the valid range', async () => {
      const m = model();
      const before = m.getWeights().map((w) => w.dataSync().slice());
      expect(() => m.predict(ids2d([0, 1, 2, 3, 4, 5, 6, 1], 2))).toThrow(message('6', '[1, 2]'));
      expect(() => m.evaluate(ids2d([0, -1, 2, 3, 4, 5, 5, 1], 2), y)).toThrow(message('-1', '[0, 1]'));
      await expect(m.fit(ids2d([0, 1, 2, 3, 4, 5, 5, 9], 2), y, { epochs: 1, verbose: 0, batchSize: 1 })).rejects.toThrow(message('9', '[1, 3]'));
      await expect(m.fit(ids2d([0, 1, 2, 3], 1), wl.zeros([1, 4, 1]), {
        epochs: 1, verbose: 0, validationData: [ids2d([0, 1, 2, 3, 4, 5, 5, 7], 2), y],
      })).rejects.toThrow('received 7 at index [1, 3]');
      m.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), before[i], `weight ${i} unchanged`));

      const tfjs = wl.sequential({ layers: [wl.layers.embedding({ inputDim: 6, outputDim: 2, inputShape: [3], name: 'emb' })] });
      expect(() => tfjs.predict(wl.tensor([[1, 2, 0.5], [1, 1, 1]]))).toThrow('but received 0.5 at index [0, 2] of the input data (shape (2, 3))');
    });

    it('in the layer\'s forward too, by the kernel, for ids that did not come from the data', () => {
      const layer = new Embedding({ inputDim: 6, outputDim: 2, name: 'inner' });
      layer.buildFor([[null, 3]]);
      const scratch = new Scratch(engine);
      try {
        const ctx = { engine, scratch, training: false, masks: [null], stateSums: null, noise: null };
        expect(() => layer.forward([scratch.from(Int32Array.of(0, 1, 2, 3, 4, 12), [2, 3])], ctx))
          .toThrow('Layer inner (Embedding) expects ids that are integers in [0, 6) (inputDim 6), but received 12 at index [1, 2] of a batch of shape (2, 3)');
        expect(() => layer.forward([scratch.from(Float32Array.of(0, 1.5, 2), [1, 3])], ctx)).toThrow('received 1.5 at index [0, 1]');
      } finally {
        scratch.release();
      }
    });

    it('bad arguments and inputs are refused by name', () => {
      expect(() => wl.layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow('Embedding: received an invalid value for inputDim, expected a positive integer. Received: inputDim=0');
      expect(() => wl.layers.embedding({ inputDim: 3 } as wl.EmbeddingLayerArgs)).toThrow('Received: outputDim=undefined');
      expect(() => wl.layers.embedding({ inputDim: 3, outputDim: 2, maskZero: 1 as unknown as boolean })).toThrow('expected true or false. Received: maskZero=1');
      expect(() => wl.layers.embedding({ inputDim: 3, outputDim: 2, embeddingsRegularizer: 'l2' } as wl.EmbeddingLayerArgs)).toThrow('regularizers are not supported yet');
      expect(() => wl.layers.embedding({ inputDim: 3, outputDim: 2, dtype: 'int32' as 'float32' })).toThrow("wl.layers.inputLayer({ inputShape: [T], dtype: 'int32' })");
      expect(() => wl.layers.embedding({ inputDim: 3, outputDim: 2 }).apply(wl.input({ shape: [4], dtype: 'bool' }))).toThrow('is bool');
      const config = { name: 'e', input_dim: 3, output_dim: 2, embeddings_constraint: { class_name: 'NonNeg' } };
      expect(() => modelFromConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'Embedding', config: { ...config, batch_input_shape: [null, 2] } }] } }))
        .toThrow('embeddings_constraint={"class_name":"NonNeg"} is not supported');
    });
  });

  describe('config', () => {
    it('writes Keras\'s keys and round-trips through save and load with identical predictions', async () => {
      const model = idModel([5], wl.layers.embedding({ inputDim: 20, outputDim: 3, maskZero: true, embeddingsInitializer: 'uniform' }), wl.layers.lstm({ units: 2 }));
      const [input, config] = (model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
      expect(input, 'the int32 input is kept, as Keras 3 writes it').toMatchObject({ class_name: 'InputLayer', config: { dtype: 'int32', batch_input_shape: [null, 5] } });
      expect(config).toMatchObject({
        class_name: 'Embedding',
        config: {
          input_dim: 20, output_dim: 3, mask_zero: true,
          embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
          embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null,
        },
      });
      expect(Object.keys(config.config)).not.toContain('input_length');
      const handler = wl.io.fromMemory();
      await model.save(handler);
      const loaded = await wl.loadLayersModel(handler);
      expect(loaded.getConfig()).toEqual(model.getConfig());
      const x = ids2d([1, 2, 3, 0, 0, 19, 18, 0, 0, 0], 2);
      expectIdentical(((await loaded.predict(x, { workers: 0 })) as wl.Tensor).dataSync(), ((await model.predict(x, { workers: 0 })) as wl.Tensor).dataSync(), 'predictions');
    });

    it('loads Keras 3\'s config (the input and Embedding of embedding_mask_zero_gru) and a tfjs one with input_length', async () => {
      const c = loadCase('embedding_mask_zero_gru');
      const keras = (c.config as { config: { layers: unknown[] } }).config;
      const model = modelFromConfig({ class_name: 'Sequential', config: { ...keras, layers: keras.layers.slice(0, 2) } } as never);
      const embedding = model.layers[0] as Embedding;
      expect([embedding.inputDim, embedding.outputDim, embedding.maskZero]).toEqual([27, 4, true]);
      model.setWeights([wl.tensor(Float32Array.from(c.weights[0].data), c.weights[0].shape)]);
      const ids = c.inputs[0].data;
      const out = (await model.predict(wl.tensor(Int32Array.from(ids), c.inputs[0].shape, 'int32'), { workers: 0 })) as wl.Tensor;
      expectIdentical(out.dataSync(), Float32Array.from(embeddingRef(c.weights[0].data, 4, ids)), 'the rows of the ids');

      const tfjs = modelFromConfig({
        class_name: 'Sequential',
        config: { layers: [{ class_name: 'Embedding', config: { name: 'e', input_dim: 8, output_dim: 2, input_length: 4, mask_zero: false, batch_input_shape: [null, 4], embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } }, embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null } }] },
      });
      expect(tfjs.graphTopology.outputs[0].shape).toEqual([null, 4, 2]);
    });
  });

  describe('TensorFlow.js 4.22 round trips', () => {
    const ids = [3, 9, 1, 0, 0, 5, 2, 8, 7, 4, 0, 0];

    it('a tfjs Embedding(inputLength, maskZero) → GRU saved by tfjs loads here and predicts the same', async () => {
      const { tf, tfl } = await tfjs();
      const peer = tfl.sequential();
      peer.add(tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6, maskZero: true, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1 }) }));
      peer.add(tfl.layers.gru({ units: 3 }));
      const handler = { artifacts: null as unknown };
      await peer.save(tf.io.withSaveHandler(async (a) => {
        handler.artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const ours = await wl.loadLayersModel(wl.io.fromMemory(handler.artifacts as never));
      expect(ours.layers.map((l) => l.className)).toEqual(['Embedding', 'GRU']);
      const expected = (peer.predict(tf.tensor(ids, [2, 6])) as { dataSync(): Float32Array }).dataSync();
      expectClose(((await ours.predict(wl.tensor(Float32Array.from(ids), [2, 6]), { workers: 0 })) as wl.Tensor).dataSync(), expected, { tol: 1e-5, scale: 0.1 });
    });

    it('an int32-input Embedding model saved here loads in tfjs (its InputLayer entry) and predicts the same', async () => {
      const { tf, tfl } = await tfjs();
      wl.setSeed(3);
      const ours = idModel([6], wl.layers.embedding({ inputDim: 10, outputDim: 4, embeddingsInitializer: wl.initializers.randomUniform({ minval: -1, maxval: 1 }) }), wl.layers.dense({ units: 2 }));
      const handler = wl.io.fromMemory();
      await ours.save(handler);
      const peer = await tfl.loadLayersModel(tf.io.fromMemory(handler.artifacts as never));
      expect(peer.inputs[0].dtype).toBe('int32');
      const expected = (peer.predict(tf.tensor(ids, [2, 6], 'int32')) as { dataSync(): Float32Array }).dataSync();
      expectClose(((await ours.predict(ids2d(ids, 2), { workers: 0 })) as wl.Tensor).dataSync(), expected, { tol: 1e-6, scale: 0.1 });
    });
  });

  it('fit on the worker pool (workers: 2) gives the in-process weights within 1e-6 (repeated ids in both shards)', async () => {
    const build = () => {
      wl.setSeed(17);
      const m = idModel([6], wl.layers.embedding({ inputDim: 15, outputDim: 4, maskZero: true }), wl.layers.gru({ units: 5 }), wl.layers.dense({ units: 3, activation: 'softmax' }));
      m.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }) });
      return m;
    };
    const ids = randomIds(16 * 6, 15, 31);
    for (let i = 0; i < 16; i++) ids[i * 6 + 5] = i % 3 === 0 ? 0 : ids[i * 6 + 5]; // some padding
    const x = wl.tensor(ids, [16, 6], 'int32');
    const y = wl.oneHot(wl.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32'), 3);
    const weights = [];
    for (const workers of [0, 2]) {
      const m = build();
      await m.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, workers });
      weights.push(m.getWeights());
    }
    const [w0, w2] = weights;
    const initial = build().getWeights()[0].dataSync();
    expect(Math.max(...w0[0].dataSync().map((v, i) => Math.abs(v - initial[i]))), 'training moved the embeddings').toBeGreaterThan(1e-3);
    w0.forEach((w, k) => expectClose(w2[k].dataSync(), w.dataSync(), { tol: 1e-6, scale: 1, label: `weight ${k}` }));
  });
});
