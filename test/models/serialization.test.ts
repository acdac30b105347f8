import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { modelFromConfig, modelToConfig } from '../../src/models/serialization.js';
import { layerFromConfig } from '../../src/layers/registry.js';
import { seedModels, summaryLines } from '../helpers/seed-models.js';
import { expectIdentical } from '../helpers/compare.js';

async function sameFunction(a: wl.LayersModel, b: wl.LayersModel, inputShape: number[]) {
  b.setWeights(a.getWeights());
  const x = wl.randomUniform(inputShape);
  expectIdentical((await b.predict(x) as wl.Tensor).dataSync(), (await a.predict(x) as wl.Tensor).dataSync(), 'predictions');
}

describe('model configs (Keras format): to config, through JSON, and back', () => {
  beforeEach(() => wl.clearSession());

  it('the seed models round-trip with the same summary and the same function', async () => {
    const { model1, model2, model3 } = seedModels();
    for (const m of [model1, model2, model3]) {
      const config = JSON.parse(JSON.stringify(modelToConfig(m)));
      expect(config.class_name).toBe('Sequential');
      const copy = modelFromConfig(config);
      expect(summaryLines(copy)).toEqual(summaryLines(m));
      await sameFunction(m, copy, [3, 64, 15]);
    }
  });

  it('records the Keras config keys of a GRU and a TimeDistributed(Dense)', () => {
    const { model1 } = seedModels();
    const layers = (modelToConfig(model1).config.layers as { class_name: string; config: Record<string, unknown> }[]);
    expect(layers[0]).toMatchObject({
      class_name: 'GRU',
      config: { name: 'gru_1', units: 16, return_sequences: true, reset_after: false, recurrent_activation: 'hard_sigmoid', activation: 'tanh', batch_input_shape: [null, 64, 15], kernel_initializer: { class_name: 'GlorotUniform' }, recurrent_initializer: { class_name: 'Orthogonal' } },
    });
    expect(layers[1]).toMatchObject({ class_name: 'TimeDistributed', config: { name: 'time_distributed_1', layer: { class_name: 'Dense', config: { units: 8, name: 'dense_1' } } } });
  });

  it('a functional model with a shared layer round-trips', async () => {
    const input = wl.input({ shape: [5, 3] });
    const shared = wl.layers.dense({ units: 3, activation: 'tanh' });
    const out = wl.layers.dense({ units: 2, activation: 'softmax' }).apply(shared.apply(shared.apply(input)));
    const m = wl.model({ inputs: input, outputs: out });
    const config = JSON.parse(JSON.stringify(modelToConfig(m)));
    expect(config.class_name).toBe('Model');
    expect(config.config.layers.find((l: { name: string }) => l.name === 'dense_1').inbound_nodes).toEqual([[['input_1', 0, 0, {}]], [['dense_1', 0, 0, {}]]]);
    const copy = modelFromConfig(config);
    expect(summaryLines(copy)).toEqual(summaryLines(m));
    await sameFunction(m, copy, [4, 5, 3]);
  });

  it('initialize: false builds a replica with zero weights (no initializer work)', () => {
    const { model1 } = seedModels();
    const replica = modelFromConfig(modelToConfig(model1), { initialize: false });
    expect(replica.getWeights().every((w) => w.dataSync().every((v) => v === 0))).toBe(true);
  });

  it('refuses unsupported or unknown config entries by name', () => {
    expect(() => layerFromConfig({ class_name: 'Conv3D', config: {} })).toThrow('Unknown layer class: "Conv3D". Expected one of: InputLayer, Dense, GRU, LSTM, SimpleRNN');
    expect(() => layerFromConfig({ class_name: 'LSTM', config: {} })).toThrow('LSTM: received an invalid value for units, expected a positive integer. Received: units=undefined');
    expect(() => layerFromConfig({ class_name: 'GRU', config: { units: 4, time_major: true } })).toThrow('GRU config: time_major=true is not supported');
    expect(() => layerFromConfig({ class_name: 'Dense', config: { units: 4, kernel_regularizer: { class_name: 'L2' } } })).toThrow('Dense config: kernel_regularizer={"class_name":"L2"} is not supported');
    expect(() => layerFromConfig({ class_name: 'Dense', config: { units: 4, dtype: 'float16' } })).toThrow('dtype="float16" is not supported (float32 only)');
    expect(() => modelFromConfig({ class_name: 'Graph' as never, config: { layers: [] } })).toThrow('Unknown model class: "Graph"');
  });
});
