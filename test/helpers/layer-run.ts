/**
 * Runs one layer's forward and backward on an engine outside a model, with gradient slots for its
 * trainable weights and state slots for its state variables, and returns host copies.
 */
import type { Engine } from '../../src/backend/engine.js';
import type { Layer } from '../../src/layers/layer.js';
import type { LayerVariable } from '../../src/layers/variable.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';

export interface LayerRun {
  y: Float32Array;
  /** dL/dx for the cotangent dy (null without dy). */
  dx: Float32Array | null;
  /** Each trainable weight's gradient, by weight name's last part ('gamma', 'beta', ...). */
  grads: Map<string, Float32Array>;
  /** Each state variable's slot after the forward, by name's last part. */
  states: Map<string, Float32Array>;
}

export interface LayerRunOptions {
  training: boolean;
  dy?: ArrayLike<number>;
  /** The input's mask ((B, T) of 0 / 1), if any. */
  mask?: { data: ArrayLike<number>; shape: number[] };
}

const lastPart = (name: string) => name.split('/').pop()!;

export function runLayer(engine: Engine, layer: Layer, x: ArrayLike<number>, shape: number[], o: LayerRunOptions): LayerRun {
  layer.buildFor([shape]);
  const scratch = new Scratch(engine);
  try {
    const slots = (vars: readonly LayerVariable[]) => new Map(vars.map((v) => [v, scratch.zeros([v.size]).ptr]));
    const gradients = slots(layer.trainableWeights);
    const stateSums = slots(layer.stateVariables);
    const mask = o.mask ? scratch.from(Float32Array.from(o.mask.data), o.mask.shape) : null;
    const { outputs: [y], cache } = layer.forward([scratch.from(Float32Array.from(x), shape)], {
      engine, scratch, training: o.training, masks: [mask], stateSums: o.training ? stateSums : null, noise: null,
    });
    const out = engine.read(y.ptr, y.size);
    const states = new Map([...stateSums].map(([v, ptr]) => [lastPart(v.name), engine.read(ptr, v.size)]));
    if (!o.dy) return { y: out, dx: null, grads: new Map(), states };
    const [dx] = layer.backward([scratch.from(Float32Array.from(o.dy), y.shape)], cache, {
      engine, scratch, gradients, needInputGradients: [true], logitsGradient: false,
    }) as DeviceTensor[];
    const grads = new Map([...gradients].map(([v, ptr]) => [lastPart(v.name), engine.read(ptr, v.size)]));
    return { y: out, dx: engine.read(dx.ptr, dx.size), grads, states };
  } finally {
    scratch.release();
  }
}
