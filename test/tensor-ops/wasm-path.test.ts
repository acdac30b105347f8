// The float32 ops on the engine's SIMD kernels (src/tensor-ops/wasm-path.ts) give the plain loops'
// results bit for bit (sums: within float32 rounding), on every shape the fast path takes (same
// shape, scalar either side, a size-1 operand of higher rank) and on the ones it leaves to the loops
// (broadcast rows, int32, bool, mixed dtypes); NaN, ±0 and ±Infinity as tfjs treats them; and the
// engine copies of tensors' values are released with the tensors and bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine, startedEngine } from '../../src/backend/engine.js';
import { isPending } from '../../src/tensor.js';

const N = 1003; // above the kernels' minimum, with a scalar tail after the 4-lane loop

/** Random float32 values with NaN, ±0 and ±Infinity sprinkled in. */
function specials(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  const odd = [NaN, 0, -0, Infinity, -Infinity, 1e-40];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i % 17 === 5 ? odd[(s >>> 8) % odd.length] : (s / 2 ** 32 - 0.5) * 8;
  }
  return out;
}

/** Every value bit for bit (NaN equals NaN; +0 differs from −0). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  const bad = Array.from(got).findIndex((v, i) => !Object.is(v, want[i]));
  expect(bad, bad < 0 ? '' : `at ${bad}: got ${got[bad]}, want ${want[bad]}`).toBe(-1);
}

const each = (a: ArrayLike<number>, f: (x: number, i: number) => number) => Float32Array.from(a, (x, i) => f(x, i));

const BINARY: Array<[string, (a: wl.TensorInput, b: wl.TensorInput) => wl.Tensor, (x: number, y: number) => number]> = [
  ['add', wl.add, (x, y) => x + y],
  ['sub', wl.sub, (x, y) => x - y],
  ['mul', wl.mul, (x, y) => x * y],
  ['div', wl.div, (x, y) => x / y],
  ['maximum', wl.maximum, Math.max],
  ['minimum', wl.minimum, Math.min],
];

describe('tensor-ops on the SIMD kernels', () => {
  beforeAll(async () => {
    await wl.ready();
  });
  afterAll(async () => {
    await wl.shutdown();
  });

  it('runs with the engine started, and an op takes the kernels (its result gets an engine copy)', () => {
    const engine = startedEngine()!;
    expect(engine).not.toBeNull();
    const base = engine.memoryStats().bytesInUse;
    const x = wl.tensor(specials(N, 11));
    const y = wl.neg(x);
    expect(engine.memoryStats().bytesInUse - base).toBeGreaterThanOrEqual(N * 4);
    wl.dispose([x, y]);
    expect(engine.memoryStats().bytesInUse).toBe(base);
  });

  it('binary ops on same-shape float32 operands equal the plain loop bit for bit', () => {
    const a = specials(N, 1);
    const b = specials(N, 2);
    for (const [name, op, f] of BINARY) {
      const got = op(wl.tensor(a, [N]), wl.tensor(b, [N]));
      expect([name, got.shape, got.dtype]).toEqual([name, [N], 'float32']);
      expectSame(got.dataSync(), each(a, (x, i) => f(x, b[i])));
    }
  });

  it('a scalar operand on either side: a number, a scalar tensor, or shape [1, 1] (which raises the rank)', () => {
    const a = specials(N, 3);
    for (const [name, op, f] of BINARY) {
      for (const s of [2.5, -0, NaN, Infinity]) {
        const k = Math.fround(s);
        expectSame(op(wl.tensor(a, [N]), s).dataSync(), each(a, (x) => f(x, k)));
        expectSame(op(wl.scalar(s), wl.tensor(a, [N])).dataSync(), each(a, (x) => f(k, x)));
      }
      const wide = op(wl.tensor([0.5], [1, 1]), wl.tensor(a, [N]));
      expect([name, wide.shape]).toEqual([name, [1, N]]);
      expectSame(wide.dataSync(), each(a, (x) => f(0.5, x)));
    }
  });

  it('broadcast rows (left to the loops) are still right', () => {
    const a = specials(4 * 300, 4);
    const row = specials(300, 5);
    for (const [, op, f] of BINARY) {
      const got = op(wl.tensor(a, [4, 300]), wl.tensor(row, [300]));
      expect(got.shape).toEqual([4, 300]);
      expectSame(got.dataSync(), each(a, (x, i) => f(x, row[i % 300])));
    }
  });

  it('int32, bool and mixed operands keep their dtype rules (int32 wraps, int32 / int32 floors)', () => {
    const ints = Int32Array.from({ length: N }, (_, i) => (i * 7919) % 2001 - 1000);
    const big = Int32Array.from({ length: N }, (_, i) => (i % 2 ? 2 ** 31 - 1 : 3));
    const i1 = wl.tensor(ints, [N], 'int32');
    const add = wl.add(i1, wl.tensor(big, [N], 'int32'));
    expect(add.dtype).toBe('int32');
    expectSame(add.dataSync(), Int32Array.from(ints, (x, i) => (x + big[i]) | 0));
    const div = wl.div(i1, wl.scalar(7, 'int32'));
    expect(div.dtype).toBe('int32');
    expectSame(div.dataSync(), Int32Array.from(ints, (x) => Math.floor(x / 7)));
    const mixed = wl.mul(i1, wl.tensor(specials(N, 6), [N]));
    expect(mixed.dtype).toBe('float32');
    const f = specials(N, 6);
    expectSame(mixed.dataSync(), each(ints, (x, i) => x * f[i]));
    const flags = Uint8Array.from({ length: N }, (_, i) => i % 3 === 0 ? 1 : 0);
    const both = wl.add(wl.tensor(flags, [N], 'bool'), wl.tensor(flags, [N], 'bool'));
    expect(both.dtype).toBe('bool');
    expectSame(both.dataSync(), flags);
    const relu = wl.relu(wl.neg(i1));
    expect(relu.dtype).toBe('int32');
    expectSame(relu.dataSync(), Int32Array.from(ints, (x) => Math.max(-x, 0)));
  });

  it('unary ops equal the plain loop bit for bit: relu keeps NaN and gives +0 for −0', () => {
    const a = specials(N, 7);
    const cases: Array<[wl.Tensor, Float32Array]> = [
      [wl.neg(wl.tensor(a, [N])), each(a, (x) => -x)],
      [wl.abs(wl.tensor(a, [N])), each(a, Math.abs)],
      [wl.square(wl.tensor(a, [N])), each(a, (x) => x * x)],
      [wl.relu(wl.tensor(a, [N])), each(a, (x) => Math.max(x, 0))],
      [wl.sqrt(wl.tensor(a, [N])), each(a, Math.sqrt)],
    ];
    for (const [got, want] of cases) expectSame(got.dataSync(), want);
    expect(Object.is(wl.relu(wl.tensor(new Float32Array(N).fill(-0))).dataSync()[0], 0)).toBe(true);
  });

  it('whole-tensor max and min equal the loop (NaN anywhere is NaN; of zeros the first is kept, as tfjs)', () => {
    const a = each(specials(N, 8), (x) => (Number.isNaN(x) ? 1 : x));
    const loop = (v: Float32Array, better: (x: number, m: number) => boolean) => v.reduce((m, x) => (better(x, m) || x !== x ? x : m));
    expectSame(wl.max(wl.tensor(a)).dataSync(), [loop(a, (x, m) => x > m)]);
    expectSame(wl.min(wl.tensor(a)).dataSync(), [loop(a, (x, m) => x < m)]);
    for (const at of [0, 3, N - 1]) {
      const withNaN = a.slice();
      withNaN[at] = NaN;
      expect(wl.max(wl.tensor(withNaN)).dataSync()[0]).toBeNaN();
      expect(wl.min(wl.tensor(withNaN)).dataSync()[0]).toBeNaN();
    }
    const zeros = new Float32Array(N).fill(-1);
    zeros[10] = -0;
    zeros[20] = 0;
    expect(Object.is(wl.max(wl.tensor(zeros)).dataSync()[0], -0)).toBe(true);
    zeros.fill(1);
    zeros[10] = 0;
    zeros[20] = -0;
    expect(Object.is(wl.min(wl.tensor(zeros)).dataSync()[0], 0)).toBe(true);
  });

  it('whole-tensor sum and mean are the float64 sum rounded to float32 (within float32 rounding), NaN and Infinity propagate', () => {
    const n = 1 << 20;
    const a = each(new Float32Array(n), (_, i) => Math.sin(i) * 1000 + 0.001);
    let s = 0;
    for (const x of a) s += x;
    expect(wl.sum(wl.tensor(a)).dataSync()[0]).toBeCloseTo(Math.fround(s), 1);
    expect(Math.abs(wl.sum(wl.tensor(a)).dataSync()[0] - s)).toBeLessThanOrEqual(Math.abs(s) * 2 ** -23);
    expect(Math.abs(wl.mean(wl.tensor(a)).dataSync()[0] - s / n)).toBeLessThanOrEqual(Math.abs(s / n) * 2 ** -23);
    a[77] = Infinity;
    expect(wl.sum(wl.tensor(a)).dataSync()[0]).toBe(Infinity);
    a[78] = -Infinity;
    expect(wl.mean(wl.tensor(a)).dataSync()[0]).toBeNaN();
    // axes that keep some dimensions are the loops' (still right)
    expectSame(wl.sum(wl.tensor(each(new Float32Array(600), (_, i) => i), [2, 300]), 1).dataSync(), [299 * 150, 300 * 300 + 299 * 150]);
  });

  it('the engine copies of tensors are released with the tensors (tidy, dispose) and bounded', async () => {
    const engine = await getEngine();
    const base = engine.memoryStats().bytesInUse;
    const a = wl.tensor(each(specials(1 << 16, 9), (x) => (Number.isFinite(x) ? x : 1)));
    const kept = wl.tidy(() => a.mul(a).add(1).relu().sum());
    expect(kept.dataSync()[0]).toBeGreaterThan(0);
    a.dispose();
    expect(engine.memoryStats().bytesInUse).toBe(base);
    // 100 tensors of 1 MiB never disposed: the copies stay under 64 MiB (+ one op's working set)
    const xs = Array.from({ length: 100 }, () => wl.neg(wl.tensor(new Float32Array(1 << 18).fill(2))));
    expect(engine.memoryStats().bytesInUse - base).toBeLessThanOrEqual((64 << 20) + (3 << 20));
    expect(xs[99].dataSync()[0]).toBe(-2);
    wl.dispose(xs);
  });

  it('changed values are read anew: a new tensor over a reused array, and values written after dataSync', () => {
    const buf = new Float32Array(N).fill(1);
    expect(wl.add(wl.tensor(buf), 1).dataSync()[0]).toBe(2);
    buf.fill(5);
    const t = wl.tensor(buf);
    expect(wl.add(t, 1).dataSync()[0]).toBe(6);
    t.dataSync().fill(3); // handed out: t's copy is dropped, and it is copied in anew for each op after
    expect(wl.add(t, 1).dataSync()[0]).toBe(4);
    t.dataSync().fill(5);
    expect(wl.add(t, 1).dataSync()[0]).toBe(6);
    const y = wl.neg(t);
    expect(wl.sum(y).dataSync()[0]).toBe(-5 * N);
    y.dataSync()[0] = 100; // handed out: the kernels' copy of y is dropped
    expect(wl.sum(y).dataSync()[0]).toBe(-5 * (N - 1) + 100);
    expect(wl.max(wl.relu(y)).dataSync()[0]).toBe(100);
  });

  it('results read only by other kernels stay in the engine until read: every reader gets the values', async () => {
    const a = specials(N, 12);
    const y = wl.relu(wl.tensor(a));
    expect(isPending(y)).toBe(true);
    const want = each(a, (x) => Math.max(x, 0));
    expectSame(wl.neg(wl.neg(y)).dataSync(), want); // kernels read y's engine copy
    expect(isPending(y)).toBe(true);
    expect(y.arraySync()).toEqual(Array.from(want)); // a plain reader copies it out
    expect(isPending(y)).toBe(false);
    const z = wl.relu(wl.tensor(a));
    expectSame(wl.reshape(z, [1, N]).dataSync(), want); // an op of the plain path
    const w = wl.relu(wl.tensor(a));
    expect(Array.from(wl.sum(w, 0, true).dataSync())).toEqual(Array.from(wl.sum(wl.tensor(want), 0, true).dataSync()));
    // dropped from the least recently used end: copied out first
    const olds = Array.from({ length: 3 }, () => wl.relu(wl.tensor(a)));
    for (let i = 0; i < 80; i++) wl.neg(wl.tensor(new Float32Array(1 << 18)));
    expect(olds.map(isPending)).toEqual([false, false, false]);
    for (const t of olds) expectSame(t.dataSync(), want);
    // an engine shut down settles its pending tensors first
    const last = wl.relu(wl.tensor(a));
    await wl.shutdown();
    expectSame(last.dataSync(), want);
    await wl.ready();
  });

  it('after shutdown the plain loops run and give the same values', async () => {
    const a = specials(N, 10);
    const before = wl.relu(wl.mul(wl.tensor(a), 3)).dataSync().slice();
    await wl.shutdown();
    expect(startedEngine()).toBeNull();
    expectSame(wl.relu(wl.mul(wl.tensor(a), 3)).dataSync(), before);
  });
});
