// The same calls on wasm-layers and on TensorFlow.js 4.22 (cpu backend): shape, dtype and values
// must agree. Each case is written once against the shared tfjs API; the known, documented
// differences (docs/from-tfjs.md) are not among them.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { tfjs } from '../peers/tfjs.js';

type Lib = typeof wl;
type Out = { shape: number[]; dtype: string; dataSync(): ArrayLike<number> };

const x23 = (tf: Lib) => tf.tensor([[1.5, -2, 3], [4, 0.25, -6]]);
const i3 = (tf: Lib) => tf.tensor([7, -7, 3], [3], 'int32');
const b3 = (tf: Lib) => tf.tensor([true, false, true]);

const CASES: Record<string, (tf: Lib) => Out | Out[]> = {
  'add broadcast': (tf) => tf.add(x23(tf), tf.tensor([[1], [2]])),
  'sub scalar int': (tf) => tf.sub(i3(tf), 1),
  'mul int int': (tf) => tf.mul(i3(tf), i3(tf)),
  'div int int floors': (tf) => tf.div(i3(tf), tf.tensor([2, 2, 2], [3], 'int32')),
  'div float': (tf) => tf.div(x23(tf), tf.tensor([2, 4, 8])),
  'pow int': (tf) => tf.pow(i3(tf), tf.tensor([2, 3, 0], [3], 'int32')),
  'minimum/maximum': (tf) => [tf.minimum(x23(tf), 1), tf.maximum(i3(tf), i3(tf).neg())],
  unary: (tf) => [x23(tf).neg(), x23(tf).abs(), x23(tf).square(), x23(tf).relu(), x23(tf).exp(), x23(tf).abs().log(), x23(tf).abs().sqrt(), x23(tf).sigmoid(), x23(tf).tanh()],
  'unary int keeps int32': (tf) => [i3(tf).abs(), i3(tf).neg(), i3(tf).square(), i3(tf).relu(), i3(tf).clipByValue(0, 4)],
  clipByValue: (tf) => tf.clipByValue(x23(tf), -1, 2),
  softmax: (tf) => [tf.softmax(x23(tf)), tf.logSoftmax(x23(tf))],
  matMul: (tf) => [tf.matMul(x23(tf), x23(tf), false, true), tf.matMul(x23(tf), x23(tf), true, false)],
  'matMul batched': (tf) => tf.matMul(tf.stack([x23(tf), x23(tf).mul(2)]), tf.ones([2, 3, 2])),
  dot: (tf) => [tf.dot(tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6])), tf.dot(x23(tf), tf.tensor([1, 1, 1]))],
  reductions: (tf) => [x23(tf).sum(), x23(tf).sum(0), x23(tf).mean(1, true), x23(tf).min(1), x23(tf).max(0), x23(tf).prod(1), x23(tf).logSumExp(1)],
  'reductions int/bool': (tf) => [i3(tf).sum(), b3(tf).sum(), i3(tf).prod(), i3(tf).mean(), i3(tf).min(), b3(tf).max()],
  'argMax/argMin': (tf) => [x23(tf).argMax(-1), x23(tf).argMax(), x23(tf).argMin(1)],
  moments: (tf) => { const m = tf.moments(x23(tf), 1); return [m.mean, m.variance]; },
  norm: (tf) => [tf.norm(x23(tf)), tf.norm(x23(tf), 1), tf.norm(x23(tf), Infinity), tf.norm(x23(tf), 'euclidean', 1), tf.norm(x23(tf), 1, [0, 1])],
  topk: (tf) => { const t = tf.topk(tf.tensor([[1, 3, 3, 2], [4, 0, 5, 1]]), 3); return [t.values, t.indices]; },
  comparisons: (tf) => [tf.equal(x23(tf), 3), tf.notEqual(i3(tf), 3), tf.greater(x23(tf), tf.tensor([0, 0, 0])), tf.greaterEqual(i3(tf), 3), tf.less(x23(tf), 1), tf.lessEqual(x23(tf), 0.25)],
  logic: (tf) => [tf.logicalAnd(b3(tf), tf.tensor([true, true, false])), tf.logicalOr(b3(tf), tf.tensor([false])), tf.logicalNot(b3(tf))],
  where: (tf) => [tf.where(b3(tf), i3(tf), tf.tensor([0.5, 0.5, 0.5])), tf.where(b3(tf), i3(tf), i3(tf).neg())],
  cast: (tf) => [tf.cast(x23(tf), 'int32'), tf.cast(x23(tf), 'bool'), i3(tf).toFloat(), x23(tf).asType('int32')],
  'reshape family': (tf) => [x23(tf).reshape([3, -1]), x23(tf).flatten(), x23(tf).as2D(1, 6), tf.squeeze(tf.zeros([2, 1, 3])), tf.expandDims(x23(tf), 1)],
  'slice/concat/stack/split': (tf) => [
    tf.slice(x23(tf), [0, 1], [-1, 2]), tf.concat([x23(tf), x23(tf)], 1), tf.stack([i3(tf), i3(tf)], 1),
    ...tf.split(x23(tf), [1, 2], 1), ...tf.unstack(x23(tf)),
  ],
  'tile/gather/reverse/transpose/pad': (tf) => [
    tf.tile(x23(tf), [2, 1]), tf.gather(x23(tf), tf.tensor([2, 0], [2], 'int32'), 1), tf.reverse(x23(tf), 1),
    tf.transpose(tf.range(0, 24).reshape([2, 3, 4]), [1, 2, 0]), tf.pad(x23(tf), [[1, 0], [0, 2]], 9),
  ],
  creation: (tf) => [
    tf.range(0, 1, 0.3), tf.range(5, 0), tf.range(0, 7, 2, 'int32'), tf.linspace(-1, 1, 7), tf.eye(2, 3), tf.fill([2], 4, 'int32'),
    tf.zerosLike(i3(tf)), tf.onesLike(b3(tf)), tf.oneHot(tf.tensor([0, 2], [2], 'int32'), 3), tf.scalar(3, 'int32'),
  ],
};

function flat(out: Out | Out[]): Out[] {
  return Array.isArray(out) ? out : [out];
}

describe('tensor-ops against TensorFlow.js 4.22 (cpu)', async () => {
  const { tf } = await tfjs();
  for (const [name, run] of Object.entries(CASES)) {
    it(name, () => {
      const ours = flat(run(wl));
      const theirs = flat(run(tf as unknown as Lib));
      expect(ours.length).toBe(theirs.length);
      ours.forEach((o, k) => {
        const t = theirs[k];
        expect([o.shape, o.dtype], `${name}[${k}]`).toEqual([t.shape, t.dtype]);
        const ov = Array.from(o.dataSync());
        const tv = Array.from(t.dataSync());
        ov.forEach((v, i) => expect(v, `${name}[${k}] at ${i}`).toBeCloseTo(tv[i], 5));
      });
    });
  }
});
