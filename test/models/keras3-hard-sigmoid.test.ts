// Keras 3's hard sigmoid, clip(x/6 + 0.5, 0, 1), as 'keras3HardSigmoid' / 'keras3_hard_sigmoid'
// ('hardSigmoid' / 'hard_sigmoid' keep tfjs's 0.2x + 0.5). The fixture is
// shared/keras3/gru_reset_after_false_hard_sigmoid_k3 (Keras 3.15.1), built by:
//
//   model = keras.Sequential([
//       keras.Input(shape=(6, 4)),
//       layers.GRU(5, return_sequences=True, reset_after=False, recurrent_activation="hard_sigmoid"),
//       layers.TimeDistributed(layers.Dense(3)),
//       layers.Activation("softmax"),
//   ])
//   outputs = model.predict(inputs); loss_value = model.evaluate(inputs, targets)  # categorical_crossentropy
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { engineGradients } from '../helpers/gradients.js';
import { modelFromConfig, modelToConfig } from '../../src/models/serialization.js';

interface Fixture {
  weights: { path: string; shape: number[]; data: number[] }[];
  inputs: { shape: number[]; data: number[] }[];
  outputs: { shape: number[]; data: number[] }[];
  targets: { shape: number[]; data: number[] }[];
  loss_value: number;
  gradients: { path: string; shape: number[]; data: number[] }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/keras3/gru-hard-sigmoid-k3.json', import.meta.url), 'utf8')) as Fixture;
const tensorOf = ({ data, shape }: { data: number[]; shape: number[] }) => wl.tensor(data, shape);
/** The fixture README's comparison: every value within an absolute 2e-5. */
function expectWithin2e5(actual: ArrayLike<number>, expected: number[], label: string) {
  expect(actual.length, label).toBe(expected.length);
  const worst = Math.max(...expected.map((v, i) => Math.abs(actual[i] - v)));
  expect(worst, label).toBeLessThanOrEqual(2e-5);
}
/** The fixture's model (the Python above) with its weights, the GRU's recurrent activation `recurrentActivation`. */
function fixtureModel(recurrentActivation: 'keras3HardSigmoid' | 'hardSigmoid'): wl.LayersModel {
  const model = wl.sequential({
    layers: [
      wl.layers.gru({ units: 5, returnSequences: true, resetAfter: false, recurrentActivation, inputShape: [6, 4] }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3 }) }),
      wl.layers.activation({ activation: 'softmax' }),
    ],
  });
  model.setWeights(fixture.weights.map(tensorOf));
  return model;
}

const keras3 = (x: number) => Math.min(Math.max(x / 6 + 0.5, 0), 1);

describe("Keras 3's hard sigmoid (keras3HardSigmoid)", () => {
  beforeEach(() => wl.clearSession());

  it('Dense and Activation apply clip(x/6 + 0.5, 0, 1); hardSigmoid stays 0.2x + 0.5', async () => {
    const x = wl.tensor([[-4, -1, 0, 0.5, 3]]);
    const run = async (activation: wl.ActivationIdentifier) => {
      const model = wl.sequential({ layers: [wl.layers.activation({ activation, inputShape: [5] })] });
      return Array.from(((await model.predict(x, { workers: 0 })) as wl.Tensor).dataSync());
    };
    const expected = [0, 1 / 3, 0.5, 7 / 12, 1];
    expectClose(await run('keras3HardSigmoid'), expected, { tol: 1e-7, scale: 1 });
    expectClose(await run('keras3_hard_sigmoid'), expected, { tol: 1e-7, scale: 1 });
    expectClose(await run('hardSigmoid'), [0, 0.3, 0.5, 0.6, 1], { tol: 1e-7, scale: 1 });

    // Dense(2) with known weights: y = act(x·W + b)
    const dense = wl.sequential({ layers: [wl.layers.dense({ units: 2, activation: 'keras3HardSigmoid', inputShape: [3] })] });
    const W = [1, -2, 0.5, 3, -1, 0.25], b = [0.1, -0.2];
    dense.setWeights([wl.tensor(W, [3, 2]), wl.tensor(b, [2])]);
    const xs = [[1, 2, -1], [-3, 0.5, 2], [0.2, 0.1, 0]];
    const y = ((await dense.predict(wl.tensor(xs), { workers: 0 })) as wl.Tensor).dataSync();
    const ref = xs.flatMap((row) => [0, 1].map((j) => keras3(row.reduce((s, v, i) => s + v * W[i * 2 + j], b[j]))));
    expectClose(y, ref, { tol: 1e-6, scale: 1 });
  });

  it("round-trips through getConfig as 'keras3_hard_sigmoid', in Dense, Activation and the GRU's recurrent activation", () => {
    const layers = [
      wl.layers.dense({ units: 2, activation: 'keras3HardSigmoid' }),
      wl.layers.activation({ activation: 'keras3_hard_sigmoid' }),
      wl.layers.gru({ units: 3, recurrentActivation: 'keras3HardSigmoid', resetAfter: false }),
    ];
    const [dense, activation, gru] = layers.map((l) => l.getConfig());
    expect(dense.activation).toBe('keras3_hard_sigmoid');
    expect(activation.activation).toBe('keras3_hard_sigmoid');
    expect(gru.recurrent_activation).toBe('keras3_hard_sigmoid');
    const model = wl.sequential({
      layers: [
        wl.layers.gru({ units: 3, recurrentActivation: 'keras3HardSigmoid', inputShape: [4, 2] }),
        wl.layers.dense({ units: 2, activation: 'keras3HardSigmoid' }),
      ],
    });
    const config = JSON.parse(JSON.stringify(modelToConfig(model)));
    const copy = modelFromConfig(config);
    expect(modelToConfig(copy)).toEqual(config);
    const [gruCopy, denseCopy] = copy.layers.map((l) => l.getConfig());
    expect(gruCopy.recurrent_activation).toBe('keras3_hard_sigmoid');
    expect(denseCopy.activation).toBe('keras3_hard_sigmoid');
  });

  it('a Keras 3 GRU(reset_after=False, recurrent_activation="hard_sigmoid") model: predict, loss and gradients within 2e-5', async () => {
    const model = fixtureModel('keras3HardSigmoid');
    const x = tensorOf(fixture.inputs[0]), y = tensorOf(fixture.targets[0]);
    const out = (await model.predict(x, { workers: 0 })) as wl.Tensor;
    expect(out.shape).toEqual(fixture.outputs[0].shape);
    expectWithin2e5(out.dataSync(), fixture.outputs[0].data, 'predict');
    const { loss, grads } = await engineGradients(model, 'categoricalCrossentropy', x, y);
    expect(Math.abs(loss - fixture.loss_value)).toBeLessThan(2e-5);
    grads.forEach((g, i) => expectWithin2e5(g, fixture.gradients[i].data, fixture.gradients[i].path));
    // tfjs's hard sigmoid (0.2x + 0.5) does not reproduce Keras 3's outputs
    const tfjs = fixtureModel('hardSigmoid');
    const other = ((await tfjs.predict(x, { workers: 0 })) as wl.Tensor).dataSync();
    expect(Math.max(...Array.from(other, (v, i) => Math.abs(v - fixture.outputs[0].data[i])))).toBeGreaterThan(1e-3);
  });
});
