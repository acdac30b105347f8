import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());

describe('tensor-ops comparison and logic', () => {
  it('comparisons broadcast and return bool', () => {
    const x = wl.tensor([[1, 2, 3]]);
    const y = wl.tensor([[2], [3]]);
    const cases: Array<[wl.Tensor, number[]]> = [
      [wl.equal(x, y), [0, 1, 0, 0, 0, 1]],
      [x.notEqual(y), [1, 0, 1, 1, 1, 0]],
      [wl.greater(x, y), [0, 0, 1, 0, 0, 0]],
      [x.greaterEqual(y), [0, 1, 1, 0, 0, 1]],
      [wl.less(x, y), [1, 0, 0, 1, 1, 0]],
      [x.lessEqual(y), [1, 1, 0, 1, 1, 1]],
    ];
    for (const [t, want] of cases) {
      expect([t.dtype, t.shape, values(t)]).toEqual(['bool', [2, 3], want]);
    }
    expect(values(wl.equal(wl.tensor([1, 2], [2], 'int32'), wl.tensor([1, 2.5])))).toEqual([1, 0]);
    expect(values(wl.notEqual(wl.tensor([NaN]), wl.tensor([NaN])))).toEqual([1]);
    expect(() => wl.less(wl.zeros([2, 3]), wl.zeros([3, 2]))).toThrow('less: operands could not be broadcast together with shapes [2, 3] and [3, 2]');
  });

  it('logicalAnd/Or/Not take bool tensors only, as tfjs', () => {
    const a = wl.tensor([true, true, false, false]);
    const b = wl.tensor([true, false, true, false]);
    expect(values(a.logicalAnd(b))).toEqual([1, 0, 0, 0]);
    expect(values(wl.logicalOr(a, b))).toEqual([1, 1, 1, 0]);
    expect(values(wl.logicalNot(a))).toEqual([0, 0, 1, 1]);
    expect(wl.logicalOr(a, [[false], [true]]).shape).toEqual([2, 4]);
    expect(() => wl.logicalAnd(wl.tensor([1, 0]), b)).toThrow("logicalAnd: argument 'a' must be a bool tensor, but got a float32 tensor");
    expect(() => wl.logicalNot(wl.tensor([1]))).toThrow("logicalNot: argument 'x' must be a bool tensor");
  });

  it('where broadcasts condition, a and b; a and b meet at the wider dtype', () => {
    const c = wl.tensor([true, false, true]);
    const i = wl.tensor([1, 2, 3], [3], 'int32');
    const r = wl.where(c, i, wl.tensor([9.5, 9.5, 9.5]));
    expect([r.dtype, values(r)]).toEqual(['float32', [1, 9.5, 3]]);
    expect(wl.where(c, i, i).dtype).toBe('int32');
    expect(wl.where(wl.tensor([[true], [false]]), wl.tensor([1, 2]), 0).arraySync()).toEqual([[1, 2], [0, 0]]);
    expect(i.where(c, 0).arraySync()).toEqual([1, 0, 3]);
    expect(() => wl.where(wl.tensor([1, 0]), i, i)).toThrow("where: argument 'condition' must be a bool tensor, but got a float32 tensor");
    expect(() => wl.where(c, wl.zeros([2]), 0)).toThrow('where: operands could not be broadcast together with shapes [3] and [2]');
  });
});
