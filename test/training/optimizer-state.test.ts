// Optimizer.setWeights on its own (loading a file goes through more checks first): the step count
// must be one non-negative integer, each slot must match its variable in size, shape and dtype, and
// what passes is taken as given. Written for the survivors of the mutation run (docs/RELIABILITY.md).
import { describe, it, expect } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { LayerVariable } from '../../src/layers/variable.js';
import { Adam } from '../../src/training/optimizers.js';

const variable = () => new LayerVariable('w', [2, 2], new Float32Array(4));
type Saved = { shape: number[]; values: ArrayLike<number> };
const state = (entries: Record<string, Saved>) => new Map(Object.entries(entries));
const slot = (shape: number[], values: ArrayLike<number> = new Float32Array(shape.reduce((a, b) => a * b, 1))): Saved => ({ shape, values });

describe('Optimizer.setWeights', () => {
  it('holds only its step count before any slot exists', () => {
    expect(new Adam().getWeights([variable()])).toEqual([{ name: 'iter', shape: [], values: Int32Array.of(0) }]);
  });

  it('takes a step count of 0 and restores the slots by name', () => {
    const adam = new Adam();
    const w = variable();
    adam.setWeights([w], state({ iter: slot([], Int32Array.of(0)), 'w/m': slot([2, 2], Float32Array.of(1, 2, 3, 4)) }));
    expect(adam.iterations).toBe(0);
    const weights = adam.getWeights([w]);
    expect(weights.map((s) => s.name)).toEqual(['iter', 'w/m', 'w/v']);
    expect([...weights[1].values]).toEqual([1, 2, 3, 4]);
    expect([...weights[2].values]).toEqual([0, 0, 0, 0]);
  });

  const refused: [string, Record<string, Saved>, string][] = [
    ['a negative step count', { iter: slot([], Int32Array.of(-1)) }, 'Optimizer state iter must be one non-negative integer (the step count), got 1 value(s) starting -1'],
    ['two step counts', { iter: slot([2], Int32Array.of(1, 2)) }, 'Optimizer state iter must be one non-negative integer (the step count), got 2 value(s) starting 1'],
    ['a fractional step count', { iter: slot([], Float32Array.of(1.5)) }, 'got 1 value(s) starting 1.5'],
    ['a slot of another size', { 'w/m': slot([3]) }, 'Optimizer state w/m has 3 values, but w has 4'],
    ['a slot of another shape of the same size', { 'w/v': slot([4, 1]) }, 'Optimizer state w/v has shape [4, 1], but w has shape [2, 2]'],
    ['a slot of another rank of the same size', { 'w/v': slot([4]) }, 'Optimizer state w/v has shape [4], but w has shape [2, 2]'],
    ['an int32 slot', { 'w/m': slot([2, 2], new Int32Array(4)) }, 'Optimizer state w/m must be float32 values, got Int32Array'],
  ];
  for (const [what, entries, message] of refused) {
    it(`refuses ${what}`, () => {
      const adam = new Adam();
      expect(() => adam.setWeights([variable()], state(entries))).toThrow(ValueError);
      expect(() => adam.setWeights([variable()], state(entries))).toThrow(message);
    });
  }

  it('refuses a slot whose shape differs in one axis only, or drops a trailing 1', () => {
    const v = new LayerVariable('u', [2, 3, 2], new Float32Array(12));
    expect(() => new Adam().setWeights([v], state({ 'u/m': slot([2, 2, 3]) }))).toThrow('Optimizer state u/m has shape [2, 2, 3], but u has shape [2, 3, 2]');
    const column = new LayerVariable('c', [4, 1], new Float32Array(4));
    expect(() => new Adam().setWeights([column], state({ 'c/m': slot([4]) }))).toThrow('Optimizer state c/m has shape [4], but c has shape [4, 1]');
  });
});

describe('optimizer updates on the engine', () => {
  it('centered RMSprop without momentum matches the formula for two variables over two steps, and dispose() frees its slots', async () => {
    const { testEngine, put } = await import('../helpers/engine.js');
    const { RMSprop } = await import('../../src/training/optimizers.js');
    const engine = await testEngine();
    const vars = [new LayerVariable('a', [4], Float32Array.of(1, 2, 3, 4)), new LayerVariable('b', [4], Float32Array.of(-1, 0, 1, 2))];
    const grads = [[0.5, -1, 2, 0.25], [3, 1, -0.5, -2]];
    const [rho, lr, eps] = [0.9, 0.1, 1e-7];
    const expected = vars.map((v, k) => {
      const p = Array.from(v.read()), ms = [0, 0, 0, 0], mg = [0, 0, 0, 0];
      for (let step = 0; step < 2; step++) {
        for (let i = 0; i < 4; i++) {
          const g = grads[k][i] * (step + 1);
          ms[i] = rho * ms[i] + (1 - rho) * g * g;
          mg[i] = rho * mg[i] + (1 - rho) * g;
          p[i] -= (lr * g) / Math.sqrt(ms[i] - mg[i] * mg[i] + eps);
        }
      }
      return p;
    });
    vars.forEach((v) => v.ptrIn(engine));
    const before = engine.memoryStats().bytesInUse;
    const rms = new RMSprop({ learningRate: lr, rho, epsilon: eps, centered: true });
    for (let step = 0; step < 2; step++) {
      const ptrs = grads.map((g) => put(engine, g.map((x) => x * (step + 1))));
      rms.applyGradients(engine, vars, new Map(vars.map((v, k) => [v, ptrs[k]])));
      ptrs.forEach((p) => engine.release(p));
    }
    vars.forEach((v, k) => Array.from(v.read()).forEach((x, i) => expect(x).toBeCloseTo(expected[k][i], 5)));
    expect(engine.memoryStats().bytesInUse).toBeGreaterThan(before);
    rms.dispose();
    expect(engine.memoryStats().bytesInUse).toBe(before);
    vars.forEach((v) => v.dispose());
  });
});
