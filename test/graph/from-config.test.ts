// Functional configs in both inbound-node forms (Keras 2 / tfjs lists, Keras 3 {args, kwargs}) build
// the same graph; configs that cannot be a graph are refused by name.
import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';
import { modelFromConfig, modelToConfig } from '../../src/models/serialization.js';

/** A Keras 3 keras-tensor reference to output `tensor` of call `node` of `layer`. */
const ref = (layer: string, node = 0, tensor = 0) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [layer, node, tensor] } });

function twoInputs() {
  wl.clearSession();
  const a = wl.input({ shape: [3], name: 'a' });
  const b = wl.input({ shape: [3], name: 'b' });
  const shared = wl.layers.dense({ units: 2, name: 'shared' });
  return wl.model({ inputs: [a, b], outputs: [shared.apply(a), wl.layers.dense({ units: 1, name: 'head' }).apply(shared.apply(b))], name: 'two' });
}

describe('functional configs', () => {
  it('the Keras 3 inbound-node form builds the same model as the Keras 2 / tfjs form', async () => {
    const model = twoInputs();
    const config = JSON.parse(JSON.stringify(modelToConfig(model)));
    expect(config.config.layers.find((l: { name: string }) => l.name === 'shared').inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    const keras3 = structuredClone(config);
    for (const layer of keras3.config.layers) {
      layer.inbound_nodes = layer.inbound_nodes.map((node: [string, number, number][]) => ({ args: [ref(...node[0])], kwargs: {} }));
    }
    const copies = [modelFromConfig(config), modelFromConfig(keras3)];
    const x = [wl.randomUniform([4, 3]), wl.randomUniform([4, 3])];
    copies.forEach((c) => c.setWeights(model.getWeights()));
    const expected = (await model.predict(x, { workers: 0 })) as wl.Tensor[];
    for (const copy of copies) {
      expect(copy.outputNames).toEqual(['shared', 'head']);
      const got = (await copy.predict(x, { workers: 0 })) as wl.Tensor[];
      got.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(expected[i].dataSync())));
    }
  });

  it('refuses a cycle, a reference to a missing layer, and a keyword argument it would ignore', () => {
    const config = JSON.parse(JSON.stringify(modelToConfig(twoInputs())));
    const cyclic = structuredClone(config);
    cyclic.config.layers.find((l: { name: string }) => l.name === 'shared').inbound_nodes = [[['head', 0, 0, {}]], [['b', 0, 0, {}]]];
    expect(() => modelFromConfig(cyclic)).toThrow('cannot be resolved (a cycle, or a node index out of range) at: shared[0], shared[1], head[0]');
    const missing = structuredClone(config);
    missing.config.layers.find((l: { name: string }) => l.name === 'head').inbound_nodes = [[['nowhere', 0, 0, {}]]];
    expect(() => modelFromConfig(missing)).toThrow('refer to layers it does not have: nowhere');
    const kwargs = structuredClone(config);
    kwargs.config.layers.find((l: { name: string }) => l.name === 'head').inbound_nodes = [{ args: [ref('shared')], kwargs: { scale: 2 } }];
    expect(() => modelFromConfig(kwargs)).toThrow('passes keyword arguments that are not supported: {"scale":2}');
  });
});
