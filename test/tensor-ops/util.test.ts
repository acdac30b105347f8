import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

describe('tensor-ops tf.util and the Tensor methods table', () => {
  it('assert, shuffle (seeded by setSeed), now, sizeFromShape, arraysEqual', () => {
    expect(() => wl.util.assert(false, () => 'boom')).toThrow('boom');
    expect(() => wl.util.assert(1 + 1 === 2, 'never')).not.toThrow();
    const a = Array.from({ length: 20 }, (_, i) => i);
    wl.setSeed(3);
    wl.util.shuffle(a);
    const b = Int32Array.from({ length: 20 }, (_, i) => i);
    wl.setSeed(3);
    wl.util.shuffle(b);
    expect(Array.from(b)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    const t0 = wl.util.now();
    expect(wl.util.now()).toBeGreaterThanOrEqual(t0);
    expect(wl.util.sizeFromShape([2, 3, 4])).toBe(24);
    expect(wl.util.sizeFromShape([])).toBe(1);
    expect(wl.util.arraysEqual([1, 2], [1, 2])).toBe(true);
    expect(wl.util.arraysEqual([1, 2], Float32Array.of(1, 3))).toBe(false);
  });

  it('every op with a tfjs chained method is a Tensor method delegating to the function', () => {
    const names = `abs add argMax argMin as1D as2D as3D as4D asScalar asType buffer bufferSync cast clipByValue clone concat dot div equal exp expandDims
      flatten gather greater greaterEqual less lessEqual log logSoftmax logSumExp logicalAnd logicalNot logicalOr matMul max maximum mean min minimum
      moments mul neg norm notEqual onesLike pad pow print prod relu reshape reshapeAs reverse sigmoid slice softmax split sqrt square squeeze stack
      sub sum tanh tile toBool toFloat toInt topk transpose unstack where zerosLike`.split(/\s+/);
    const x = wl.tensor([[1, -2], [3, 4]]);
    for (const name of names) expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe('function');
    expect(x.add(1).arraySync()).toEqual(wl.add(x, 1).arraySync());
    expect(x.stack(x).shape).toEqual([2, 2, 2]);
  });
});
