import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());
// [2, 3, 2]: x[i][j][k] = 6i + 2j + k
const cube = () => wl.range(0, 12).reshape([2, 3, 2]);

describe('tensor-ops reductions', () => {
  it('sum/mean/min/max/prod over all axes, one axis, several axes, keepDims', () => {
    const x = cube();
    expect(values(x.sum())).toEqual([66]);
    expect(x.sum().shape).toEqual([]);
    expect(wl.sum(x, 0).arraySync()).toEqual([[6, 8], [10, 12], [14, 16]]);
    expect(wl.sum(x, -1).arraySync()).toEqual([[1, 5, 9], [13, 17, 21]]);
    expect(wl.sum(x, [0, 2]).arraySync()).toEqual([14, 22, 30]); // not trailing: moved last first
    expect(wl.sum(x, 1, true).shape).toEqual([2, 1, 2]);
    expect(wl.sum(x, 1, true).arraySync()).toEqual([[[6, 9]], [[24, 27]]]);
    expect(values(wl.mean(x, [0, 1]))).toEqual([5, 6]);
    expect(values(x.min(1))).toEqual([0, 1, 6, 7]);
    expect(values(x.max(2))).toEqual([1, 3, 5, 7, 9, 11]);
    expect(values(wl.prod(wl.tensor([[1, 2], [3, 4]]), 0))).toEqual([3, 8]);
    expect(values(wl.max(wl.tensor([1, NaN, 3])))).toEqual([NaN]);
    expect(() => wl.sum(x, 3)).toThrow('sum: received an invalid value for axis');
  });

  it('dtypes as tfjs: sum/prod of int32 and bool are int32, mean float32, min/max keep the dtype', () => {
    const i = wl.tensor([1, -2, 3], [3], 'int32');
    const b = wl.tensor([true, false, true]);
    const check = (t: wl.Tensor, dtype: string, want: number[]) => expect([t.dtype, values(t)]).toEqual([dtype, want]);
    check(i.sum(), 'int32', [2]);
    check(b.sum(), 'int32', [2]);
    check(i.prod(), 'int32', [-6]);
    check(b.prod(), 'int32', [0]);
    check(i.mean(), 'float32', [Math.fround(2 / 3)]);
    check(i.min(), 'int32', [-2]);
    check(b.max(), 'bool', [1]);
    check(i.argMax(), 'int32', [2]);
  });

  it('argMax/argMin along an axis (default 0, first on ties)', () => {
    const x = wl.tensor([[1, 3, 3], [4, 2, 0]]);
    expect(values(x.argMax(-1))).toEqual([1, 0]);
    expect(values(x.argMax())).toEqual([1, 0, 0]);
    expect(values(wl.argMin(x, 1))).toEqual([0, 2]);
    expect(values(wl.argMax(cube(), 1))).toEqual([2, 2, 2, 2]);
    expect(wl.argMax(wl.scalar(5)).shape).toEqual([]);
    expect(() => wl.argMax(wl.zeros([0]))).toThrow('argMax: the tensor is empty (shape [0])');
  });

  it('moments, logSumExp, norm', () => {
    const { mean, variance } = wl.moments(wl.tensor([[1, 2], [3, 6]]), 1);
    expect([values(mean), values(variance)]).toEqual([[1.5, 4.5], [0.25, 2.25]]);
    expect(wl.moments(wl.tensor([[1, 2]]), 1, true).variance.shape).toEqual([1, 1]);
    expect(values(wl.logSumExp(wl.tensor([[0, 0], [1000, 1000]]), 1))).toEqual([Math.fround(Math.log(2)), Math.fround(1000 + Math.log(2))]);
    expect(values(wl.logSumExp(wl.tensor([-Infinity, -Infinity])))).toEqual([-Infinity]);
    const m = wl.tensor([[3, -4], [6, 8]]);
    expect(values(wl.norm(wl.tensor([3, 4])))).toEqual([5]);
    expect(values(wl.norm(m, 'euclidean', 1))).toEqual([5, 10]);
    expect(values(wl.norm(m, 1))).toEqual([21]);
    expect(values(wl.norm(m, Infinity))).toEqual([8]);
    expect(values(wl.norm(m, -Infinity))).toEqual([3]);
    expect(values(wl.norm(m, 3, 1))).toEqual([Math.fround((27 + 64) ** (1 / 3)), Math.fround((216 + 512) ** (1 / 3))]);
    expect(values(wl.norm(m, 1, [0, 1]))).toEqual([12]); // largest column sum of |x|
    expect(values(wl.norm(m, Infinity, [0, 1]))).toEqual([14]); // largest row sum
    expect(values(wl.norm(m, 'fro', [0, 1]))).toEqual([Math.fround(Math.sqrt(125))]);
    expect(wl.norm(m, 1, [0, 1], true).shape).toEqual([1, 1]);
    expect(() => wl.norm(m, 'fro')).toThrow('norm: received an invalid value for ord');
  });

  it('topk: the k largest along the last axis, sorted, lower index first on ties', () => {
    const { values: v, indices } = wl.topk(wl.tensor([[1, 3, 3, 2], [4, 0, 5, 1]]), 2);
    expect(v.arraySync()).toEqual([[3, 3], [5, 4]]);
    expect([indices.dtype, indices.arraySync()]).toEqual(['int32', [[1, 2], [2, 0]]]);
    expect(wl.topk(wl.tensor([1, 2], [2], 'int32')).values.dtype).toBe('int32');
    expect(() => wl.topk(wl.tensor([1, 2]), 3)).toThrow('topk: received an invalid value for k');
  });
});
