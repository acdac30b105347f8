import { describe, it, expect, beforeEach, vi } from 'vitest';
import * as wl from '../../src/index.js';
import { seedModels, summaryLines } from '../helpers/seed-models.js';
import { SEED_SUMMARIES, SUMMARY_PARTS } from '../helpers/seed-summaries.js';

// Expected texts: shared/SPEC.md §6 (model1, verbatim from Keras 2) and the same layout for the
// other two models, whose rows the seed question prints with Keras 2 (test/helpers/seed-summaries.ts).
const { RULE, DOUBLE, HEADER } = SUMMARY_PARTS;

describe('summary() of the seed models (Keras 2 layout)', () => {
  beforeEach(() => wl.clearSession());

  it('prints the three seed summaries exactly', () => {
    const { model1, model2, model3 } = seedModels();
    expect(summaryLines(model1)).toEqual(SEED_SUMMARIES.model1);
    expect(summaryLines(model2)).toEqual(SEED_SUMMARIES.model2);
    expect(summaryLines(model3)).toEqual(SEED_SUMMARIES.model3);
  });

  it('counts 1584 GRU parameters with the Keras 3 default reset_after=true', () => {
    const { model1 } = seedModels({});
    expect(model1.layers[0].countParams()).toBe(1584);
    expect(model1.countParams()).toBe(1584 + 136);
    expect(summaryLines(model1).at(-4)).toBe('Total params: 1,720');
  });

  it('lists the InputLayer of a functional model, like the seed question', () => {
    const inputs = wl.input({ shape: [64, 15] });
    const x = wl.layers.gru({ units: 16, returnSequences: true, resetAfter: false }).apply(inputs);
    const y = wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 15 }) }).apply(x);
    const predictions = wl.layers.activation({ activation: 'softmax' }).apply(y);
    const m = wl.model({ inputs, outputs: predictions });
    expect(summaryLines(m).slice(0, 12)).toEqual([
      RULE, HEADER, DOUBLE,
      'input_1 (InputLayer)         (None, 64, 15)            0         ', RULE,
      'gru_1 (GRU)                  (None, 64, 16)            1536      ', RULE,
      'time_distributed_1 (TimeDist (None, 64, 15)            255       ', RULE,
      'activation_1 (Activation)    (None, 64, 15)            0         ', DOUBLE,
      'Total params: 1,791',
    ]);
  });

  it('uses the "Connected to" layout for a branching model', () => {
    const inputs = wl.input({ shape: [4, 3] });
    const shared = wl.layers.dense({ units: 3 });
    const a = shared.apply(inputs);
    const b = shared.apply(a);
    const m = wl.model({ inputs, outputs: b });
    const lines = summaryLines(m);
    expect(lines[0]).toBe('_'.repeat(98));
    expect(lines[1]).toBe('Layer (type)                    Output Shape         Param #     Connected to                     ');
    expect(lines[3]).toBe('input_1 (InputLayer)            (None, 4, 3)         0                                            ');
    expect(lines[5]).toBe('dense_1 (Dense)                 (None, 4, 3)         12          input_1[0][0]                    ');
    expect(lines[6]).toBe('                                                                 dense_1[0][0]                    ');
  });
});

describe('summary() parameter counts', () => {
  it('groups thousands as Python does (1,002,000)', () => {
    wl.clearSession();
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1000, inputShape: [1000] }), wl.layers.dense({ units: 1, useBias: false })] });
    const lines = summaryLines(m);
    expect(lines).toContain('Total params: 1,002,000');
    expect(lines).toContain('Trainable params: 1,002,000');
    expect(lines).toContain('Non-trainable params: 0');
  });

  it('prints a layer of several outputs as a list of shapes', () => {
    wl.clearSession();
    const x = wl.input({ shape: [5, 3], name: 'x' });
    const outs = wl.layers.gru({ units: 4, returnState: true, name: 'g' }).apply(x) as unknown as wl.SymbolicTensor[]; // returnState: [output, state]
    const m = wl.model({ inputs: x, outputs: [outs[0], outs[1]] });
    expect(summaryLines(m).find((l) => l.startsWith('g (GRU)'))).toMatch(/\[\(None, 4\), \(None, 4/); // Keras cuts the field at its column
  });

  it('takes absolute column positions as they are, and prints with console.log by default', () => {
    wl.clearSession();
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    const lines: string[] = [];
    m.summary({ lineLength: 40, positions: [20, 35, 40], printFn: (l) => lines.push(l) });
    expect(lines[1]).toBe('Layer (type)        Output Shape   Param'); // fields cut at 20, 35, 40
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      m.summary();
      expect(log.mock.calls.map((c) => c[0])).toEqual(summaryLines(m));
    } finally {
      log.mockRestore();
    }
  });
});
