/**
 * A model's config in the Keras 3 dialect, written: config.json of a `.keras` file, and the
 * topology of a TF.js-format model.json, which Keras 3's `model_from_json` and TensorFlow.js 4.22
 * both read (tfjsModelTopology). Free of the zip and HDF5 code, so the TF.js-format save does not
 * pull them into a bundle.
 */
import type { Layer } from '../layers/layer.js';
import { Recurrent } from '../layers/recurrent/recurrent.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { Bidirectional } from '../layers/wrappers/bidirectional.js';
import { FLOAT32_POLICY, keras3Envelope, toKeras3LayerConfig } from '../io/keras/config.js';
import type { LayersModel } from './model.js';

/** The Keras version whose format the written files follow (config dialect and weight layout). */
export const KERAS_FORMAT_VERSION = '3.15.1';

type Json = Record<string, unknown>;

/** Keras classes built when constructed, whose configs carry no build_config (as Keras 3.15 writes them). */
const BUILT_AT_INIT = new Set(['Masking', 'Activation', 'Dropout', 'SpatialDropout1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling1D']);

/** Keys Keras 3 writes at these values, which tfjs's configs (and so getConfig) leave out. */
const KERAS3_ONLY_KEYS: Record<string, Json> = {
  Conv1D: { groups: 1 },
  Embedding: { quantization_config: null },
};

/** The layers in the order a written config lists them (and Keras then numbers their weight paths). */
export function writtenLayers(model: LayersModel): Layer[] {
  return model.className === 'Sequential' ? model.layers : [...model.graphTopology.layers];
}

/** A model's config in the Keras 3 dialect (config.json of a .keras file). */
export function kerasConfigOf(model: LayersModel): Json {
  const topology = model.graphTopology;
  const callIndex = (t: SymbolicTensor) => (t.node ? topology.callsOf(t.sourceLayer).indexOf(t.node) : 0);
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, callIndex(t), t.outputIndex];
  const kerasTensor = (t: SymbolicTensor) => ({ class_name: '__keras_tensor__', config: { shape: [...t.shape], dtype: t.dtype, keras_history: ref(t) } });
  // a recurrent layer's extra inputs are its initial states (Keras's initial_state keyword)
  const takesStates = (l: Layer) => l instanceof Recurrent || l instanceof Bidirectional;
  const buildConfig = (l: Layer): Json => {
    const inputs = topology.callsOf(l)[0]?.inputs ?? [];
    if (takesStates(l) && inputs.length > 1) return { shapes_dict: { sequences_shape: [...inputs[0].shape], initial_state_shape: inputs.slice(1).map((t) => [...t.shape]) } };
    return { input_shape: inputs.length === 1 ? [...inputs[0].shape] : inputs.map((t) => [...t.shape]) };
  };
  const layerJson = (l: Layer): Json => {
    if (l.className === 'InputLayer') {
      const t = topology.inputs.find((i) => i.sourceLayer === l) ?? (l as unknown as { output: SymbolicTensor }).output;
      return keras3Envelope('InputLayer', { batch_shape: [...t.shape], dtype: t.dtype, sparse: false, ragged: false, name: l.name, optional: false }, 'keras.layers');
    }
    const config = toKeras3LayerConfig(l.className, l.getConfig());
    Object.assign(config, KERAS3_ONLY_KEYS[l.className] ?? {});
    // Keras 3 writes zero_output_for_mask, which tfjs's config (and so getConfig) leaves out
    if (l instanceof Recurrent) config.zero_output_for_mask = l.zeroOutputForMask;
    if (l instanceof Bidirectional) ((config.layer as Json).config as Json).zero_output_for_mask = l.forwardLayer.zeroOutputForMask;
    const json = keras3Envelope(l.className, config, 'keras.layers');
    return BUILT_AT_INIT.has(l.className) ? json : { ...json, build_config: buildConfig(l) };
  };
  if (model.className === 'Sequential') {
    const input = topology.inputs[0];
    const inputLayer = keras3Envelope('InputLayer', { batch_shape: [...input.shape], dtype: input.dtype, sparse: false, ragged: false, name: input.sourceLayer.name, optional: false }, 'keras.layers');
    return {
      ...keras3Envelope('Sequential', { name: model.name, trainable: true, dtype: FLOAT32_POLICY, layers: [inputLayer, ...model.layers.map(layerJson)], build_input_shape: [...input.shape] }, 'keras'),
      build_config: { input_shape: [...input.shape] },
    };
  }
  const nodeJson = (l: Layer) => topology.callsOf(l).map((n) => {
    const [x, ...rest] = n.inputs;
    if (takesStates(l) && rest.length) return { args: [kerasTensor(x)], kwargs: { initial_state: rest.map(kerasTensor) } };
    return { args: [n.inputs.length === 1 ? kerasTensor(x) : n.inputs.map(kerasTensor)], kwargs: {} };
  });
  const ends = (ts: readonly SymbolicTensor[]) => (ts.length === 1 ? ref(ts[0]) : ts.map(ref));
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: true,
      layers: topology.layers.map((l) => ({ ...layerJson(l), name: l.name, inbound_nodes: l.className === 'InputLayer' ? [] : nodeJson(l) })),
      input_layers: ends(topology.inputs),
      output_layers: ends(topology.outputs),
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}


