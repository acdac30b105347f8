/**
 * Model topologies as Keras configs — what save() writes (modelTopology) and what worker replicas are
 * built from: Sequential `{class_name: 'Sequential', config: {name, layers}}` and functional
 * `{class_name: 'Model', config: {name, layers: [{name, class_name, config, inbound_nodes}],
 * input_layers, output_layers}}`.
 */
import { ValueError, describe } from '../errors.js';
import { InputLayer } from '../layers/input.js';
import type { Layer } from '../layers/layer.js';
import { layerFromConfig, type FromConfigOptions, type LayerConfig } from '../layers/registry.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { LayersModel } from './model.js';
import { Sequential } from './sequential.js';

export interface ModelConfig {
  class_name: 'Sequential' | 'Model' | 'Functional';
  config: Record<string, unknown>;
}

type InboundRef = [string, number, number, Record<string, unknown>?];

/** The Keras config of a model, with its class name. */
export function modelToConfig(model: LayersModel): ModelConfig {
  return { class_name: model.className, config: model.getConfig() };
}

/** Builds a model from its Keras config (weights from the initializers, or zeros with initialize: false). */
export function modelFromConfig(spec: ModelConfig, options: FromConfigOptions = {}): LayersModel {
  if (spec == null || typeof spec !== 'object') throw new ValueError(`A model config must be {class_name, config}, got ${describe(spec)}`);
  const config = spec.config ?? {};
  const layerSpecs = config.layers;
  if (!Array.isArray(layerSpecs)) throw new ValueError(`The model config has no layers array, got ${describe(layerSpecs)}`);
  if (spec.class_name === 'Sequential') {
    const model = new Sequential({ name: config.name as string | undefined });
    for (const l of layerSpecs as LayerConfig[]) model.add(layerFromConfig(l, options));
    return model;
  }
  if (spec.class_name !== 'Model' && spec.class_name !== 'Functional') {
    throw new ValueError(`Unknown model class: ${describe(spec.class_name)}. Expected one of: Sequential, Model, Functional`);
  }
  return functionalFromConfig(config, layerSpecs as (LayerConfig & { name: string; inbound_nodes: unknown })[], options);
}

function functionalFromConfig(
  config: Record<string, unknown>, specs: (LayerConfig & { name: string; inbound_nodes: unknown })[], options: FromConfigOptions,
): LayersModel {
  const layers = new Map<string, Layer>();
  const outputs = new Map<string, SymbolicTensor[]>(); // layer name → output per node
  for (const s of specs) layers.set(s.name, layerFromConfig(s, options));
  const pending = specs.flatMap((s) => {
    const layer = layers.get(s.name)!;
    if (layer instanceof InputLayer) {
      outputs.set(s.name, [layer.output]);
      return [];
    }
    const nodes = s.inbound_nodes;
    if (!Array.isArray(nodes)) throw new ValueError(`Layer ${s.name}: inbound_nodes must be an array`);
    return nodes.map((node, index) => ({ layer, name: s.name, index, ref: inboundOf(s.name, node) }));
  });
  // create nodes in dependency order: a node waits until the tensor it reads exists
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => outputs.get(p.ref[0])?.[p.ref[1]] != null && (outputs.get(p.name)?.length ?? 0) === p.index);
    if (ready < 0) throw new ValueError(`The model config's inbound_nodes cannot be resolved (a cycle or a missing layer): ${pending.map((p) => p.name).join(', ')}`);
    const [{ layer, name, ref }] = pending.splice(ready, 1);
    const out = layer.apply(outputs.get(ref[0])![ref[1]]);
    outputs.set(name, [...(outputs.get(name) ?? []), out]);
  }
  const tensorOf = (key: string, entry: unknown): SymbolicTensor => {
    const list = Array.isArray(entry) && Array.isArray(entry[0]) ? entry : [entry];
    if (list.length !== 1) throw new ValueError(`${key}: one is supported, got ${list.length}`);
    const [name, nodeIndex] = list[0] as InboundRef;
    const t = outputs.get(name)?.[nodeIndex];
    if (!t) throw new ValueError(`${key} refers to an unknown layer or node: ${describe(list[0])}`);
    return t;
  };
  return new LayersModel({
    inputs: tensorOf('input_layers', config.input_layers),
    outputs: tensorOf('output_layers', config.output_layers),
    name: config.name as string | undefined,
  });
}

function inboundOf(layerName: string, node: unknown): InboundRef {
  // Keras 2 / tfjs: [[name, nodeIndex, tensorIndex, kwargs]]
  if (!Array.isArray(node) || node.length !== 1 || !Array.isArray(node[0])) {
    throw new ValueError(`Layer ${layerName}: each inbound node must be [[layer_name, node_index, tensor_index, kwargs]], got ${describe(node)}`);
  }
  const [name, nodeIndex, tensorIndex] = node[0] as unknown[];
  if (typeof name !== 'string' || !Number.isInteger(nodeIndex) || tensorIndex !== 0) {
    throw new ValueError(`Layer ${layerName}: bad inbound node ${describe(node[0])}`);
  }
  return [name, nodeIndex as number, 0];
}
