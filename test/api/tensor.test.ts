import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';

describe('Tensor (tfjs spelling)', () => {
  it('tensor() from nested arrays infers the shape; dataSync, data, array, arraySync', async () => {
    const t = wl.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(t.shape).toEqual([2, 2, 2]);
    expect(t.rank).toBe(3);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await t.array()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(wl.tensor(3).arraySync()).toBe(3);
  });

  it('typed arrays with a shape; tensor2d/3d; reshape with -1', () => {
    const t = wl.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(t.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(wl.tensor2d([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    expect(wl.tensor3d([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
    expect(wl.tensor1d([1, 2]).shape).toEqual([2]);
    expect(t.reshape([3, -1]).shape).toEqual([3, 2]);
    expect(() => t.reshape([4, -1])).toThrow('reshape: cannot reshape a tensor of shape [2, 3] (6 values) to [4, -1]');
    expect(wl.tensor(new Float64Array([0.5, 1.5])).dataSync()).toEqual(new Float32Array([0.5, 1.5]));
  });

  it('zeros, ones, oneHot', () => {
    expect(Array.from(wl.zeros([2, 2]).dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(wl.ones([3]).dataSync())).toEqual([1, 1, 1]);
    const h = wl.oneHot([2, 0], 3);
    expect(h.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(wl.oneHot(wl.tensor([[1], [0]]), 2).shape).toEqual([2, 1, 2]);
  });

  it('randomUniform / randomNormal: ranges, moments, and reproducibility from a seed', () => {
    const u = wl.randomUniform([20000], -2, 2, 'float32', 5).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(2);
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length)).toBeLessThan(0.05);
    const n = wl.randomNormal([20000], 1, 3, 'float32', 5).dataSync();
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
    expect(wl.randomUniform([5], 0, 1, 'float32', 9).dataSync()).toEqual(wl.randomUniform([5], 0, 1, 'float32', 9).dataSync());
    wl.setSeed(1);
    const a = wl.randomUniform([5]).dataSync();
    wl.setSeed(1);
    expect(wl.randomUniform([5]).dataSync()).toEqual(a);
  });

  it('dispose() makes the values unavailable', () => {
    const t = wl.zeros([2]);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.dataSync()).toThrow('Tensor is disposed');
  });
});
