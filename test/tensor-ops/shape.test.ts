import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const m23 = () => wl.tensor([[1, 2, 3], [4, 5, 6]]);

describe('tensor-ops shape', () => {
  it('reshape (shares values, -1 inferred), flatten, as1D–as4D, asScalar, reshapeAs', () => {
    const x = m23();
    const r = wl.reshape(x, [3, -1]);
    expect(r.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(r.dataSync()).toBe(x.dataSync());
    expect(x.flatten().shape).toEqual([6]);
    expect(x.as1D().shape).toEqual([6]);
    expect(x.as2D(3, 2).shape).toEqual([3, 2]);
    expect(x.as3D(1, 3, 2).shape).toEqual([1, 3, 2]);
    expect(x.as4D(1, 1, 3, 2).shape).toEqual([1, 1, 3, 2]);
    expect(wl.tensor([5]).asScalar().shape).toEqual([]);
    expect(x.reshapeAs(wl.zeros([6, 1])).shape).toEqual([6, 1]);
    expect(() => x.reshape([4])).toThrow('reshape: cannot reshape a tensor of shape [2, 3] (6 values) to [4]');
    expect(() => x.reshape([-1, -1])).toThrow('reshape: cannot reshape');
  });

  it('squeeze and expandDims', () => {
    expect(wl.squeeze(wl.zeros([2, 1, 3, 1])).shape).toEqual([2, 3]);
    expect(wl.squeeze(wl.zeros([2, 1, 3, 1]), [1]).shape).toEqual([2, 3, 1]);
    expect(() => wl.squeeze(wl.zeros([2, 1]), [0])).toThrow('squeeze: cannot squeeze axis 0 of a tensor of shape [2, 1]: its size is 2, not 1');
    expect(wl.expandDims(wl.zeros([2, 3])).shape).toEqual([1, 2, 3]);
    expect(m23().expandDims(-1).shape).toEqual([2, 3, 1]);
    expect(m23().expandDims(1).shape).toEqual([2, 1, 3]);
    expect(() => wl.expandDims(wl.zeros([2]), 3)).toThrow('expandDims: received an invalid value for axis');
  });

  it('slice: begin/size arrays, -1 for the rest, a number for the first axis; overflow names the shape', () => {
    expect(wl.slice(m23(), [0, 1], [-1, 2]).arraySync()).toEqual([[2, 3], [5, 6]]);
    expect(wl.slice(wl.tensor([1, 2, 3, 4]), 1, 2).arraySync()).toEqual([2, 3]);
    expect(m23().slice(1).arraySync()).toEqual([[4, 5, 6]]);
    expect(wl.slice(wl.range(0, 24).reshape([2, 3, 4]), [1, 1, 2], [1, 2, 2]).arraySync()).toEqual([[[18, 19], [22, 23]]]);
    expect(() => wl.slice(wl.tensor([1, 2, 3, 4]), 3, 2)).toThrow('slice: begin [3] and size [2] do not fit a tensor of shape [4] at axis 0');
  });

  it('concat, stack, unstack, split', () => {
    const a = wl.tensor([[1, 2]]);
    const b = wl.tensor([[3, 4], [5, 6]]);
    expect(wl.concat([a, b]).arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(wl.concat([b, b], 1).arraySync()).toEqual([[3, 4, 3, 4], [5, 6, 5, 6]]);
    expect(wl.concat([wl.tensor([1], [1], 'int32'), wl.tensor([2.5])]).dtype).toBe('float32');
    expect(a.concat(a, -1).arraySync()).toEqual([[1, 2, 1, 2]]);
    expect(() => wl.concat([m23(), wl.zeros([2, 4])])).toThrow('concat: tensors[1] has shape [2, 4], which does not match tensors[0]\'s [2, 3] outside axis 0');
    expect(wl.stack([wl.tensor([1, 2]), wl.tensor([3, 4])], 1).arraySync()).toEqual([[1, 3], [2, 4]]);
    expect(() => wl.stack([wl.tensor([1, 2]), wl.tensor([3])])).toThrow('stack: tensors[1] has shape [1], but tensors[0] has [2]');
    const parts = wl.unstack(m23(), 1);
    expect(parts.map((p) => p.arraySync())).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(wl.split(wl.tensor([1, 2, 3, 4, 5]), [2, -1]).map((p) => p.arraySync())).toEqual([[1, 2], [3, 4, 5]]);
    expect(wl.split(m23(), 3, 1).map((p) => p.arraySync())).toEqual([[[1], [4]], [[2], [5]], [[3], [6]]]);
    expect(() => wl.split(wl.tensor([1, 2, 3, 4, 5]), 2)).toThrow('split: 2 splits do not evenly divide axis 0 of size 5 (shape [5])');
  });

  it('tile, gather, reverse, transpose, pad', () => {
    expect(wl.tile(wl.tensor([1, 2]), [2]).arraySync()).toEqual([1, 2, 1, 2]);
    expect(wl.tile(wl.tensor([[1, 2]]), [2, 2]).arraySync()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(() => wl.tile(m23(), [2])).toThrow('tile: reps must be 2 non-negative integers for a tensor of shape [2, 3]');
    const g = wl.tensor([[1, 2], [3, 4], [5, 6]]);
    expect(wl.gather(g, [2, 0]).arraySync()).toEqual([[5, 6], [1, 2]]);
    expect(g.gather(wl.tensor([1], [1], 'int32'), 1).arraySync()).toEqual([[2], [4], [6]]);
    expect(wl.gather(g, wl.tensor([[0, 1], [2, 2]], [2, 2], 'int32')).shape).toEqual([2, 2, 2]);
    expect(() => wl.gather(g, [5])).toThrow('gather: index 5 is not in [0, 2] (axis 0 of shape [3, 2])');
    expect(() => wl.gather(g, wl.tensor([1]))).toThrow("gather: argument 'indices' must be an int32 tensor, but got a float32 tensor");
    expect(wl.reverse(m23(), 1).arraySync()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(wl.reverse(m23()).arraySync()).toEqual([[6, 5, 4], [3, 2, 1]]);
    expect(wl.transpose(m23()).arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(wl.range(0, 6).reshape([1, 2, 3]).transpose([2, 0, 1]).arraySync()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
    expect(() => wl.transpose(m23(), [0, 0])).toThrow('transpose: perm [0, 0] is not a permutation');
    expect(wl.pad(wl.tensor([1, 2]), [[1, 2]], 5).arraySync()).toEqual([5, 1, 2, 5, 5]);
    expect(wl.pad(wl.tensor([[1]]), [[0, 1], [1, 0]]).arraySync()).toEqual([[0, 1], [0, 0]]);
    expect(() => wl.pad(m23(), [[1, 1]])).toThrow('pad: paddings must be 2 pairs');
  });

  it('copies keep the dtype; clone makes new values', () => {
    const i = wl.tensor([[1, 2], [3, 4]], [2, 2], 'int32');
    for (const t of [i.transpose(), i.slice([0, 0], [1, 2]), i.tile([1, 2]), i.reverse(0), i.pad([[1, 0], [0, 0]]), wl.concat([i, i]), i.gather([1])]) {
      expect(t.dtype).toBe('int32');
    }
    const c = i.clone();
    expect(c.dataSync()).not.toBe(i.dataSync());
    expect(c.arraySync()).toEqual(i.arraySync());
  });
});
