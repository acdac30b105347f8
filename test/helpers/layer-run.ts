/**
 * One layer's forward and backward on the wasm engine, outside any model: inputs (and masks) in,
 * host copies of the outputs, the output masks and the input gradients out. For layer tests that
 * compare against float64 references and finite differences.
 */
import type * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';

export interface HostArray {
  data: ArrayLike<number>;
  shape: number[];
}

export interface LayerRun {
  ys: Float32Array[];
  shapes: number[][];
  /** The masks forward made for the outputs, or null (undefined when it left them to computeMask). */
  masks: (Float32Array | null)[] | undefined;
  /** dL/d(input) per input given dys (null where the layer gave none). */
  dxs: (Float32Array | null)[];
}

/** Builds `layer` for the inputs' shapes (batch axis free), runs forward, and backward from `dys` when given. */
export function runLayer(engine: Engine, layer: wl.Layer, inputs: HostArray[], { masks, dys }: { masks?: (HostArray | null)[]; dys?: ArrayLike<number>[] } = {}): LayerRun {
  layer.buildFor(inputs.map((x) => [null, ...x.shape.slice(1)]));
  const scratch = new Scratch(engine);
  try {
    const xs = inputs.map((x) => scratch.from(Float32Array.from(x.data), x.shape));
    const ms = inputs.map((_, i) => (masks?.[i] ? scratch.from(Float32Array.from(masks[i]!.data), masks[i]!.shape) : null));
    const { outputs, cache, masks: made } = layer.forward(xs, { engine, scratch, training: dys != null, masks: ms, stateSums: null, noise: null });
    const ys = outputs.map((y) => engine.read(y.ptr, y.size));
    const outMasks = made?.map((m) => (m ? engine.read(m.ptr, m.size) : null));
    let dxs: (Float32Array | null)[] = [];
    if (dys) {
      const grads = layer.backward(outputs.map((y, i) => scratch.from(Float32Array.from(dys[i]), y.shape)), cache, {
        engine, scratch, gradients: new Map(), needInputGradients: inputs.map(() => true), logitsGradient: false,
      }) as (DeviceTensor | null)[];
      dxs = grads.map((g) => (g ? engine.read(g.ptr, g.size) : null));
    }
    return { ys, shapes: outputs.map((y) => [...y.shape]), masks: outMasks, dxs };
  } finally {
    scratch.release();
  }
}
