/** Sequential: a stack of layers, each fed the previous one's output (tfjs / Keras semantics). */
import { ValueError } from '../errors.js';
import { sequentialInputFor } from '../graph/from-config.js';
import { Topology } from '../graph/topology.js';
import { InputLayer } from '../layers/core/input.js';
import { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { checkArgKeys } from '../layers/args.js';
import { LayersModel } from './model.js';
import type { Tensor } from '../tensor.js';

export interface SequentialArgs {
  /** Layers to add, in order. */
  layers?: Layer[];
  name?: string;
}

export class Sequential extends LayersModel<Tensor> {
  private readonly stack: Layer[] = [];
  private input: SymbolicTensor | null = null;
  private output: SymbolicTensor | null = null;

  constructor(args: SequentialArgs = {}) {
    checkArgKeys('sequential', args, ['layers', 'name']);
    super(null, 'sequential', args.name);
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** The added layers (Keras: without the implicit input layer). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  override get className(): 'Sequential' {
    return 'Sequential';
  }

  /**
   * Keras config: `{name, layers: [{class_name, config}]}`, the first layer with its
   * batch_input_shape; an int32 or bool input (which a layer's config cannot carry) as an InputLayer
   * entry first, as Keras 3 writes every Sequential.
   */
  override getConfig(): Record<string, unknown> {
    const input = this.topology('getConfig').inputs[0];
    const typed = input.dtype !== 'float32';
    const layers = this.stack.map((l, i) => {
      const config = l.getConfig();
      if (i === 0 && !typed && !config.batch_input_shape) config.batch_input_shape = [...input.shape];
      return { class_name: l.className, config };
    });
    if (typed) layers.unshift({ class_name: 'InputLayer', config: input.sourceLayer.getConfig() });
    return { name: this.name, layers };
  }

  /**
   * Appends a layer. The first layer needs an inputShape (or batchInputShape), or an
   * InputLayer must come first.
   */
  add(layer: Layer): void {
    this.assertUsable('add');
    if (!(layer instanceof Layer)) throw new ValueError(`Sequential.add: expected a layer, got ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.input) throw new ValueError('Sequential.add: an InputLayer can only be the first layer');
      this.input = this.output = layer.output;
      return;
    }
    if (!this.input) this.input = this.output = sequentialInputFor(layer).output;
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ValueError(`All layers added to a Sequential model should have unique names. Name "${layer.name}" is already the name of a layer in this model.`);
    }
    const out = layer.apply(this.output!);
    if (Array.isArray(out)) throw new ValueError(`Sequential.add: layer ${layer.name} returns ${out.length} outputs; a Sequential model needs one per layer (use the functional API)`);
    this.stack.push(layer);
    this.output = out;
    this.topologyValue = new Topology([this.input], [out]);
  }

  /**
   * Takes a chain already built from a config (graph/from-config.ts) as this model's layers.
   * @internal
   */
  adopt(input: SymbolicTensor, output: SymbolicTensor, stack: Layer[]): void {
    this.input = input;
    this.output = output;
    this.stack.push(...stack);
    this.topologyValue = new Topology([input], [output]);
  }
}

/**
 * A Sequential model.
 * @example const m = wl.sequential({ layers: [wl.layers.dense({ units: 8, inputShape: [16] })] });
 */
export function sequential(args?: SequentialArgs): Sequential {
  return new Sequential(args);
}
