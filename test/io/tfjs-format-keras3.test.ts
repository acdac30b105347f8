// Our TF.js-format saves are written in the Keras 3 dialect (what Keras 3's model_from_json needs:
// module / registered_name, an explicit InputLayer with batch_shape, dtype policy objects,
// initializers as objects) in the forms tfjs-layers 4.22 also reads: TensorFlow.js 4.22 (cpu)
// loads each and predicts what we predict, and our own round trip stays bit-identical (weights,
// predictions, config). Keras 3 itself cannot run here; its side is read from its 3.15 source
// (src/models/keras-config.ts) and examples/scale-out/load_tfjs_save_in_keras.py.
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';
import { tfjs } from '../peers/tfjs.js';

// tfjs 4.22's GRUCell refuses reset_after=true, so the GRUs it loads are Keras 2's (sigmoid: the
// hard_sigmoid models keep tfjs's dialect, below)
const gru = (args: Partial<wl.GRULayerArgs>) => wl.layers.gru({ resetAfter: false, recurrentActivation: 'sigmoid', ...args } as wl.GRULayerArgs);

const MODELS: Record<string, { make: () => wl.LayersModel; input: () => wl.Tensor }> = {
  'GRU + TimeDistributed(Dense) + softmax': {
    make: () => wl.sequential({ layers: [gru({ units: 4, returnSequences: true, inputShape: [5, 3] }), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 3 }) }), wl.layers.activation({ activation: 'softmax' })] }),
    input: () => wl.randomUniform([2, 5, 3], -1, 1, 'float32', 3),
  },
  'Embedding + LSTM + Dense': {
    make: () => wl.sequential({ layers: [wl.layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [5] } as wl.EmbeddingLayerArgs), wl.layers.lstm({ units: 3 }), wl.layers.dense({ units: 2, activation: 'sigmoid' })] }),
    input: () => wl.tensor([0, 1, 2, 3, 4, 9, 8, 7, 6, 5], [2, 5]),
  },
  'Bidirectional GRU + pooling': {
    make: () => wl.sequential({ layers: [wl.layers.bidirectional({ layer: gru({ units: 3, returnSequences: true }) as never, inputShape: [5, 3] } as never), wl.layers.globalAveragePooling1d()] }),
    input: () => wl.randomUniform([2, 5, 3], -1, 1, 'float32', 4),
  },
  'Conv1D + MaxPooling1D + Flatten + Dense': {
    make: () => wl.sequential({ layers: [wl.layers.conv1d({ filters: 4, kernelSize: 2, inputShape: [6, 3] }), wl.layers.maxPooling1d({ poolSize: 2 }), wl.layers.flatten(), wl.layers.dense({ units: 2 })] }),
    input: () => wl.randomUniform([2, 6, 3], -1, 1, 'float32', 5),
  },
  'functional: GRU into two Dense heads, concatenated': {
    make: () => {
      const x = wl.input({ shape: [5, 3] });
      const h = gru({ units: 4 }).apply(x) as wl.SymbolicTensor;
      const heads = [wl.layers.dense({ units: 2 }).apply(h), wl.layers.dense({ units: 2, activation: 'tanh' }).apply(h)] as wl.SymbolicTensor[];
      return wl.model({ inputs: x, outputs: wl.layers.concatenate().apply(heads) as wl.SymbolicTensor });
    },
    input: () => wl.randomUniform([2, 5, 3], -1, 1, 'float32', 6),
  },
};

type Json = Record<string, any>;
const layersOf = (topology: Json): Json[] => topology.config.layers;
const predict = async (m: wl.LayersModel, x: wl.Tensor) => (await m.predict(x, { workers: 0 }) as wl.Tensor).dataSync();

