import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { valuesOf } from '../../src/tensor.js';

describe('tensor-ops memory', () => {
  it('memory() counts tensors, shared value arrays once, and bytes; dispose releases them', () => {
    const before = wl.memory();
    const x = wl.zeros([2, 3]); // 24 bytes
    const r = x.reshape([6]); // shares x's values
    const b = wl.zeros([5], 'bool'); // 5 bytes
    const now = wl.memory();
    expect(now.numTensors - before.numTensors).toBe(3);
    expect(now.numDataBuffers - before.numDataBuffers).toBe(2);
    expect(now.numBytes - before.numBytes).toBe(29);
    x.dispose();
    expect(wl.memory().numBytes - before.numBytes).toBe(29); // r still holds the values
    wl.dispose([r, { b }]);
    x.dispose(); // twice: a no-op
    expect(wl.memory()).toEqual(before);
    expect(before.unreliable).toBe(true);
  });

  it('tidy disposes what it made and does not return; returned tensors (in arrays and objects) survive', () => {
    const outside = wl.tensor([1, 2, 3]);
    const before = wl.memory().numTensors;
    let inner: wl.Tensor | undefined;
    const out = wl.tidy(() => {
      inner = outside.mul(2);
      const centred = inner.sub(inner.mean());
      return { sq: centred.square(), list: [centred.sum()] };
    });
    expect(inner!.isDisposed).toBe(true);
    expect(outside.isDisposed).toBe(false);
    expect(Array.from(out.sq.dataSync())).toEqual([4, 0, 4]);
    expect(Array.from(out.list[0].dataSync())).toEqual([0]);
    expect(wl.memory().numTensors - before).toBe(2);
    expect(wl.tidy('named', () => 5)).toBe(5);
  });

  it('nested tidy hands returned tensors to the outer scope; keep exempts a tensor', () => {
    let kept: wl.Tensor | undefined;
    let passedUp: wl.Tensor | undefined;
    const before = wl.memory().numTensors;
    wl.tidy(() => {
      passedUp = wl.tidy(() => wl.ones([2]).add(1));
      kept = wl.keep(wl.ones([2]).mul(3));
      expect(passedUp.isDisposed).toBe(false);
    });
    expect(passedUp!.isDisposed).toBe(true);
    expect(Array.from(kept!.dataSync())).toEqual([3, 3]);
    expect(wl.memory().numTensors - before).toBe(1);
  });

  it('tidy disposes its tensors when fn throws, and refuses async functions and Promises', async () => {
    const before = wl.memory().numTensors;
    expect(() => wl.tidy(() => {
      wl.zeros([3]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(wl.memory().numTensors).toBe(before);
    expect(() => wl.tidy(async () => wl.zeros([1]))).toThrow('tidy: Cannot return a Promise inside of tidy');
    expect(() => wl.tidy(() => Promise.resolve(wl.zeros([1])))).toThrow('tidy: Cannot return a Promise inside of tidy');
    expect(wl.memory().numTensors).toBe(before);
    expect(() => wl.tidy('name' as never)).toThrow('tidy: received an invalid value for fn');
  });

  it('a disposed tensor used in an op of any family is an error naming the op', () => {
    const d = wl.tensor([[1, 2], [3, 4]]);
    d.dispose();
    const ok = wl.tensor([[1, 2], [3, 4]]);
    const cases: Array<[string, () => unknown]> = [
      ['add', () => ok.add(d)], ['exp', () => d.exp()], ['matMul', () => d.matMul(ok)], ['softmax', () => d.softmax()],
      ['sum', () => d.sum()], ['argMax', () => d.argMax(-1)], ['reshape', () => d.reshape([4])], ['concat', () => wl.concat([ok, d])],
      ['greater', () => d.greater(1)], ['where', () => wl.where(wl.tensor([true]), d, ok)], ['cast', () => d.toInt()],
      ['zerosLike', () => wl.zerosLike(d)], ['oneHot', () => wl.oneHot(d, 3)], ['multinomial', () => wl.multinomial(d, 1)],
    ];
    for (const [op, run] of cases) expect(run, op).toThrow(new RegExp(`^${op}: the tensor passed as '[a-z\\[\\]0-9]+' is disposed`, 'i'));
  });

  it("a disposed op result's array is reused by the next op, unless dataSync() handed it out", () => {
    const x = wl.randomUniform([64, 16], -1, 1, 'float32', 1);
    const y = wl.randomUniform([64, 16], -1, 1, 'float32', 2);
    const r1 = x.add(y);
    const array = valuesOf(r1);
    r1.dispose();
    const r2 = x.mul(y);
    expect(valuesOf(r2)).toBe(array);
    expect(Array.from(r2.dataSync())).toEqual(Array.from(x.dataSync(), (v, i) => Math.fround(v * y.dataSync()[i])));
    const seen = r2.dataSync();
    const copy = Array.from(seen);
    r2.dispose();
    const r3 = x.sub(y);
    expect(valuesOf(r3)).not.toBe(seen);
    expect(Array.from(seen)).toEqual(copy);
    const mine = new Float32Array(1024).fill(1);
    wl.tensor(mine).dispose();
    expect(valuesOf(x.reshape([-1]).add(1))).not.toBe(mine);
    // a broadcast operand's temporary copy goes back too: x − (scalar) twice reuses it, results stay right
    const s1 = wl.tidy(() => x.sub(wl.scalar(0.5)).sum());
    const s2 = wl.tidy(() => x.sub(wl.scalar(0.5)).sum());
    expect(s2.dataSync()[0]).toBe(s1.dataSync()[0]);
  });
});
