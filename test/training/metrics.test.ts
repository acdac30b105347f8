// Every compiled metric against values computed by hand from predictions the model passes through
// unchanged (Dense with an identity kernel and no bias: prediction = input). Keras's metrics are
// ratios of sums over the epoch: accuracies matches / rows, mse / mae the mean of per-row means,
// precision TP / predicted positives, recall TP / actual positives (threshold 0.5).
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

afterAll(() => wl.shutdown());

/** prediction = input: Dense(units) with an identity kernel, no bias. */
function passThrough(units: number, loss: wl.LossIdentifier, metrics: string[]) {
  const m = wl.sequential({ layers: [wl.layers.dense({ units, useBias: false, inputShape: [units] })] });
  const eye = new Float32Array(units * units);
  for (let i = 0; i < units; i++) eye[i * units + i] = 1;
  m.setWeights([wl.tensor(eye, [units, units])]);
  m.compile({ loss, optimizer: 'sgd', metrics });
  return m;
}

async function evaluated(m: wl.LayersModel, x: wl.Tensor, y: wl.Tensor, workers: 0 | 2 = 0): Promise<number[]> {
  const out = await m.evaluateAsync(x, y, { workers, batchSize: 3 });
  return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync()[0]);
}

// one unit: 6 predictions and binary targets
const p1 = wl.tensor([0.9, 0.2, 0.7, 0.4, 0.6, 0.1], [6, 1]);
const y1 = wl.tensor([1, 0, 0, 1, 1, 0], [6, 1]);
// predicted positive (> 0.5): rows 0, 2, 4; of them targets 1: rows 0, 4 → TP 2; actual positives 3
const BINARY_ACC = 4 / 6; // rows 0, 1, 4, 5 right
const PRECISION = 2 / 3;
const RECALL = 2 / 3;
const MSE1 = (0.01 + 0.04 + 0.49 + 0.36 + 0.16 + 0.01) / 6;
const MAE1 = (0.1 + 0.2 + 0.7 + 0.6 + 0.4 + 0.1) / 6;