describe('TF.js-format saves in the Keras 3 dialect', () => {
  for (const [name, c] of Object.entries(MODELS)) {
    it(`${name}: Keras 3's fields; tfjs 4.22 loads it and predicts ours (within 1e-6); our round trip is bit-identical`, async () => {
      wl.clearSession();
      wl.setSeed(11);
      const model = c.make();
      const handler = wl.io.fromMemory();
      await model.save(handler);
      const artifacts = handler.artifacts!;
      const topology = artifacts.modelTopology as Json;
      // what Keras 3's deserialize_keras_object needs: module, class_name, config, registered_name
      expect(topology).toMatchObject({ module: expect.stringMatching(/^keras/), class_name: model.className === 'Sequential' ? 'Sequential' : 'Functional', registered_name: model.className === 'Sequential' ? null : 'Functional' });
      const layers = layersOf(topology);
      for (const l of layers) expect(l, l.config.name).toMatchObject({ module: 'keras.layers', registered_name: null });
      const inputLayer = layers[0];
      expect(inputLayer.class_name).toBe('InputLayer');
      expect(inputLayer.config.batch_shape).toEqual(inputLayer.config.batch_input_shape);
      expect(inputLayer.config.batch_shape).toEqual([null, ...(model.inputs[0].shape.slice(1) as number[])]);
      for (const l of layers.slice(1)) expect(l.config.dtype, `${l.config.name}.dtype`).toEqual({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });
      const kernelInit = layers.find((l) => l.config.kernel_initializer)?.config.kernel_initializer ?? layers.find((l) => l.config.layer)?.config.layer.config.kernel_initializer;
      expect(kernelInit).toMatchObject({ module: 'keras.initializers', registered_name: null });

      const x = c.input();
      const ours = await predict(model, x);
      const { tf, tfl } = await tfjs();
      const peer = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as never));
      const theirs = (peer.predict(tf.tensor(Array.from(x.dataSync()), x.shape)) as { dataSync(): Float32Array }).dataSync();
      expectClose(theirs, ours, { tol: 1e-6, label: 'tfjs 4.22 predictions' });
      const peerWeights = peer.getWeights().map((w) => w.dataSync());
      model.getWeights().forEach((w, i) => expectIdentical(peerWeights[i], w.dataSync(), `tfjs weight ${i}`));

      const again = await wl.loadLayersModel(wl.io.fromMemory(artifacts));
      expectIdentical(await predict(again, x), ours, 'our predictions after the round trip');
      again.getWeights().forEach((w, i) => expectIdentical(w.dataSync(), model.getWeights()[i].dataSync(), `weight ${i}`));
      expect(again.getConfig()).toEqual(model.getConfig());
    });
  }

  it('a model with tfjs\'s hard_sigmoid keeps tfjs\'s dialect (Keras 3 has no such activation); tfjs loads it and predicts ours', async () => {
    wl.clearSession();
    const model = wl.sequential({ layers: [wl.layers.gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoid', inputShape: [4, 2] })] });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    const topology = handler.artifacts!.modelTopology as Json;
    expect(topology.module).toBeUndefined();
    expect(layersOf(topology)[0].config.recurrent_activation).toBe('hard_sigmoid');
    const x = wl.randomUniform([2, 4, 2], -2, 2, 'float32', 8);
    const { tf, tfl } = await tfjs();
    const peer = await tfl.loadLayersModel(tf.io.fromMemory(handler.artifacts as never));
    expectClose((peer.predict(tf.tensor(Array.from(x.dataSync()), x.shape)) as { dataSync(): Float32Array }).dataSync(), await predict(model, x), { tol: 1e-6, label: 'tfjs 4.22' });
    expectIdentical(await predict(await wl.loadLayersModel(wl.io.fromMemory(handler.artifacts!)), x), await predict(model, x), 'round trip');
  });

  it('a model with Keras 3\'s hard_sigmoid round-trips here (its name is our own, which neither tfjs nor Keras reads as the other function)', async () => {
    wl.clearSession();
    const model = wl.sequential({ layers: [wl.layers.gru({ units: 3, recurrentActivation: 'keras3_hard_sigmoid' as never, inputShape: [4, 2] })] });
    const handler = wl.io.fromMemory();
    await model.save(handler);
    expect(layersOf(handler.artifacts!.modelTopology as Json)[0].config.recurrent_activation).toBe('keras3_hard_sigmoid');
    const x = wl.randomUniform([2, 4, 2], -2, 2, 'float32', 9);
    expectIdentical(await predict(await wl.loadLayersModel(wl.io.fromMemory(handler.artifacts!)), x), await predict(model, x), 'round trip');
  });

  it('a compiled model saved with includeOptimizer loads in tfjs 4.22 too', async () => {
    wl.clearSession();
    const model = MODELS['GRU + TimeDistributed(Dense) + softmax'].make();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const handler = wl.io.fromMemory();
    await model.save(handler, { includeOptimizer: true });
    const { tf, tfl } = await tfjs();
    await expect(tfl.loadLayersModel(tf.io.fromMemory(handler.artifacts as never))).resolves.toBeDefined();
  });
});
