// Frozen layers: a GRU frozen with `layer.trainable = false` before compile and a frozen Dense wrapped
// in TimeDistributed are counted as non-trainable by summary() (Keras 2 layout, thousands separators)
// and by the model's weight lists, and training — in process and on workers — leaves their weights
// exactly as they were while the rest trains.
import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import * as wl from '../../src/index.js';

const RULE = '_'.repeat(65);
const DOUBLE = '='.repeat(65);
const HEADER = 'Layer (type)                 Output Shape              Param #   ';

const [T, F] = [6, 15];

function summaryLines(model: wl.LayersModel): string[] {
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  return lines;
}

/**
 * GRU(16) → TimeDistributed(Dense(8)) → Dense(4) on the 3-D sequence → softmax; 1584 + 136 + 36
 * parameters. `freeze` picks what is frozen, after construction and before compile.
 */
function build(freeze: 'gru-and-inner-dense' | 'time-distributed-wrapper') {
  wl.clearSession();
  const gru = wl.layers.gru({ units: 16, returnSequences: true, inputShape: [T, F] });
  const inner = wl.layers.dense({ units: 8 });
  const td = wl.layers.timeDistributed({ layer: inner });
  const head = wl.layers.dense({ units: 4 });
  const model = wl.sequential({ layers: [gru, td, head, wl.layers.activation({ activation: 'softmax' })] });
  if (freeze === 'gru-and-inner-dense') {
    gru.trainable = false;
    inner.trainable = false;
  } else {
    td.trainable = false;
  }
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  return { model, gru, inner, td, head };
}

const ROWS = [
  'gru_1 (GRU)                  (None, 6, 16)             1584      ', RULE,
  'time_distributed_1 (TimeDist (None, 6, 8)              136       ', RULE,
  'dense_2 (Dense)              (None, 6, 4)              36        ', RULE,
  'activation_1 (Activation)    (None, 6, 4)              0         ', DOUBLE,
];

afterAll(async () => {
  await wl.shutdown();
});

describe('summary() with frozen layers (Keras 2 layout)', () => {
  beforeEach(() => wl.clearSession());

  it('a frozen GRU and a frozen Dense inside TimeDistributed: 36 of 1,756 parameters trainable', () => {
    const { model, gru, inner, td, head } = build('gru-and-inner-dense');
    expect(summaryLines(model)).toEqual([
      RULE, HEADER, DOUBLE, ...ROWS,
      'Total params: 1,756',
      'Trainable params: 36',
      'Non-trainable params: 1,720',
      RULE,
    ]);
    expect(model.countParams()).toBe(1756);
    expect(model.trainableWeights.map((v) => v.name)).toEqual(head.weights.map((v) => v.name));
    expect(gru.trainableWeights).toEqual([]);
    expect(td.trainableWeights, 'the wrapper of a frozen layer has no trainable weights').toEqual([]);
    expect(td.nonTrainableWeights.map((v) => v.name)).toEqual(inner.weights.map((v) => v.name));
    expect(model.getWeights().map((w) => w.shape), 'getWeights still lists every weight, Keras order').toEqual([
      [F, 48], [16, 48], [2, 48], [16, 8], [8], [8, 4], [4],
    ]);
  });

  it('a frozen TimeDistributed wrapper freezes the layer it wraps: 136 non-trainable', () => {
    const { model } = build('time-distributed-wrapper');
    expect(summaryLines(model).slice(-4)).toEqual(['Total params: 1,756', 'Trainable params: 1,620', 'Non-trainable params: 136', RULE]);
  });

  it('unfreezing updates the counts', () => {
    const { model, gru, inner } = build('gru-and-inner-dense');
    gru.trainable = true;
    inner.trainable = true;
    expect(summaryLines(model).slice(-4)).toEqual(['Total params: 1,756', 'Trainable params: 1,756', 'Non-trainable params: 0', RULE]);
  });
});

describe('training leaves frozen weights unchanged', () => {
  for (const workers of [0, 2] as const) {
    for (const freeze of ['gru-and-inner-dense', 'time-distributed-wrapper'] as const) {
      it(`${freeze} frozen, workers: ${workers}`, async () => {
        wl.setSeed(9);
        const { model, gru, td, head } = build(freeze);
        const x = wl.randomUniform([20, T, F], -1, 1);
        const y = wl.randomUniform([20, T, 4]);
        const frozen = freeze === 'gru-and-inner-dense' ? [gru, td] : [td];
        const trained = freeze === 'gru-and-inner-dense' ? [head] : [gru, head];
        const before = (layers: wl.Layer[]) => layers.flatMap((l) => l.getWeights().map((w) => w.dataSync().slice()));
        const [frozenBefore, trainedBefore] = [before(frozen), before(trained)];
        try {
          await model.fit(x, y, { batchSize: 8, epochs: 2, verbose: 0, workers });
          const frozenAfter = before(frozen);
          frozenAfter.forEach((w, i) => {
            for (let j = 0; j < w.length; j++) if (!Object.is(w[j], frozenBefore[i][j])) expect.fail(`frozen weight ${i} changed at ${j}: ${frozenBefore[i][j]} → ${w[j]}`);
          });
          before(trained).forEach((w, i) => {
            const moved = w.some((v, j) => v !== trainedBefore[i][j]);
            expect(moved, `trainable weight ${i} trained`).toBe(true);
          });
        } finally {
          await model.dispose();
        }
      });
    }
  }
});