describe('metrics, by hand', () => {
  it('binaryAccuracy, precision, recall, mse, mae on one unit (evaluate: loss then metrics in compile order)', async () => {
    const m = passThrough(1, 'mse', ['binaryAccuracy', 'precision', 'recall', 'mse', 'mae']);
    const [loss, acc, precision, recall, mse, mae] = await evaluated(m, p1, y1);
    expect(loss).toBeCloseTo(MSE1, 6);
    expect(acc).toBeCloseTo(BINARY_ACC, 6);
    expect(precision).toBeCloseTo(PRECISION, 6);
    expect(recall).toBeCloseTo(RECALL, 6);
    expect(mse).toBeCloseTo(MSE1, 6);
    expect(mae).toBeCloseTo(MAE1, 6);
  });

  it('epoch values are the ratio of the epoch sums, not the mean of batch ratios (batches of 3 here)', async () => {
    // precision per batch: rows 0-2 → 1/2, rows 3-5 → 1/1; mean 0.75, epoch ratio 2/3
    const m = passThrough(1, 'mse', ['precision']);
    const [, precision] = await evaluated(m, p1, y1);
    expect(precision).toBeCloseTo(PRECISION, 6);
  });

  it('workers: 2 gives the same metrics', async () => {
    const m = passThrough(1, 'mse', ['binaryAccuracy', 'precision', 'recall', 'mae']);
    expect(await evaluated(m, p1, y1, 2)).toEqual((await evaluated(m, p1, y1, 0)).map((v) => expect.closeTo(v, 6)));
  });

  it('precision with no predicted positive is 0 (Keras divide_no_nan)', async () => {
    const m = passThrough(1, 'mse', ['precision']);
    const [, precision] = await evaluated(m, wl.tensor([0.1, 0.2], [2, 1]), wl.tensor([1, 0], [2, 1]));
    expect(precision).toBe(0);
  });

  it('binaryAccuracy on several units is the mean over the last axis, then over rows', async () => {
    const m = passThrough(2, 'mse', ['binaryAccuracy']);
    // row 0: [0.9, 0.2] vs [1, 1] → 1/2; row 1: [0.3, 0.8] vs [0, 1] → 1
    const [, acc] = await evaluated(m, wl.tensor([0.9, 0.2, 0.3, 0.8], [2, 2]), wl.tensor([1, 1, 0, 1], [2, 2]));
    expect(acc).toBeCloseTo(0.75, 6);
  });

  it("'accuracy' with sparseCategoricalCrossentropy is sparse categorical accuracy", async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 3, useBias: false, activation: 'softmax', inputShape: [3] })] });
    m.setWeights([wl.tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])]);
    m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', metrics: ['accuracy', 'sparseCategoricalAccuracy'] });
    // argmax per row: 2, 0, 1, 1 against targets 2, 1, 1, 0 → 2 of 4
    const x = wl.tensor([0, 1, 3, 2, 1, 0, 0, 5, 1, 1, 4, 0], [4, 3]);
    const [, accuracy, sparse] = await evaluated(m, x, wl.tensor([2, 1, 1, 0], [4], 'int32'));
    expect(accuracy).toBeCloseTo(0.5, 6);
    expect(sparse).toBeCloseTo(0.5, 6);
  });

  it('fit logs each metric under the name compiled, with val_ for validation data', async () => {
    const m = passThrough(1, 'mse', ['acc', 'MAE', 'recall']);
    const h = await m.fit(p1, y1, { epochs: 1, batchSize: 6, verbose: 0, workers: 0, shuffle: false, validationData: [p1, y1] });
    expect(Object.keys(h.history).sort()).toEqual(['MAE', 'acc', 'loss', 'recall', 'val_MAE', 'val_acc', 'val_loss', 'val_recall']);
    // logged before the step: the pass-through predictions
    expect(h.history.acc[0]).toBeCloseTo(BINARY_ACC, 6);
    expect(h.history.MAE[0]).toBeCloseTo(MAE1, 6);
    expect(h.history.recall[0]).toBeCloseTo(RECALL, 6);
  });

  it('several outputs: <output>_<metric> for every output', async () => {
    const inp = wl.input({ shape: [1] });
    const a = wl.layers.dense({ units: 1, useBias: false, name: 'a' }).apply(inp) as wl.SymbolicTensor;
    const b = wl.layers.dense({ units: 1, useBias: false, name: 'b' }).apply(inp) as wl.SymbolicTensor;
    const m = wl.model({ inputs: inp, outputs: [a, b] });
    m.setWeights([wl.tensor([1], [1, 1]), wl.tensor([1], [1, 1])]);
    m.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['binaryAccuracy', 'mae'] });
    const h = await m.fit(p1, [y1, wl.ones([6, 1])], { epochs: 1, batchSize: 6, verbose: 0, workers: 0, shuffle: false });
    expect(Object.keys(h.history).sort()).toEqual(['a_binaryAccuracy', 'a_loss', 'a_mae', 'b_binaryAccuracy', 'b_loss', 'b_mae', 'loss']);
    expect(h.history.a_binaryAccuracy[0]).toBeCloseTo(BINARY_ACC, 6);
    expect(h.history.b_binaryAccuracy[0]).toBeCloseTo(3 / 6, 6);
    expect(h.history.a_mae[0]).toBeCloseTo(MAE1, 6);
  });

  it('unknown metric names are refused, listing the known ones', () => {
    expect(() => passThrough(1, 'mse', ['f1'])).toThrow(/Unknown metric: "f1". Expected one of: accuracy, acc, binaryAccuracy/);
  });
});

describe('metric names', () => {
  it('refuses a metric that is not a name, and an unknown name, before any work', async () => {
    const { resolveMetrics, metricKindFor } = await import('../../src/training/metrics.js');
    const { resolveLoss } = await import('../../src/training/losses.js');
    expect(() => resolveMetrics([42])).toThrow(/compile: received an invalid value for metrics, expected metric names such as "accuracy"/);
    expect(() => resolveMetrics(['acuracy'])).toThrow(/Unknown metric: "acuracy"/);
    expect(() => metricKindFor('acuracy', [null, 2], resolveLoss('mse'))).toThrow(/Unknown metric: "acuracy"/);
    expect(resolveMetrics(undefined)).toEqual([]);
    expect(resolveMetrics(['acc', 'acc', 'mse'])).toEqual(['acc', 'mse']);
    expect(resolveMetrics('acc')).toEqual(['acc']);
  });
});