/** Whether a layer config (nested layers included) names a hard_sigmoid activation of either kind. */
function usesHardSigmoid(config: unknown): boolean {
  if (Array.isArray(config)) return config.some(usesHardSigmoid);
  if (config == null || typeof config !== 'object') return false;
  return Object.entries(config).some(([k, v]) => ((k === 'activation' || k === 'recurrent_activation') && (v === 'hard_sigmoid' || v === 'keras3_hard_sigmoid')) || usesHardSigmoid(v));
}

/**
 * The topology of a TF.js-format model.json: the Keras 3 dialect (`module` / `registered_name`,
 * dtype policies, initializers as objects, an explicit InputLayer) in the forms both readers take:
 * - InputLayer has `batch_shape` (Keras 3) and `batch_input_shape` (tfjs-layers 4.22
 *   engine/input_layer.js reads only `batchInputShape`; Keras 3.15 layers/core/input_layer.py:
 *   `if "batch_input_shape" in kwargs: batch_shape = kwargs.pop("batch_input_shape")`, the same value);
 * - functional `inbound_nodes` in the Keras 2 list form, which tfjs reads and Keras 3 takes as its
 *   "Legacy case" (models/functional.py `deserialize_node`).
 * A model using either hard_sigmoid keeps tfjs's own dialect (no `module`, so Keras 3 refuses it):
 * tfjs's hard_sigmoid (0.2x + 0.5) does not exist in Keras 3, and Keras 3's (x/6 + 0.5) would load
 * in tfjs as tfjs's; a name that means different functions to the two readers is not written.
 */
export function tfjsModelTopology(model: LayersModel): Json {
  const config = model.getConfig();
  if (usesHardSigmoid(config)) return { class_name: model.className, config };
  const keras = kerasConfigOf(model);
  const inner = keras.config as Json & { layers: Json[] };
  const withInputShape = (layer: Json): Json => {
    if (layer.class_name !== 'InputLayer') return layer;
    const c = layer.config as Json;
    return { ...layer, config: { ...c, batch_input_shape: c.batch_shape } };
  };
  if (model.className === 'Sequential') return { ...keras, config: { ...inner, layers: inner.layers.map(withInputShape) } };
  const legacy = config as { layers: Json[]; input_layers: unknown; output_layers: unknown };
  const layers = inner.layers.map((l, i) => ({ ...withInputShape(l), inbound_nodes: legacy.layers[i].inbound_nodes }));
  return { ...keras, config: { ...inner, layers, input_layers: legacy.input_layers, output_layers: legacy.output_layers } };
}
