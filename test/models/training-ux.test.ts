// Keras's training conveniences: validation, accuracy, early stopping, terminate-on-NaN, progress.
import { describe, it, expect, beforeEach, vi } from 'vitest';
import * as wl from '../../src/index.js';
import { expectIdentical } from '../helpers/compare.js';

function classifier(units = 4) {
  const m = wl.sequential({ layers: [wl.layers.dense({ units, activation: 'softmax', inputShape: [3], kernelInitializer: wl.initializers.glorotUniform({ seed: 1 }) })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: wl.optimizers.sgd({ learningRate: 0.5 }), metrics: ['accuracy'] });
  return m;
}

describe('validation', () => {
  beforeEach(() => wl.setSeed(1));

  it("validationSplit validates on the last fraction of the samples, before shuffling (Keras), and logs val_loss / val_accuracy", async () => {
    const m = classifier();
    const x = wl.randomUniform([10, 3]);
    const y = wl.oneHot([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], 4);
    const seen: number[] = [];
    const history = await m.fit(x, y, {
      epochs: 1, batchSize: 10, validationSplit: 0.3, verbose: 0, shuffle: true,
      callbacks: { onBatchBegin: (_, logs) => void seen.push(logs!.size) },
    });
    expect(seen).toEqual([7]);
    // the validation loss is the loss of the last 3 samples under the weights after the epoch
    const tail = (t: wl.Tensor, from: number) => wl.tensor(t.dataSync().slice(from * t.shape[1]), [t.shape[0] - from, t.shape[1]]);
    const [loss, acc] = (await m.evaluate(tail(x, 7), tail(y, 7))) as wl.Tensor[];
    expect(history.history.val_loss[0]).toBeCloseTo(loss.dataSync()[0], 6);
    expect(history.history.val_accuracy[0]).toBeCloseTo(acc.dataSync()[0], 6);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history.params.doValidation).toBe(true);
  });

  it('validationData takes precedence and is checked like the training data', async () => {
    wl.clearSession();
    const m = classifier();
    const x = wl.randomUniform([8, 3]);
    const y = wl.oneHot([0, 1, 2, 3, 0, 1, 2, 3], 4);
    const h = await m.fit(x, y, { epochs: 2, validationData: [x, y], validationSplit: 0.5, verbose: 0 });
    expect(h.history.val_loss).toHaveLength(2);
    await expect(m.fit(x, y, { validationData: [x, wl.zeros([8, 5])], verbose: 0 })).rejects.toThrow(
      'Error when checking target: expected dense_1 to have shape (None, 4) but got array with shape (8, 5)',
    );
    await expect(m.fit(x, y, { validationSplit: 1, verbose: 0 })).rejects.toThrow('fit: received an invalid value for validationSplit, expected a number in [0, 1). Received: validationSplit=1');
    await expect(m.fit(wl.zeros([1, 3]), wl.zeros([1, 4]), { validationSplit: 0.5, verbose: 0 })).rejects.toThrow('validationSplit=0.5 of 1 samples leaves 0 to train on and 1 to validate on');
  });
});

describe('accuracy', () => {
  it('matches a hand-computed value, per timestep for sequence outputs', async () => {
    const m = wl.sequential({ layers: [wl.layers.activation({ activation: 'linear', inputShape: [2, 3] })] });
    m.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['acc'] });
    // predictions are the inputs; argmax per (sample, timestep): [2, 0], [1, 1]; targets: [2, 1], [1, 0] → 2 of 4 right
    const x = wl.tensor([[[0, 1, 5], [9, 0, 0]], [[0, 3, 1], [1, 2, 0]]]);
    const y = wl.tensor([[[0, 0, 1], [0, 1, 0]], [[0, 1, 0], [1, 0, 0]]]);
    const [, acc] = (await m.evaluate(x, y)) as wl.Tensor[];
    expect(acc.dataSync()[0]).toBe(0.5);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(h.history.acc[0]).toBe(0.5);
  });

  it('refuses unknown metrics', () => {
    expect(() => classifier().compile({ loss: 'mse', optimizer: 'sgd', metrics: ['f1'] })).toThrow('Unknown metric: "f1". Expected one of: accuracy, acc, binaryAccuracy, binary_accuracy, categoricalAccuracy, categorical_accuracy, sparseCategoricalAccuracy');
  });
});

