// Keras 3 golden values for BatchNormalization: shared/keras3/batch_norm_inference/case.json
// (Keras 3.15.1, TensorFlow backend), built from
//   model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5), layers.BatchNormalization(),
//                             layers.Activation("relu"), layers.Dense(3, activation="softmax")])
// The case's note: predict, loss_value and gradients are inference mode (moving statistics), while
// weights_after_sgd / weights_after_rmsprop come from one fit step, i.e. training mode: batch
// statistics, and the moving mean/variance updated with momentum 0.99. So the fit steps check the
// training-mode gradients and the moving-statistics update; the inference gradients are checked
// through a step with the BatchNormalization frozen (trainable false: inference mode in fit too).
// LayerNormalization's case (layer_norm_after_gru) runs in test/keras3/recurrent.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import {
  expectCaseClose, expectWeightsClose, inputTensors, loadCase, modelData, paramCount, targetTensors, weightTensors,
} from '../helpers/keras3-case.js';
import { resetPool } from '../helpers/pool.js';

afterAll(async () => {
  await resetPool();
});

const c = loadCase('batch_norm_inference');
const lr = c.sgd_learning_rate!;

function build(bnArgs: wl.BatchNormalizationLayerArgs = {}): wl.LayersModel {
  const model = wl.sequential({
    layers: [
      wl.layers.dense({ units: 5, inputShape: [4] }), wl.layers.batchNormalization(bnArgs), wl.layers.activation({ activation: 'relu' }),
      wl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.setWeights(weightTensors(c));
  return model;
}

async function afterOneStep(optimizer: 'sgd' | 'rmsprop', workers: 0 | 2, bnArgs: wl.BatchNormalizationLayerArgs = {}): Promise<wl.Tensor[]> {
  const model = build(bnArgs);
  model.compile({ loss: c.loss as wl.LossIdentifier, optimizer: optimizer === 'sgd' ? wl.optimizers.sgd({ learningRate: lr }) : wl.optimizers.rmsprop() });
  try {
    await model.fit(modelData(inputTensors(c)), modelData(targetTensors(c)), { batchSize: c.sizes.B, epochs: 1, shuffle: false, verbose: 0, workers });
    return model.getWeights();
  } finally {
    await model.dispose();
  }
}

describe('Keras 3 golden values, BatchNormalization (batch_norm_inference)', () => {
  it('countParams() is the sum of the case weights (BatchNormalization 4·C), weight shapes and trainability follow get_weights()', () => {
    const model = build();
    expect(model.countParams()).toBe(paramCount(c));
    expect(model.getWeights().map((w) => w.shape)).toEqual(c.weights.map((w) => w.shape));
    const bn = model.layers[1];
    expect(bn.weights.map((w) => [w.name.split('/').pop(), w.trainable])).toEqual([
      ['gamma', true], ['beta', true], ['moving_mean', false], ['moving_variance', false],
    ]);
    expect(c.weights.slice(2, 6).map((w) => w.trainable)).toEqual([true, true, false, false]);
  });

  for (const workers of [0, 2] as const) {
    const at = workers ? ' (workers: 2)' : '';
    it(`predict == outputs and evaluate == loss_value (moving statistics)${at}`, async () => {
      const model = build();
      model.compile({ loss: c.loss as wl.LossIdentifier, optimizer: 'sgd' });
      try {
        const out = (await model.predict(inputTensors(c)[0], { workers, batchSize: c.sizes.B })) as wl.Tensor;
        expectCaseClose(out.dataSync(), c.outputs[0].data, { caseName: c.name, field: 'outputs', shape: c.outputs[0].shape });
        const loss = (await model.evaluate(inputTensors(c)[0], targetTensors(c)[0], { workers, batchSize: c.sizes.B })) as wl.Tensor;
        expectCaseClose(loss.dataSync(), [c.loss_value], { caseName: c.name, field: 'loss_value' });
      } finally {
        await model.dispose();
      }
    });

    it(`one SGD(${lr}) step == weights_after_sgd: batch statistics, moving statistics updated${at}`, async () => {
      expectWeightsClose({ ...c, name: `${c.name}${at}` }, 'weights_after_sgd', await afterOneStep('sgd', workers));
    });

    it(`one RMSprop() step == weights_after_rmsprop${at}`, async () => {
      expectWeightsClose({ ...c, name: `${c.name}${at}` }, 'weights_after_rmsprop', await afterOneStep('rmsprop', workers));
    });
  }

  it('the moving statistics after the step are 0.99·initial + 0.01·(batch mean, biased batch variance) of the first Dense output', async () => {
    const [kernel, bias] = [c.weights[0], c.weights[1]];
    const x = c.inputs[0];
    const [B, F, U] = [x.shape[0], x.shape[1], bias.data.length];
    const h = Array.from({ length: B }, (_, b) => bias.data.map((bj, j) => x.data.slice(b * F, (b + 1) * F).reduce((acc, v, i) => acc + v * kernel.data[i * U + j], bj)));
    const mean = bias.data.map((_, j) => h.reduce((a, row) => a + row[j], 0) / B);
    const variance = mean.map((m, j) => h.reduce((a, row) => a + (row[j] - m) ** 2, 0) / B);
    const weights = await afterOneStep('sgd', 0);
    const expectMean = c.weights[4].data.map((m, j) => 0.99 * m + 0.01 * mean[j]);
    const expectVariance = c.weights[5].data.map((v, j) => 0.99 * v + 0.01 * variance[j]);
    expectCaseClose(weights[4].dataSync(), expectMean, { caseName: c.name, field: 'moving_mean (float64 simulation)' });
    expectCaseClose(weights[5].dataSync(), expectVariance, { caseName: c.name, field: 'moving_variance (float64 simulation)' });
    expectCaseClose(weights[4].dataSync(), c.weights_after_sgd![4].data, { caseName: c.name, field: 'weights_after_sgd', index: 4 });
  });

  it('frozen (trainable false), a fit step is inference mode: the Dense layers move by −lr·gradients (Keras\'s inference gradients)', async () => {
    const weights = await afterOneStep('sgd', 0, { trainable: false });
    const byPath = new Map(c.gradients.map((g) => [g.path, g.data]));
    c.weights.forEach((w, k) => {
      const g = byPath.get(w.path);
      const frozen = w.path.includes('batch_normalization');
      const expected = frozen || !g ? w.data : w.data.map((v, i) => v - lr * g[i]);
      expectCaseClose(weights[k].dataSync(), expected, { caseName: c.name, field: frozen ? 'frozen weights' : 'w − lr·gradients', index: k, path: w.path });
    });
  });
});
