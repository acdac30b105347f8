// A tfjs script reaching past what is built here is told what is missing and what to use instead
// (issue 27 item 4): namespace members tfjs has, and tfjs options, are NotImplementedErrors by name.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

type Loose = Record<string, unknown>;

describe('tfjs names that are not implemented', () => {
  it('a tfjs namespace member this library lacks names itself, says what to use and lists what exists', () => {
    const read = (ns: unknown, key: string) => () => (ns as Loose)[key];
    expect(read(wl.layers, 'conv2d')).toThrow(wl.NotImplementedError);
    expect(read(wl.layers, 'conv2d')).toThrow(/does not implement tf\.layers\.conv2d yet\. .*TensorFlow\.js itself.*Available in tf\.layers: .*conv1d/);
    expect(read(wl.train, 'adagrad')).toThrow(/tf\.train\.adagrad .*Use tf\.train\.rmsprop, adam, sgd or momentum/);
    expect(read(wl.regularizers, 'l2')).toThrow(/tf\.regularizers\.l2/);
    expect(read(wl.constraints, 'maxNorm')).toThrow(/tf\.constraints\.maxNorm/);
    expect(read(wl.util, 'flatten')).toThrow(/tf\.util\.flatten/);
    expect(read(wl.callbacks, 'doesNotExistInTfjs')).not.toThrow();
    expect(read(wl.data, 'csv')).toThrow(/tf\.data\.csv .*generator/);
    expect(read(wl.io, 'browserFiles')).toThrow(/tf\.io\.browserFiles .*Available in tf\.io: .*browserIndexedDB/);
    expect(read(wl.losses, 'notATfjsLoss')).not.toThrow();
  });

  it('names tfjs does not have either read as undefined, so probes and inspection keep working', () => {
    const layers = wl.layers as unknown as Loose;
    expect(layers.notATfjsLayer).toBeUndefined();
    expect(layers.then).toBeUndefined();
    expect('conv2d' in wl.layers).toBe(false);
    expect(Object.keys(wl.layers)).toContain('lstm');
    expect(inspect(wl.train)).toContain('rmsprop');
    expect(JSON.stringify(Object.keys(wl.metrics))).toContain('binaryAccuracy');
  });

  it("tfjs's aliases that exist here work", () => {
    expect(wl.layers.maxPool1d({ poolSize: 2 }).getClassName()).toBe('MaxPooling1D');
    expect(wl.layers.globalMaxPool1d().getClassName()).toBe('GlobalMaxPooling1D');
    expect(wl.layers.input({ shape: [3, 2] }).shape).toEqual([null, 3, 2]);
  });

  it('tfjs options this library lacks are refused by name before any work, with what to use instead', async () => {
    const model = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    const x = wl.ones([4, 2]);
    const y = wl.ones([4, 1]);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(model.fit(x, y, { classWeight: { 0: 1 } } as never)).rejects.toThrow(wl.NotImplementedError);
    await expect(model.fit(x, y, { stepsPerEpoch: 2 } as never)).rejects.toThrow(/fit: stepsPerEpoch is a TensorFlow\.js option .*fitDataset\(dataset, \{batchesPerEpoch\}\)/);
    expect(() => model.evaluate(x, y, { steps: 1 } as never)).toThrow(/evaluate: steps is a TensorFlow\.js option/);
    await expect(wl.loadLayersModel(wl.io.fromMemory(), { strict: false } as never)).rejects.toThrow(/loadLayersModel: strict .* always strict/);
    await expect(model.fit(x, y, { notAnOption: 1 } as never)).rejects.toThrow(/unknown argument notAnOption/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });
});
