/**
 * Where Keras 3 keeps each layer's variables in `model.weights.h5`: a layer of a model is
 * `layers/<class in snake_case>[_n]` (numbered per class, in the order of the model's layers: a
 * Sequential's without its InputLayer, a functional model's with them), its own variables are
 * `<path>/vars/0..n-1` in Keras order, and the layers it holds are nested under the attribute
 * names Keras saves them by: a recurrent layer's cell under `cell`, TimeDistributed's layer under
 * `layer`, Bidirectional's under `forward_layer` / `backward_layer`. Every saveable has a `vars`
 * group, empty when it owns no variables (the model's own is the root's `vars`).
 */
import type { Layer } from '../../layers/layer.js';
import { Recurrent } from '../../layers/recurrent/recurrent.js';
import type { LayerVariable } from '../../layers/variable.js';
import { Bidirectional } from '../../layers/wrappers/bidirectional.js';
import { TimeDistributed } from '../../layers/wrappers/time-distributed.js';

/** One saveable's `vars` group: its path (without `/vars`), the name Keras gives it, its variables in order. */
export interface VarsGroup {
  path: string;
  name: string;
  vars: LayerVariable[];
}

/** Keras's `naming.to_snake_case`: `SimpleRNN` → `simple_rnn`, `Conv1D` → `conv1d`, `TimeDistributed` → `time_distributed`. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The `layers/<snake>[_n]` path of each layer, in the model's Keras layer order. */
export function layerPaths(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = kerasSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
  });
}

/** The `vars` groups of one layer at `path`, nested ones included. */
export function varsGroups(layer: Layer, path: string): VarsGroup[] {
  if (layer instanceof Bidirectional) {
    return [{ path, name: layer.name, vars: [] }, ...varsGroups(layer.forwardLayer, `${path}/forward_layer`), ...varsGroups(layer.backwardLayer, `${path}/backward_layer`)];
  }
  if (layer instanceof TimeDistributed) return [{ path, name: layer.name, vars: [] }, ...varsGroups(layer.layer, `${path}/layer`)];
  if (layer instanceof Recurrent) return [{ path, name: layer.name, vars: [] }, { path: `${path}/cell`, name: `${kerasSnakeCase(layer.className)}_cell`, vars: layer.weights }];
  return [{ path, name: layer.name, vars: layer.weights }];
}

/** Every `vars` group of a model whose Keras layer order is `layers` (the root's first). */
export function modelVarsGroups(modelName: string, layers: readonly Layer[]): VarsGroup[] {
  const paths = layerPaths(layers);
  return [{ path: '', name: modelName, vars: [] }, ...layers.flatMap((l, i) => varsGroups(l, paths[i]))];
}