describe('callbacks', () => {
  it('earlyStopping stops at the right epoch and restores the best weights', async () => {
    const m = classifier();
    const x = wl.randomUniform([16, 3]);
    const y = wl.oneHot(Array.from({ length: 16 }, (_, i) => i % 4), 4);
    // a scripted val_loss: best at epoch 2, then worse; patience 2 → stops after epoch 4
    const script = [1.0, 0.8, 0.5, 0.6, 0.7, 0.4, 0.3];
    const weightsAt: Float32Array[][] = [];
    const early = wl.callbacks.earlyStopping({ monitor: 'scripted', patience: 2, restoreBestWeights: true });
    const history = await m.fit(x, y, {
      epochs: 7, verbose: 0,
      callbacks: [
        { onEpochEnd: (epoch, logs) => { logs!.scripted = script[epoch]; weightsAt.push(m.getWeights().map((w) => w.dataSync().slice())); } },
        early,
      ],
    });
    expect(history.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(early.stoppedEpoch).toBe(4);
    expect(early.bestEpoch).toBe(2);
    m.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), weightsAt[2][i], `weight ${i}`));
  });

  it('earlyStopping on val_accuracy maximises it (mode auto)', async () => {
    const e = wl.callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 0 });
    const model = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
    e.setModel(model);
    e.onTrainBegin();
    e.onEpochEnd(0, { val_accuracy: 0.5 });
    e.onEpochEnd(1, { val_accuracy: 0.6 });
    expect(model.stopTraining).toBe(false);
    e.onEpochEnd(2, { val_accuracy: 0.55 });
    expect(model.stopTraining).toBe(true);
  });

  it('terminateOnNaN stops a diverging run at the first non-finite loss', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ loss: 'mse', optimizer: wl.optimizers.sgd({ learningRate: 1e6 }) });
    const x = wl.randomUniform([64, 2], 1, 2);
    const y = wl.randomUniform([64, 1], -1, 1);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const batches: number[] = [];
    const h = await m.fit(x, y, { epochs: 50, batchSize: 4, verbose: 0, callbacks: [wl.callbacks.terminateOnNaN(), { onBatchEnd: (_, l) => void batches.push(l!.loss) }] });
    expect(log).toHaveBeenCalledWith(`Batch ${(batches.length - 1) % 16}: Invalid loss, terminating training`);
    log.mockRestore();
    expect(Number.isFinite(batches.at(-1)!)).toBe(false);
    expect(batches.slice(0, -1).every(Number.isFinite)).toBe(true);
    expect(h.epoch.length).toBeLessThan(50);
  });

  it('model.stopTraining set from a callback ends fit after the current batch', async () => {
    const m = classifier();
    let batches = 0;
    await m.fit(wl.randomUniform([40, 3]), wl.oneHot(Array.from({ length: 40 }, (_, i) => i % 4), 4), {
      epochs: 3, batchSize: 4, verbose: 0,
      callbacks: { onBatchEnd: () => { batches++; if (batches === 3) m.stopTraining = true; } },
    });
    expect(batches).toBe(3);
  });
});

describe('progress output', () => {
  it('verbose 1 prints one line per epoch off a TTY, with accuracy and validation; verbose 2 prints the short form', async () => {
    wl.setSeed(4);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (writes.push(String(s)), true));
    try {
      const m = classifier();
      const x = wl.randomUniform([20, 3]);
      const y = wl.oneHot(Array.from({ length: 20 }, (_, i) => i % 4), 4);
      await m.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.2 });
      await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 2 });
    } finally {
      spy.mockRestore();
    }
    const text = writes.join('');
    // Python's '%.4f', or '%.4e' at or below 1e-3 (a validation accuracy of 0 prints 0.0000e+00)
    const v = String.raw`(\d\.\d{4}|\d\.\d{4}e[-+]\d\d)`;
    expect(text).toMatch(new RegExp(String.raw`^Epoch 1/2\n16/16 \[={30}\] - \d+s \d+(us|ms)/step - loss: ${v} - accuracy: ${v} - val_loss: ${v} - val_accuracy: ${v}\nEpoch 2/2\n`));
    expect(text).toMatch(/Epoch 1\/1\n - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
  });

  it('fitDataset with batchesPerEpoch draws the bar over batches; without it, one line per epoch', async () => {
    wl.setSeed(5);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (writes.push(String(s)), true));
    const rows = Array.from({ length: 12 }, (_, i) => ({ xs: [i / 12, 1 - i / 12, 0.5], ys: wl.oneHot([i % 4], 4).dataSync() }));
    try {
      const m = classifier();
      await m.fitDataset(wl.data.array(rows).batch(4).repeat(), { epochs: 2, batchesPerEpoch: 3, validationData: wl.data.array(rows).batch(6) });
      await m.fitDataset(wl.data.array(rows).batch(4), { epochs: 1 });
    } finally {
      spy.mockRestore();
    }
    const v = String.raw`(\d\.\d{4}|\d\.\d{4}e[-+]\d\d)`;
    expect(writes.join('')).toMatch(new RegExp(String.raw`^Epoch 1/2\n3/3 \[={30}\] - \d+s \d+(us|ms)/step - loss: ${v} - accuracy: ${v} - val_loss: ${v} - val_accuracy: ${v}\nEpoch 2/2\n3/3 .*\nEpoch 1/1 - 3 batches - loss: ${v} - accuracy: ${v}\n$`));
  });
});
