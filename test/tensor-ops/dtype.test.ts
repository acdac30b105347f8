import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

const values = (t: wl.Tensor) => Array.from(t.dataSync());

describe('tensor-ops dtype', () => {
  it('cast/asType/toFloat/toInt/toBool convert as tfjs: int32 truncates toward zero, bool is ≠ 0', () => {
    const f = wl.tensor([1.7, -1.7, 0, NaN]);
    expect([wl.cast(f, 'int32').dtype, values(wl.cast(f, 'int32'))]).toEqual(['int32', [1, -1, 0, 0]]);
    expect(values(f.asType('bool'))).toEqual([1, 1, 0, 1]);
    expect(f.toBool().dtype).toBe('bool');
    expect(f.toInt().dtype).toBe('int32');
    const i = wl.tensor([1, 2], [2], 'int32');
    expect([i.toFloat().dtype, values(i.toFloat())]).toEqual(['float32', [1, 2]]);
    expect(() => wl.cast(f, 'string' as wl.DType)).toThrow("cast: received an invalid value for dtype, expected 'float32', 'int32' or 'bool'. Received: dtype=\"string\"");
  });

  it('int32 overflow from toInt clamps to the int32 range (tfjs wraps around)', () => {
    expect(values(wl.tensor([3e10, -3e10, 2147483647.5]).toInt())).toEqual([2147483647, -2147483648, 2147483647]);
    expect(values(wl.tensor([3e10], [1], 'int32'))).toEqual([2147483647]);
  });

  it('a cast to the same dtype is a new tensor over the same values (disposing it leaves x alone)', () => {
    const x = wl.tensor([1, 2]);
    const y = x.toFloat();
    expect(y).not.toBe(x);
    expect(y.dataSync()).toBe(x.dataSync());
    y.dispose();
    expect(values(x)).toEqual([1, 2]);
  });

  it('upcastType: bool < int32 < float32', () => {
    expect(wl.upcastType('bool', 'int32')).toBe('int32');
    expect(wl.upcastType('int32', 'float32')).toBe('float32');
    expect(wl.upcastType('bool', 'bool')).toBe('bool');
  });
});
