/**
 * Models from their Keras configs (what save() writes as modelTopology): Sequential
 * `{class_name: 'Sequential', config: {name, layers}}` and functional `{class_name: 'Model',
 * config: {name, layers: [{name, class_name, config, inbound_nodes}], input_layers, output_layers}}`.
 * The graph itself is built by graph/from-config.ts, which worker replicas use too.
 */
import { checkConfigDepth } from '../errors.js';
import { graphFromConfig } from '../graph/from-config.js';
import type { FromConfigOptions } from '../layers/registry.js';
import { LayersModel } from './model.js';
import { Sequential } from './sequential.js';

export interface ModelConfig {
  class_name: 'Sequential' | 'Model' | 'Functional';
  config: Record<string, unknown>;
}

/** The Keras config of a model, with its class name. */
export function modelToConfig(model: LayersModel): ModelConfig {
  return { class_name: model.className, config: model.getConfig() };
}

/** Builds a model from its Keras config (weights from the initializers, or zeros with initialize: false). */
export function modelFromConfig(spec: ModelConfig, options: FromConfigOptions = {}): LayersModel {
  checkConfigDepth(spec, 'The model config');
  const graph = graphFromConfig(spec, options);
  if (graph.className === 'Sequential') {
    const model = new Sequential({ name: graph.name });
    model.adopt(graph.inputs[0], graph.outputs[0], graph.stack);
    return model;
  }
  return new LayersModel({ inputs: graph.inputs, outputs: graph.outputs, name: graph.name });
}
