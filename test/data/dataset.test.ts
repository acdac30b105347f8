// tf.data (src/data/dataset.ts) and model.fitDataset (src/training/fit-dataset.ts): the dataset
// operations against hand-computed streams, and fitDataset against fit on the same batches.
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { resetPool } from '../helpers/pool.js';

afterAll(() => resetPool());

const values = async (ds: wl.Dataset<unknown>) => (await ds.toArray()).map((t) => (t instanceof wl.Tensor ? Array.from(t.dataSync()) : t));

describe('tf.data', () => {
  it('array, map, filter, take, skip, repeat, prefetch', async () => {
    const ds = wl.data.array([1, 2, 3, 4, 5]);
    expect(await ds.toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(await ds.map((x) => x * 10).toArray()).toEqual([10, 20, 30, 40, 50]);
    expect(await ds.map(async (x) => x + 1).filter((x) => x % 2 === 0).toArray()).toEqual([2, 4, 6]);
    expect(await ds.take(2).toArray()).toEqual([1, 2]);
    expect(await ds.take(0).toArray()).toEqual([]);
    expect(await ds.take(-1).toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(await ds.skip(3).toArray()).toEqual([4, 5]);
    expect(await ds.repeat(2).toArray()).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    expect(await ds.repeat().take(7).toArray()).toEqual([1, 2, 3, 4, 5, 1, 2]);
    expect(await wl.data.array([]).repeat().toArray()).toEqual([]);
    expect(await ds.prefetch(4).toArray()).toEqual([1, 2, 3, 4, 5]);
    const seen: number[] = [];
    await ds.forEachAsync((x) => void seen.push(x));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('generator (sync and async) is called afresh for each pass', async () => {
    let calls = 0;
    const sync = wl.data.generator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield i;
    });
    expect(await sync.toArray()).toEqual([0, 1, 2]);
    expect(await sync.toArray()).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
    const async = wl.data.generator(async function* () {
      for (let i = 0; i < 3; i++) yield await Promise.resolve(i * i);
    });
    expect(await async.toArray()).toEqual([0, 1, 4]);
    const it = await async.iterator();
    expect(await it.next()).toEqual({ value: 0, done: false });
  });

  it('batch stacks Tensors, numbers, arrays and objects; the last batch may be smaller', async () => {
    const rows = [0, 1, 2, 3, 4].map((i) => ({ xs: wl.tensor([i, -i]), ys: i % 2, pair: [i, wl.tensor([i, i])] }));
    const batches = (await wl.data.array(rows).batch(2).toArray()) as unknown as { xs: wl.Tensor; ys: wl.Tensor; pair: wl.Tensor[] }[];
    expect(batches).toHaveLength(3);
    expect(batches[0].xs.shape).toEqual([2, 2]);
    expect(Array.from(batches[0].xs.dataSync())).toEqual([0, -0, 1, -1]);
    expect(Array.from(batches[1].ys.dataSync())).toEqual([0, 1]);
    expect(batches[2].xs.shape).toEqual([1, 2]);
    expect(batches[1].pair[1].shape).toEqual([2, 2]);
    expect(await wl.data.array([1, 2, 3]).batch(2, false).toArray().then((b) => b.length)).toBe(1);
    await expect(wl.data.array(['a', 'b']).batch(2).toArray()).rejects.toThrow('Dataset.batch: cannot batch elements like "a"');
    expect(() => wl.data.array([1]).batch(0)).toThrow('Dataset.batch: batchSize must be a positive integer, got 0');
  });

  it('batch takes typed arrays as leaves, as tfjs-data: rows of one tensor, int32 kept', async () => {
    const rows = [0, 1, 2].map((i) => ({ xs: Float32Array.of(i, 0.5), ids: Int32Array.of(i, i + 1, i + 2) }));
    const [batch] = (await wl.data.array(rows).batch(3).toArray()) as unknown as { xs: wl.Tensor; ids: wl.Tensor }[];
    expect(batch.xs.shape).toEqual([3, 2]);
    expect(Array.from(batch.xs.dataSync())).toEqual([0, 0.5, 1, 0.5, 2, 0.5]);
    expect(batch.ids.dtype).toBe('int32');
    expect(Array.from(batch.ids.dataSync())).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 4]);
    const ragged = [Float32Array.of(1, 2), Float32Array.of(3)];
    await expect(wl.data.array(ragged).batch(2).toArray()).rejects.toThrow('Dataset.batch: every element must have the structure of the first (a typed array of 2); element 1 is');
  });

  it('zip reads datasets side by side, as a list or an object, ending with the shortest', async () => {
    const a = wl.data.array([1, 2, 3]);
    const b = wl.data.array(['x', 'y']);
    expect(await wl.data.zip([a, b]).toArray()).toEqual([[1, 'x'], [2, 'y']]);
    expect(await wl.data.zip({ n: a, s: b }).toArray()).toEqual([{ n: 1, s: 'x' }, { n: 2, s: 'y' }]);
    expect(() => wl.data.zip([a, 3 as never])).toThrow('data.zip: expected a list or an object of Datasets');
  });

  it('shuffle: a permutation, the same for the same seed, a new order each pass unless told otherwise', async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const ds = wl.data.array(items).shuffle(50, 7);
    const first = await ds.toArray();
    const second = await ds.toArray();
    expect([...first].sort((p, q) => p - q)).toEqual(items);
    expect(first).not.toEqual(items);
    expect(second).not.toEqual(first);
    expect(await wl.data.array(items).shuffle(50, 7).toArray()).toEqual(first);
    const fixed = wl.data.array(items).shuffle(10, 3, false);
    const once = await fixed.toArray();
    expect(await fixed.toArray()).toEqual(once);
    expect([...once].sort((p, q) => p - q)).toEqual(items);
  });
});

