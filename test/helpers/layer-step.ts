/** Runs one layer's forward and backward on the engine with given inputs, and fits on the pool against in process, for layer-level tests. */
import type * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import type { Layer } from '../../src/layers/layer.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { expectClose } from './compare.js';

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

/**
 * Fits a fresh model from `build` in process and on 2 workers (same data, no shuffling) and checks
 * that the weights agree within 1e-5 (scale 1e-2).
 */
export async function expectWorkersFitLikeInProcess(build: () => wl.LayersModel, x: wl.Tensor, y: wl.Tensor, { batchSize, epochs }: { batchSize: number; epochs: number }): Promise<void> {
  const weights: Float32Array[][] = [];
  for (const workers of [0, 2] as const) {
    const m = build();
    await m.fit(x, y, { batchSize, epochs, shuffle: false, verbose: 0, workers });
    weights.push(m.getWeights().map((w) => w.dataSync() as Float32Array));
    await m.dispose();
  }
  weights[0].forEach((w, i) => expectClose(weights[1][i], w, { tol: 1e-5, scale: 1e-2, label: `weight ${i} (workers 2 vs 0)` }));
}
