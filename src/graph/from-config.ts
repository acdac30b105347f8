/**
 * A model's topology from its Keras config: Sequential `{name, layers: [{class_name, config}]}` and
 * functional `{name, layers: [{name, class_name, config, inbound_nodes}], input_layers,
 * output_layers}`, with inbound nodes in the Keras 2 / tfjs list form (`[[name, node, tensor,
 * kwargs], ...]` per call) or Keras 3's (`{args: [keras tensors], kwargs}`). Saved models and
 * worker replicas are both built here, through the layer registry.
 */
import { ValueError, describe } from '../errors.js';
import { InputLayer } from '../layers/core/input.js';
import type { Layer } from '../layers/layer.js';
import { layerFromConfig, type FromConfigOptions, type LayerConfig } from '../layers/registry.js';
import type { SymbolicTensor } from '../layers/symbolic.js';

/** A model config's graph: its inputs and outputs, and (Sequential) the stack of layers. */
export interface ConfigGraph {
  className: 'Sequential' | 'Model';
  name?: string;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Sequential only: the layers in order, without the input layer. */
  stack: Layer[];
}

/** `[layer name, node index, tensor index]` of a tensor a layer call reads. */
type TensorRef = [string, number, number];

/** The input layer of a Sequential model whose first layer declares its input shape. */
export function sequentialInputFor(first: Layer): InputLayer {
  if (!first.batchInputShape) {
    throw new ValueError('The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.');
  }
  return new InputLayer({ name: `${first.name}_input`, batchInputShape: [...first.batchInputShape] });
}

/** Builds the graph of a Keras model config (weights from the initializers, or zeros with initialize: false). */
export function graphFromConfig(spec: unknown, options: FromConfigOptions = {}): ConfigGraph {
  if (spec == null || typeof spec !== 'object') throw new ValueError(`A model config must be {class_name, config}, got ${describe(spec)}`);
  const { class_name: className, config = {} } = spec as { class_name?: unknown; config?: Record<string, unknown> };
  const layerSpecs = config.layers;
  if (!Array.isArray(layerSpecs)) throw new ValueError(`The model config has no layers array, got ${describe(layerSpecs)}`);
  const name = typeof config.name === 'string' ? config.name : undefined;
  if (className === 'Sequential') return sequentialFromConfig(name, layerSpecs as LayerConfig[], options);
  if (className !== 'Model' && className !== 'Functional') {
    throw new ValueError(`Unknown model class: ${describe(className)}. Expected one of: Sequential, Model, Functional`);
  }
  return functionalFromConfig(name, config, layerSpecs as (LayerConfig & { name: string; inbound_nodes: unknown })[], options);
}

function sequentialFromConfig(name: string | undefined, specs: LayerConfig[], options: FromConfigOptions): ConfigGraph {
  const layers = specs.map((s) => layerFromConfig(s, options));
  const [first, ...rest] = layers;
  if (!first) throw new ValueError('A Sequential config needs at least one layer');
  const inputLayer = first instanceof InputLayer ? first : sequentialInputFor(first);
  const stack = first instanceof InputLayer ? rest : layers;
  let t = inputLayer.output;
  for (const layer of stack) {
    const out = layer.apply(t);
    if (Array.isArray(out)) throw new ValueError(`Layer ${layer.name} returns several outputs; a Sequential model needs one per layer`);
    t = out;
  }
  return { className: 'Sequential', name, inputs: [inputLayer.output], outputs: [t], stack };
}