describe('model.fitDataset', () => {
  function model() {
    wl.setSeed(11);
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
    m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 0.3 }), metrics: ['accuracy'] });
    return m;
  }
  wl.setSeed(5);
  const x = wl.randomUniform([40, 3], -1, 1);
  const labels = Array.from(x.dataSync()).filter((_, i) => i % 3 === 0).map((v) => (v > 0 ? 1 : 0));
  const y = wl.tensor(labels, [40], 'int32');
  const rows = Array.from({ length: 40 }, (_, i) => ({ xs: Array.from(x.dataSync().slice(i * 3, i * 3 + 3)), ys: labels[i] }));

  for (const workers of [0, 2] as const) {
    it(`equals fit on the same batches (workers: ${workers}): losses, accuracy and weights`, async () => {
      const byFit = model();
      const h1 = await byFit.fit(x, y, { batchSize: 16, epochs: 3, shuffle: false, verbose: 0, workers });
      const byDataset = model();
      const h2 = await byDataset.fitDataset(wl.data.array(rows).batch(16), { epochs: 3, verbose: 0, workers });
      expect(h2.history.loss).toEqual(h1.history.loss.map((v) => expect.closeTo(v, 6)));
      expect(h2.history.accuracy).toEqual(h1.history.accuracy.map((v) => expect.closeTo(v, 6)));
      byDataset.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(byFit.getWeights()[i].dataSync()).map((v) => expect.closeTo(v, 5))));
    });
  }

  it('streams a generator with batchesPerEpoch over a repeated dataset; callbacks and validation as fit', async () => {
    let produced = 0;
    const stream = wl.data.generator(function* () {
      for (const r of rows) {
        produced++;
        yield r;
      }
    }).repeat().batch(8);
    const events: string[] = [];
    const m = model();
    const h = await m.fitDataset(stream, {
      epochs: 2, batchesPerEpoch: 3, verbose: 0, validationData: [x, y],
      callbacks: { onEpochEnd: (e) => void events.push(`epoch ${e}`), onBatchEnd: (b) => void events.push(`batch ${b}`) },
    });
    expect(events).toEqual(['batch 0', 'batch 1', 'batch 2', 'epoch 0', 'batch 0', 'batch 1', 'batch 2', 'epoch 1']);
    expect(produced).toBeLessThanOrEqual(6 * 8 + 8); // read as needed, not the whole (endless) stream
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    const viaDataset = await model().fitDataset(wl.data.array(rows).batch(8), { epochs: 1, verbose: 0, validationData: wl.data.array(rows).batch(10) });
    expect(viaDataset.history.val_loss).toHaveLength(1);
  });

  it('evaluateDataset equals evaluate on the same batches; batches limits it; workers 2 too', async () => {
    const m = model();
    const [loss, acc] = m.evaluate(x, y, { batchSize: 16 }) as wl.Tensor[];
    for (const workers of [0, 2] as const) {
      const [dLoss, dAcc] = (await m.evaluateDataset(wl.data.array(rows).batch(16), { workers })) as wl.Tensor[];
      expect(dLoss.dataSync()[0]).toBeCloseTo(loss.dataSync()[0], 6);
      expect(dAcc.dataSync()[0]).toBeCloseTo(acc.dataSync()[0], 6);
    }
    const [firstLoss] = (await m.evaluateDataset(wl.data.array(rows).batch(16), { batches: 1 })) as wl.Tensor[];
    const xs = x.slice([0, 0], [16, 3]);
    const [expected] = m.evaluate(xs, wl.tensor(labels.slice(0, 16), [16], 'int32')) as wl.Tensor[];
    expect(firstLoss.dataSync()[0]).toBeCloseTo(expected.dataSync()[0], 6);
    await expect(m.evaluateDataset(wl.data.array([]))).rejects.toThrow('evaluateDataset: the dataset is empty');
    await expect(m.evaluateDataset(wl.data.array([1]) as never)).rejects.toThrow('evaluateDataset: each element of the dataset must be a batch {xs, ys}; element 0 is 1');
    await expect(m.evaluateDataset(wl.data.array(rows).batch(4), { batches: 0 })).rejects.toThrow('evaluateDataset: batches must be a positive integer, got 0');
  });

  it('refuses bad datasets before training, with clear errors', async () => {
    const m = model();
    await expect(m.fitDataset(wl.data.array([]), { verbose: 0 })).rejects.toThrow('fitDataset: the dataset is empty');
    await expect(m.fitDataset(wl.data.array([1, 2]) as never, { verbose: 0 })).rejects.toThrow('fitDataset: each element of the dataset must be a batch {xs, ys}; element 0 is 1');
    await expect(m.fitDataset([1] as never)).rejects.toThrow('fitDataset: expected a Dataset of {xs, ys} batches');
    await expect(m.fitDataset(wl.data.array(rows).batch(8), { epochs: 0.5 } as never)).rejects.toThrow('fitDataset: received an invalid value for epochs');
    const growing = wl.data.array([rows.slice(0, 2), rows.slice(0, 5)]).map((b) => ({ xs: b.map((r) => r.xs), ys: b.map((r) => r.ys) }));
    await expect(m.fitDataset(growing, { verbose: 0 })).rejects.toThrow('fitDataset: batch 1 has 5 samples, more than the first batch\'s 2');
    await expect(m.fitDataset(wl.data.array(rows).batch(8), { batchSize: 3 } as never)).rejects.toThrow(/fitDataset.*batchSize/);
  });
});
