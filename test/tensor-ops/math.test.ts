import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());

/** Plain matrix product of row-major m×k and k×n arrays. */
function matmulRef(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let q = 0; q < k; q++) out[i * n + j] += a[i * k + q] * b[q * n + j];
  return out;
}

describe('tensor-ops math', () => {
  it('matMul against a plain reference, with transposeA/B, batches and broadcast batches', () => {
    const a = wl.range(0, 6).reshape([2, 3]);
    const b = wl.range(1, 13).reshape([3, 4]);
    const want = matmulRef(values(a), values(b), 2, 3, 4);
    expect(values(wl.matMul(a, b))).toEqual(want);
    expect(values(wl.matMul(a.transpose(), b, true))).toEqual(want);
    expect(values(wl.matMul(a, b.transpose(), false, true))).toEqual(want);
    expect(values(a.transpose().matMul(b.transpose(), true, true))).toEqual(want);
    const batch = wl.stack([a, a.mul(2)]);
    const out = wl.matMul(batch, b);
    expect(out.shape).toEqual([2, 2, 4]);
    expect(values(out)).toEqual([...want, ...want.map((v) => 2 * v)]);
    expect(wl.matMul(wl.zeros([5, 1, 2, 3]), wl.zeros([4, 3, 7])).shape).toEqual([5, 4, 2, 7]);
    const ints = wl.matMul(wl.tensor([[1, 2]], [1, 2], 'int32'), wl.tensor([[3], [4]], [2, 1], 'int32'));
    expect([ints.dtype, values(ints)]).toEqual(['int32', [11]]);
    expect(() => wl.matMul(wl.zeros([2, 3]), wl.zeros([4, 2]))).toThrow('matMul: inner dimensions 3 and 4 of shapes [2, 3] and [4, 2] (transposeA=false, transposeB=false) must match');
    expect(() => wl.matMul(wl.zeros([3]), wl.zeros([3, 2]))).toThrow('matMul: both operands must be of rank 2 or more, got shapes [3] and [3, 2]');
  });

  it('dot of vectors and matrices', () => {
    expect([wl.dot(wl.tensor([1, 2]), wl.tensor([3, 4])).shape, values(wl.dot(wl.tensor([1, 2]), wl.tensor([3, 4])))]).toEqual([[], [11]]);
    expect(values(wl.dot(wl.tensor([[1, 2], [3, 4]]), wl.tensor([1, 1])))).toEqual([3, 7]);
    expect(values(wl.tensor([1, 1]).dot(wl.tensor([[1, 2], [3, 4]])))).toEqual([4, 6]);
    expect(wl.dot(wl.zeros([2, 3]), wl.zeros([3, 4])).shape).toEqual([2, 4]);
    expect(() => wl.dot(wl.zeros([2]), wl.zeros([3]))).toThrow('dot: inner dimensions 2 and 3 of shapes [2] and [3] must match');
  });

  it('softmax and logSoftmax along the last or another axis, finite for large logits', () => {
    const s = wl.softmax(wl.tensor([[0, Math.log(3)], [1000, 1000]]));
    values(s).forEach((v, i) => expect(v).toBeCloseTo([0.25, 0.75, 0.5, 0.5][i], 6));
    const l = wl.logSoftmax(wl.tensor([1, 2, 3]));
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    values(l).forEach((v, i) => expect(v).toBeCloseTo(i + 1 - lse, 6));
    const cols = wl.tensor([[0, 1], [0, 1]]).softmax(0);
    expect(values(cols)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(values(wl.softmax(wl.tensor([1, 2], [2], 'int32')).sum())[0]).toBeCloseTo(1, 6);
  });
});
