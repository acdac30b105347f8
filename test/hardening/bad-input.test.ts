// The bad-input catalogue (docs/RELIABILITY.md): each refused before any work starts, with what was
// expected and what was received. Errors already covered in test/models/errors.test.ts are not repeated.
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';

function model() {
  const m = wl.sequential({ layers: [wl.layers.gru({ units: 4, inputShape: [5, 3] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return m;
}

describe('bad input', () => {
  it('NaN or ±Infinity in inputs or targets, naming the first bad index', async () => {
    wl.clearSession();
    const m = model();
    const x = wl.randomUniform([4, 5, 3]);
    x.dataSync()[2 * 15 + 3 * 3 + 1] = Number.NaN;
    const y = wl.oneHot([0, 1, 0, 1], 2);
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow('Error when checking input: the array holds NaN at index [2, 3, 1] (shape (4, 5, 3)); every value must be finite');
    await expect(m.predict(x)).rejects.toThrow('the array holds NaN at index [2, 3, 1]');
    const badY = wl.tensor([[0, 1], [1, 0], [Number.NEGATIVE_INFINITY, 0], [0, 1]]);
    await expect(m.fit(wl.randomUniform([4, 5, 3]), badY, { verbose: 0 })).rejects.toThrow('Error when checking target: the array holds -Infinity at index [2, 0] (shape (4, 2))');
  });

  it('data changed in place after a fit is checked again (no per-array cache), on the engine\'s SIMD path too', async () => {
    wl.clearSession();
    const m = model();
    const x = wl.randomUniform([4, 5, 3]);
    const y = wl.oneHot([0, 1, 0, 1], 2);
    await m.fit(x, y, { verbose: 0, workers: 0 });
    x.dataSync()[59] = Number.POSITIVE_INFINITY;
    await expect(m.fit(x, y, { verbose: 0, workers: 0 })).rejects.toThrow('the array holds Infinity at index [3, 4, 2]');
    await expect(m.predict(x)).rejects.toThrow('the array holds Infinity at index [3, 4, 2]');
  });

  it('every kind of typed array, a DataView, a bare (Shared)ArrayBuffer and a tfjs-style tensor: taken or refused by name', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, useBias: false, inputShape: [2] })] });
    m.setWeights([wl.tensor([[1], [10]])]);
    const expected = [21, 43]; // rows [1, 2] and [3, 4] against the kernel [1, 10]
    const taken = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Uint32Array, Float64Array, Float32Array].map((Type) => new Type([1, 2, 3, 4]));
    taken.push(new Float32Array(new SharedArrayBuffer(16)).fill(0).map((_, i) => i + 1));
    for (const data of taken) {
      const out = (await m.predict(data, { workers: 0 })) as wl.Tensor;
      expect([...out.dataSync()], data.constructor.name).toEqual(expected);
    }
    // a tensor of another library: anything with shape, dtype and dataSync()
    const foreign = { shape: [2, 2], dtype: 'float32', dataSync: () => new Float32Array([1, 2, 3, 4]) };
    expect([...((await m.predict(foreign as never, { workers: 0 })) as wl.Tensor).dataSync()]).toEqual(expected);
    await expect(m.predict(new BigInt64Array([1n, 2n]) as never)).rejects.toThrow('The input for dense_Dense1_input is a BigInt64Array: 64-bit integers are not supported; convert to an Int32Array (indices) or a Float32Array'.replace('dense_Dense1', m.layers[0].name));
    await expect(m.predict(new DataView(new ArrayBuffer(16)) as never)).rejects.toThrow(/is a DataView of 16 bytes: its element type is unknown; pass new Float32Array\(view.buffer/);
    await expect(m.predict(new ArrayBuffer(16) as never)).rejects.toThrow(/is a bare ArrayBuffer of 16 bytes: its element type is unknown; wrap it, e.g. new Float32Array\(buffer\)/);
    await expect(m.predict(new SharedArrayBuffer(16) as never)).rejects.toThrow(/is a bare SharedArrayBuffer of 16 bytes/);
  });

  it('a step too large for engine memory is refused before allocating, with the size and the limit', async () => {
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 64, inputShape: [null, 1], recurrentInitializer: 'zeros' })] });
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    const engine = await getEngine();
    const before = engine.memoryStats().memoryBytes;
    const x = wl.zeros([64, 100_000, 1]);
    await expect(m.fit(x, wl.zeros([64, 64]), { batchSize: 64, verbose: 0, workers: 0 })).rejects.toThrow(
      /^A step of 64 samples needs about \d+\.\d GiB of engine memory \(.+ already in use\), more than the limit of 4\.0 GiB; use a smaller batchSize \(at most about \d+\)$/,
    );
    // nothing of the step was allocated: at most the finiteness check's 256 KB chunk (one memory page step)
    expect(engine.memoryStats().memoryBytes - before).toBeLessThanOrEqual(1 << 20);
    await m.fit(x.reshape([64, 100_000, 1]), wl.zeros([64, 64]), { batchSize: 1, epochs: 0, verbose: 0, workers: 0 });
  });

  it('a layer whose weights could never fit is refused when it is built', () => {
    expect(() => wl.sequential({ layers: [wl.layers.dense({ units: 1e9, inputShape: [16], name: 'huge' })] })).toThrow(
      "Weight huge/kernel of shape [16, 1000000000] needs 59.6 GiB, more than the engine's limit of 4.0 GiB",
    );
  });

  it('strings, booleans, ragged arrays and empty data', async () => {
    const m = model();
    await expect(m.predict([[['a', 1, 2]]] as never)).rejects.toThrow('tensor: expected a number at [0][0][0], but got "a"');
    await expect(m.predict([[[true, 1, 2]]] as never)).rejects.toThrow('but got true');
    await expect(m.predict([[[1, 2, 3], [1, 2]]])).rejects.toThrow('ragged nested array');
    await expect(m.fit([], [], { verbose: 0 })).rejects.toThrow('expected gru_');
    await expect(m.predict(wl.zeros([0, 5, 3]))).rejects.toThrow('the array is empty');
    await expect(m.predict('x' as never)).rejects.toThrow('Expected the input as a Tensor, nested arrays or a typed array (Float32Array, Float64Array, Int32Array or another integer array), but got "x"');
  });
});