function functionalFromConfig(
  name: string | undefined, config: Record<string, unknown>, specs: (LayerConfig & { name: string; inbound_nodes: unknown })[], options: FromConfigOptions,
): ConfigGraph {
  const layers = new Map<string, Layer>();
  const outputs = new Map<string, SymbolicTensor[][]>(); // layer name → per call, its outputs
  for (const s of specs) {
    if (typeof s?.name !== 'string') throw new ValueError(`Each layer of a functional config needs a name, got ${describe(s?.name)}`);
    if (layers.has(s.name)) throw new ValueError(`The model config names two layers "${s.name}"`);
    layers.set(s.name, layerFromConfig(s, options));
  }
  const pending = specs.flatMap((s) => {
    const layer = layers.get(s.name)!;
    if (layer instanceof InputLayer) {
      outputs.set(s.name, [[layer.output]]);
      return [];
    }
    const nodes = s.inbound_nodes;
    if (!Array.isArray(nodes)) throw new ValueError(`Layer ${s.name}: inbound_nodes must be an array, got ${describe(nodes)}`);
    return nodes.map((node, index) => ({ layer, name: s.name, index, refs: inboundRefs(s.name, node) }));
  });
  const tensorOf = ([layerName, node, tensor]: TensorRef) => outputs.get(layerName)?.[node]?.[tensor];
  // create nodes in dependency order: a call waits until the tensors it reads exist
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.refs.every((r) => tensorOf(r) != null) && (outputs.get(p.name)?.length ?? 0) === p.index);
    if (ready < 0) {
      const missing = pending.flatMap((p) => p.refs.filter((r) => !layers.has(r[0])).map((r) => r[0]));
      throw new ValueError(
        missing.length
          ? `The model config's inbound_nodes refer to layers it does not have: ${[...new Set(missing)].join(', ')}`
          : `The model config's inbound_nodes cannot be resolved (a cycle, or a node index out of range) at: ${pending.map((p) => `${p.name}[${p.index}]`).join(', ')}`,
      );
    }
    const [{ layer, name: layerName, refs }] = pending.splice(ready, 1);
    const inputs = refs.map((r) => tensorOf(r)!);
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs);
    outputs.set(layerName, [...(outputs.get(layerName) ?? []), Array.isArray(out) ? out : [out]]);
  }
  const ends = (key: string) => tensorRefs(key, config[key]).map((r) => {
    const t = tensorOf(r);
    if (!t) throw new ValueError(`${key} refers to an unknown layer, node or tensor: ${describe(r)}`);
    return t;
  });
  return { className: 'Model', name, inputs: ends('input_layers'), outputs: ends('output_layers'), stack: [] };
}

/** input_layers / output_layers: a list of refs, or (Keras 3, one tensor) a single ref. */
function tensorRefs(key: string, value: unknown): TensorRef[] {
  const list = Array.isArray(value) && value.length > 0 && !Array.isArray(value[0]) ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) throw new ValueError(`The model config's ${key} must list [layer_name, node_index, tensor_index] entries, got ${describe(value)}`);
  return list.map((r) => checkRef(key, r));
}

function checkRef(where: string, ref: unknown): TensorRef {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string' || !Number.isSafeInteger(ref[1]) || !Number.isSafeInteger(ref[2] ?? 0)) {
    throw new ValueError(`${where}: a tensor reference must be [layer_name, node_index, tensor_index], got ${describe(ref)}`);
  }
  return [ref[0], ref[1] as number, (ref[2] ?? 0) as number];
}

/** The tensors one call of `layerName` reads, from either inbound-node form. */
function inboundRefs(layerName: string, node: unknown): TensorRef[] {
  const where = `Layer ${layerName}: inbound node`;
  // Keras 3: {args: [tensor or [tensors]], kwargs}
  if (node != null && typeof node === 'object' && !Array.isArray(node)) {
    const { args, kwargs } = node as { args?: unknown; kwargs?: Record<string, unknown> };
    const supported = ['training', 'mask', 'initial_state'];
    if (kwargs != null && Object.keys(kwargs).some((k) => kwargs[k] != null && !supported.includes(k))) {
      throw new ValueError(`${where} passes keyword arguments that are not supported: ${describe(kwargs)}`);
    }
    if (kwargs?.mask != null) throw new ValueError(`${where} passes an explicit mask tensor, which is not supported (masks come from Masking or Embedding layers)`);
    if (!Array.isArray(args) || args.length !== 1) throw new ValueError(`${where} must have args: [input or [inputs]], got ${describe(args)}`);
    // a recurrent layer's initial_state tensors are its extra inputs, after x
    const states = kwargs?.initial_state == null ? [] : Array.isArray(kwargs.initial_state) ? kwargs.initial_state : [kwargs.initial_state];
    const tensors = [...(Array.isArray(args[0]) ? args[0] : [args[0]]), ...states];
    return tensors.map((t) => {
      const history = (t as { config?: { keras_history?: unknown } })?.config?.keras_history;
      return checkRef(where, history);
    });
  }
  // Keras 2 / tfjs: [[name, node_index, tensor_index, kwargs], ...]
  if (!Array.isArray(node) || node.length === 0) throw new ValueError(`${where} must be [[layer_name, node_index, tensor_index, kwargs], ...], got ${describe(node)}`);
  return node.map((r) => checkRef(where, r));
}
