// What a loss asks of its targets (src/training/targets.ts), called directly: sparse targets are
// class indices in [0, classes) — any non-negative integer when the class count is unknown — and a
// refusal names the value and its position in the target's shape. Written for the survivors of the
// mutation run (docs/RELIABILITY.md).
import { describe, it, expect } from 'vitest';
import '../../src/index.js'; // the tensor methods (reshape) are installed by the public entry
import { Tensor } from '../../src/tensor.js';
import { resolveLoss } from '../../src/training/losses.js';
import { targetExpectation } from '../../src/training/targets.js';

const sparse = resolveLoss('sparse_categorical_crossentropy');
const adapt = (shape: (number | null)[], values: number[], targetShape: number[]) =>
  targetExpectation({ name: 'out', shape }, sparse).adapt!(new Tensor(Float32Array.from(values), targetShape));

describe('sparse targets', () => {
  it('names the position of a bad index in the target\'s shape', () => {
    expect(() => adapt([null, 3, 4], [0, 1, 2, 3, 7, 0], [2, 3])).toThrow('sparse_categorical_crossentropy: the target for out holds 7 at [1, 1]; expected integer class indices in [0, 3]');
  });

  it('takes any non-negative integer when the class count is unknown, and refuses a negative one', () => {
    expect(adapt([null, null], [0, 5, 1000], [3]).shape).toEqual([3, 1]);
    expect(() => adapt([null, null], [0, -1], [2])).toThrow('holds -1 at [1]; expected integer class indices in non-negative');
  });
});

describe('loss names', () => {
  it('takes only strings: an object that prints as a loss name is refused', () => {
    expect(() => resolveLoss({ toString: () => 'mse' })).toThrow(/Unknown loss/);
    expect(resolveLoss('mse').name).toBe('mean_squared_error');
  });
});
