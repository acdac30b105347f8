import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());

/** numpy broadcasting, written the plain way: for each output index, read each operand at the index modulo its own shape. */
function referenceBroadcast(a: number[], as: number[], b: number[], bs: number[], f: (x: number, y: number) => number): { shape: number[]; values: number[] } | null {
  const rank = Math.max(as.length, bs.length);
  const pa = [...Array(rank - as.length).fill(1), ...as];
  const pb = [...Array(rank - bs.length).fill(1), ...bs];
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (pa[d] !== pb[d] && pa[d] !== 1 && pb[d] !== 1) return null;
    shape.push(Math.max(pa[d], pb[d]));
  }
  const size = shape.reduce((p, d) => p * d, 1);
  const at = (vals: number[], s: number[], idx: number[]) => vals[idx.reduce((off, i, d) => off * s[d] + (s[d] === 1 ? 0 : i), 0)];
  const out: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    const idx: number[] = [];
    let rest = flat;
    for (let d = rank - 1; d >= 0; d--) {
      idx.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    out.push(f(at(a, pa, idx), at(b, pb, idx)));
  }
  return { shape, values: out };
}

const dim = fc.integer({ min: 1, max: 3 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });
/** Two shapes that often broadcast: the second derived from the first by dropping leading axes and setting some to 1. */
const pairArb = fc.tuple(shapeArb, fc.array(fc.boolean(), { maxLength: 4 }), fc.nat(4), fc.boolean()).map(([s, ones, drop, wild]) => {
  const t = s.slice(Math.min(drop, s.length)).map((d, i) => (ones[i] ? 1 : d));
  return wild ? [s, t.map((d) => (d === 3 ? 2 : d))] : [s, t];
});
const sized = (shape: number[]) => fc.array(fc.integer({ min: -5, max: 5 }), { minLength: shape.reduce((p, d) => p * d, 1), maxLength: shape.reduce((p, d) => p * d, 1) });

describe('tensor-ops elementwise', () => {
  it('broadcasting of add, mul and greater equals a plain reference (property, either operand order)', () => {
    const ops: Array<[string, (a: wl.Tensor, b: wl.Tensor) => wl.Tensor, (x: number, y: number) => number]> = [
      ['add', wl.add, (x, y) => x + y],
      ['mul', (a, b) => a.mul(b), (x, y) => x * y],
      ['greater', wl.greater, (x, y) => (x > y ? 1 : 0)],
    ];
    fc.assert(fc.property(pairArb.chain(([s, t]) => fc.tuple(fc.constant(s), fc.constant(t), sized(s), sized(t), fc.boolean())), ([s, t, a, b, swap]) => {
      const [as, bs, av, bv] = swap ? [t, s, b, a] : [s, t, a, b];
      for (const [name, op, f] of ops) {
        const want = referenceBroadcast(av, as, bv, bs, f);
        const run = () => op(wl.tensor(av, as), wl.tensor(bv, bs));
        if (want == null) {
          expect(run).toThrow(`${name}: operands could not be broadcast together with shapes [${as.join(', ')}] and [${bs.join(', ')}]`);
        } else {
          const got = run();
          expect(got.shape).toEqual(want.shape);
          expect(values(got)).toEqual(want.values);
          expect(got.dtype).toBe(name === 'greater' ? 'bool' : 'float32');
        }
      }
    }), { numRuns: 300, seed: 27 });
  });

  it('binary math by hand, numbers as operands', () => {
    const x = wl.tensor([[1, 2], [3, 4]]);
    expect(x.add(10).arraySync()).toEqual([[11, 12], [13, 14]]);
    expect(wl.sub(x, [1, 2]).arraySync()).toEqual([[0, 0], [2, 2]]);
    expect(wl.mul(x, [[2], [3]]).arraySync()).toEqual([[2, 4], [9, 12]]);
    expect(wl.div(x, 4).arraySync()).toEqual([[0.25, 0.5], [0.75, 1]]);
    expect(wl.pow(x, 2).arraySync()).toEqual([[1, 4], [9, 16]]);
    expect(values(wl.minimum(wl.tensor([1, 5, NaN]), 3))).toEqual([1, 3, NaN]);
    expect(values(wl.maximum(wl.tensor([1, 5]), 3))).toEqual([3, 5]);
    expect(values(wl.add(2, 3))).toEqual([5]);
  });

  it('unary math by hand', () => {
    const x = wl.tensor([-2, 0, 1]);
    expect(values(x.neg())).toEqual([2, -0, -1]);
    expect(values(wl.abs(x))).toEqual([2, 0, 1]);
    expect(values(wl.square(x))).toEqual([4, 0, 1]);
    expect(values(wl.relu(x))).toEqual([0, 0, 1]);
    expect(values(wl.exp(wl.tensor([0, 1])))).toEqual([1, Math.fround(Math.E)]);
    expect(values(wl.log(wl.tensor([1, 0, -1])))).toEqual([0, -Infinity, NaN]);
    expect(values(wl.sqrt(wl.tensor([4, 9])))).toEqual([2, 3]);
    expect(values(wl.sigmoid(wl.tensor([0, 2])))).toEqual([0.5, Math.fround(1 / (1 + Math.exp(-2)))]);
    expect(values(wl.tanh(wl.tensor([0, 1])))).toEqual([0, Math.fround(Math.tanh(1))]);
    expect(values(wl.clipByValue(wl.tensor([-2, 0.5, 3]), 0, 1))).toEqual([0, 0.5, 1]);
    expect(() => wl.clipByValue(x, 2, 1)).toThrow('clipByValue: clipValueMin (2) must be less than or equal to clipValueMax (1)');
  });

  it('dtype rules as tfjs: int32 stays int32, int32 / int32 floors, float ops give float32', () => {
    const i = wl.tensor([7, -7, 3], [3], 'int32');
    const two = wl.tensor([2, 2, 2], [3], 'int32');
    const check = (t: wl.Tensor, dtype: string, want: number[]) => expect([t.dtype, values(t)]).toEqual([dtype, want]);
    check(i.add(two), 'int32', [9, -5, 5]);
    check(i.sub(two), 'int32', [5, -9, 1]);
    check(i.mul(two), 'int32', [14, -14, 6]);
    check(i.div(two), 'int32', [3, -4, 1]);
    check(i.div(wl.tensor([0, 1, 1], [3], 'int32')), 'int32', [0, -7, 3]);
    check(i.div(2), 'float32', [3.5, -3.5, 1.5]);
    check(i.add(1), 'float32', [8, -6, 4]);
    check(i.pow(two), 'int32', [49, 49, 9]);
    check(i.abs(), 'int32', [7, 7, 3]);
    check(i.neg(), 'int32', [-7, 7, -3]);
    check(i.square(), 'int32', [49, 49, 9]);
    check(i.relu(), 'int32', [7, 0, 3]);
    check(i.clipByValue(0, 2.5), 'int32', [2, 0, 2]);
    check(wl.maximum(i, two), 'int32', [7, 2, 3]);
    expect(i.exp().dtype).toBe('float32');
    expect(i.sqrt().dtype).toBe('float32');
    const b = wl.tensor([true, false, true]);
    check(b.add(b), 'bool', [1, 0, 1]); // tfjs stores 2 in a bool tensor; here bool stays 0/1
    check(b.add(i), 'int32', [8, -7, 4]);
  });
});
