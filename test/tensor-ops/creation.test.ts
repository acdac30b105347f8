import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());

describe('tensor-ops creation', () => {
  it('scalar, tensor4d, fill, zerosLike, onesLike keep shape and dtype', () => {
    expect(wl.scalar(3, 'int32').dtype).toBe('int32');
    expect(wl.scalar(true).dtype).toBe('bool');
    expect(wl.scalar(2.5).shape).toEqual([]);
    expect(wl.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).shape).toEqual([1, 2, 2, 1]);
    expect(() => wl.tensor4d([1, 2])).toThrow('tensor4d: expected rank 4');
    const f = wl.fill([2, 2], 7, 'int32');
    expect([f.dtype, values(f)]).toEqual(['int32', [7, 7, 7, 7]]);
    expect(wl.fill([1], true).dtype).toBe('bool');
    const i = wl.tensor([1, 2, 3], [3], 'int32');
    expect([wl.zerosLike(i).dtype, values(wl.zerosLike(i))]).toEqual(['int32', [0, 0, 0]]);
    expect([wl.onesLike(wl.tensor([true])).dtype, values(wl.onesLike(wl.tensor([true])))]).toEqual(['bool', [1]]);
    expect(wl.zeros([2], 'int32').dtype).toBe('int32');
    expect(wl.ones([2], 'bool').dtype).toBe('bool');
  });

  it('range follows tfjs: float32 steps accumulate, an away-pointing step gives an empty tensor', () => {
    expect(values(wl.range(0, 5, 2))).toEqual([0, 2, 4]);
    expect(wl.range(0, 5, 2, 'int32').dtype).toBe('int32');
    expect(values(wl.range(5, 0))).toEqual([5, 4, 3, 2, 1]);
    expect(values(wl.range(0, 1, 0.3))).toEqual([0, Math.fround(0.3), Math.fround(Math.fround(0.3) + Math.fround(0.3)), Math.fround(Math.fround(Math.fround(0.3) + Math.fround(0.3)) + Math.fround(0.3))]);
    expect(wl.range(0, 5, -1).shape).toEqual([0]);
    expect(wl.range(5, 0, 2).shape).toEqual([0]);
    expect(() => wl.range(0, 5, 0)).toThrow('range: received an invalid value for step');
  });

  it('linspace and eye', () => {
    expect(values(wl.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(values(wl.linspace(3, 9, 1))).toEqual([3]);
    expect(() => wl.linspace(0, 1, 0)).toThrow('linspace: received an invalid value for num');
    expect(wl.eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const batched = wl.eye(2, 2, [2], 'int32');
    expect([batched.shape, batched.dtype, values(batched)]).toEqual([[2, 2, 2], 'int32', [1, 0, 0, 1, 1, 0, 0, 1]]);
  });

  it('buffer: set/get by position, toTensor copies; bad positions name the shape', () => {
    const b = wl.buffer([2, 3], 'int32');
    b.set(5, 0, 1);
    b.set(7, 1, 2);
    expect(b.get(0, 1)).toBe(5);
    const t = b.toTensor();
    expect([t.dtype, t.arraySync()]).toEqual(['int32', [[0, 5, 0], [0, 0, 7]]]);
    b.set(9, 0, 0);
    expect(t.arraySync()).toEqual([[0, 5, 0], [0, 0, 7]]);
    expect(() => b.set(1, 2, 0)).toThrow('TensorBuffer.set: position [2, 0] is not in a buffer of shape [2, 3]');
    expect(() => b.get(0)).toThrow('TensorBuffer.get: position [0]');
    expect(wl.buffer([2], 'float32', [1.5, 2]).toTensor().arraySync()).toEqual([1.5, 2]);
    const fromTensor = wl.tensor([[1, 2]]).bufferSync();
    expect(fromTensor.get(0, 1)).toBe(2);
  });

  it('oneHot is int32 by default as in tfjs, with a dtype argument', () => {
    const h = wl.oneHot(wl.tensor1d([0, 2], 'int32'), 3);
    expect([h.dtype, h.arraySync()]).toEqual(['int32', [[1, 0, 0], [0, 0, 1]]]);
    expect(wl.oneHot([1], 2, 5, -1, 'float32').arraySync()).toEqual([[-1, 5]]);
  });

  it('random ops are reproducible from a seed or setSeed; int32 draws integers', () => {
    const u = wl.randomUniform([1000], 0, 10, 'int32', 3);
    expect(u.dtype).toBe('int32');
    expect(values(u).every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
    expect(new Set(values(u)).size).toBe(10);
    const t = wl.truncatedNormal([20000], 1, 2, 'float32', 4).dataSync();
    expect(Math.min(...t)).toBeGreaterThanOrEqual(1 - 4);
    expect(Math.max(...t)).toBeLessThanOrEqual(1 + 4);
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2 * 0.8796)).toBeLessThan(0.05); // the sd of a standard normal cut at ±2 is 0.8796
    expect(values(wl.truncatedNormal([4], 0, 1, 'float32', 9))).toEqual(values(wl.truncatedNormal([4], 0, 1, 'float32', 9)));
    wl.setSeed(11);
    const a = values(wl.truncatedNormal([4]));
    wl.setSeed(11);
    expect(values(wl.truncatedNormal([4]))).toEqual(a);
  });

  it('multinomial: frequencies follow softmax(logits) or the given probabilities; shapes and errors as tfjs', () => {
    const draws = wl.multinomial(wl.tensor([Math.log(1), Math.log(3)]), 20000, 5);
    expect([draws.dtype, draws.shape]).toEqual(['int32', [20000]]);
    const ones = values(draws).filter((v) => v === 1).length / 20000;
    expect(Math.abs(ones - 0.75)).toBeLessThan(0.02);
    const p = wl.multinomial(wl.tensor([[0, 1, 0], [0.5, 0, 0.5]]), 50, 6, true);
    expect(p.shape).toEqual([2, 50]);
    const rows = p.arraySync() as number[][];
    expect(rows[0].every((v) => v === 1)).toBe(true);
    expect(rows[1].every((v) => v === 0 || v === 2)).toBe(true);
    expect(values(wl.multinomial(wl.tensor([1, 2, 3]), 8, 7))).toEqual(values(wl.multinomial(wl.tensor([1, 2, 3]), 8, 7)));
    expect(() => wl.multinomial(wl.tensor([1]), 2)).toThrow('multinomial: needs at least 2 outcomes, but logits have shape [1]');
    expect(() => wl.multinomial(wl.zeros([1, 2, 3]), 2)).toThrow('multinomial: logits must be of rank 1 or 2, got shape [1, 2, 3]');
  });
});
