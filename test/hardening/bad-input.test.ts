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
    await expect(m.predict('x' as never)).rejects.toThrow('Expected the input as a Tensor, nested arrays or a Float32Array, but got "x"');
  });
});
