/** Runs one layer's forward and backward on the engine with given inputs, for layer-level tests. */
import type { Engine } from '../../src/backend/engine.js';
import type { Layer } from '../../src/layers/layer.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';

export interface LayerRun {
  y: Float32Array;
  yShape: number[];
  /** dL/dx for L = Σ dy ⊙ y (null without dy). */
  dx: Float32Array | null;
  /** dL/dw of each trainable weight, in Keras order (empty without dy). */
  grads: Float32Array[];
}

export interface LayerRunOptions {
  /** The cotangent of the output; omitted: forward only. */
  dy?: ArrayLike<number>;
  /** The input's (B, T) mask. */
  mask?: ArrayLike<number>;
  /** Default true. */
  training?: boolean;
}

/** Builds `layer` for `shape` if needed, runs forward (and backward given dy), returns host copies. */
export function runLayer(engine: Engine, layer: Layer, x: ArrayLike<number>, shape: number[], o: LayerRunOptions = {}): LayerRun {
  layer.buildFor([shape]);
  const scratch = new Scratch(engine);
  try {
    const input = scratch.from(Float32Array.from(x), shape);
    const mask = o.mask ? scratch.from(Float32Array.from(o.mask), shape.slice(0, 2)) : null;
    const training = o.training ?? true;
    const { outputs: [y], cache } = layer.forward([input], { engine, scratch, training, masks: [mask], stateSums: null, noise: null });
    const out = { y: engine.read(y.ptr, y.size), yShape: [...y.shape], dx: null, grads: [] };
    if (!o.dy) return out;
    const gradients = new Map(layer.trainableWeights.map((v) => [v, scratch.zeros(v.shape).ptr]));
    const [dx] = layer.backward([scratch.from(Float32Array.from(o.dy), y.shape)], cache, {
      engine, scratch, gradients, needInputGradients: [true], logitsGradient: false,
    }) as DeviceTensor[];
    return { ...out, dx: engine.read(dx.ptr, dx.size), grads: layer.trainableWeights.map((v) => engine.read(gradients.get(v)!, v.size)) };
  } finally {
    scratch.release();
  }
}
