// compile()'s per-output arguments resolved against the outputs (src/models/compile.ts): a loss per
// output is required, loss weights default to 1 and must be finite and ≥ 0. Written for the
// survivors of the mutation run (docs/RELIABILITY.md).
import { describe, it, expect } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { resolveCompile, type ModelCompileArgs } from '../../src/models/compile.js';

const outputs = ['tags', 'score'];
const compile = (args: Partial<ModelCompileArgs>) => resolveCompile({ loss: 'mse', optimizer: 'sgd', ...args } as ModelCompileArgs, outputs);

describe('resolveCompile', () => {
  it('refuses a loss object that leaves an output without a loss, naming it', () => {
    expect(() => compile({ loss: { tags: 'mse' } as never })).toThrow(ValueError);
    expect(() => compile({ loss: { tags: 'mse' } as never })).toThrow('compile: no loss is given for output score; give one loss per output');
  });

  it('refuses lists of the wrong length, naming the argument', () => {
    expect(() => compile({ loss: ['mse'] })).toThrow('compile: loss has 1 entries, but the model has 2 outputs (tags, score)');
    expect(() => compile({ lossWeights: [1, 2, 3] })).toThrow('compile: lossWeights has 3 entries, but the model has 2 outputs (tags, score)');
    expect(() => compile({ lossWeights: { other: 1 } })).toThrow(/compile: lossWeights names "other", which is not an output/);
  });

  it('takes one number as every output\'s loss weight', () => {
    expect(compile({ lossWeights: 2 as never }).lossWeights).toEqual([2, 2]);
  });

  it('gives each output weight 1 unless told, by list or by name', () => {
    expect(compile({}).lossWeights).toEqual([1, 1]);
    expect(compile({ lossWeights: { score: 0.5 } }).lossWeights).toEqual([1, 0.5]);
    expect(compile({ lossWeights: [0, 2] }).lossWeights).toEqual([0, 2]);
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
    it(`refuses the loss weight ${String(bad)}, naming the output`, () => {
      expect(() => compile({ lossWeights: { score: bad as number } })).toThrow(ValueError);
      expect(() => compile({ lossWeights: { score: bad as number } })).toThrow(/lossWeights\[score\]/);
    });
  }
});
