/**
 * One layer's forward and backward on the wasm engine, outside any model: inputs (and masks) in,
 * host copies of the outputs, the output masks and the input gradients out; the check of a layer
 * against a float64 reference and finite differences; a fit in process against one on 2 workers.
 */
import { expect } from 'vitest';
import type * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { dot, numericGradientAt } from '../reference/finite-difference.js';
import { expectClose } from './compare.js';
import { uniform } from './rng.js';

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

export interface ReferenceArray {
  data: Float64Array;
  shape: number[];
}

const rms = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0) / Math.max(a.length, 1));

/**
 * Runs `layer` on the inputs (with their masks) and checks its output against `ref` (float64) and
 * every input's gradient against central finite differences of Σ w ⊙ ref(inputs) for a random
 * cotangent w: at every element of a small input, at 48 sampled elements of a larger one. The
 * gradients must not all be trivially zero.
 */
export function expectLayerMatchesReference<I extends ReferenceArray & { mask?: ReferenceArray | null }>(
  engine: Engine, rng: () => number, layer: wl.Layer, inputs: I[], ref: (xs: I[]) => ReferenceArray, label: string,
): void {
  const expected = ref(inputs);
  const w = uniform(rng, expected.data.length);
  const run = runLayer(engine, layer, inputs, { masks: inputs.map((x) => x.mask ?? null), dys: [w] });
  expect(run.shapes[0], `${label}: output shape`).toEqual(expected.shape);
  expectClose(run.ys[0], expected.data, { tol: 1e-5, scale: rms(expected.data), label: `${label}: output` });
  let total = 0;
  inputs.forEach((x, i) => {
    const n = x.data.length;
    const at = n <= 200 ? Array.from({ length: n }, (_, k) => k) : Array.from({ length: 48 }, () => Math.floor(rng() * n));
    const fd = numericGradientAt(() => dot(w, ref(inputs).data), x.data, at, 1e-5);
    total += rms(fd);
    expectClose(at.map((k) => run.dxs[i]![k]), fd, { tol: 1e-5, scale: rms(fd), label: `${label}: d input ${i}` });
  });
  expect(total, `${label}: the gradients are not trivially zero`).toBeGreaterThan(1e-3);
}

/** Fits a fresh `build()` in process and on 2 workers; the weights must agree within 1e-5. Returns them (in-process first). */
export async function expectFitSameOnWorkers(build: () => wl.LayersModel, x: wl.Tensor | wl.Tensor[], y: wl.Tensor, options: { epochs: number; batchSize: number }): Promise<Float32Array[][]> {
  const weights: Float32Array[][] = [];
  for (const workers of [0, 2]) {
    const model = build();
    await model.fit(x, y, { ...options, shuffle: false, verbose: 0, workers });
    weights.push(model.getWeights().map((w) => w.dataSync() as Float32Array));
    await model.dispose();
  }
  weights[0].forEach((w, k) => expectClose(weights[1][k], w, { tol: 1e-5, scale: 1e-3, label: `weight ${k}, workers 2 vs 0` }));
  return weights;
}
