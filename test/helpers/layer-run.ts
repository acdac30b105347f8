/**
 * One layer's forward and backward on an engine outside a model — with gradient slots for its
 * trainable weights and state slots for its state variables — returning host copies; the check of a
 * layer against a float64 reference and finite differences; a fit in process against one on 2 workers.
 */
import { expect } from 'vitest';
import type * as wl from '../../src/index.js';
import type { Engine } from '../../src/backend/engine.js';
import type { Layer } from '../../src/layers/layer.js';
import type { LayerVariable } from '../../src/layers/variable.js';
import { Scratch, type DeviceTensor } from '../../src/ops/device-tensor.js';
import { dot, numericGradientAt } from '../reference/finite-difference.js';
import { expectClose } from './compare.js';
import { uniform } from './rng.js';

export interface HostArray {
  data: ArrayLike<number>;
  shape: number[];
}

export interface InputsRun {
  ys: Float32Array[];
  shapes: number[][];
  /** The masks forward made for the outputs, or null (undefined when it left them to computeMask). */
  masks: (Float32Array | null)[] | undefined;
  /** dL/d(input) per input given dys (null where the layer gave none; empty without dys). */
  dxs: (Float32Array | null)[];
  /** Each trainable weight's gradient, by weight name's last part ('gamma', 'beta', ...). */
  grads: Map<string, Float32Array>;
  /** Each state variable's slot after the forward, by name's last part. */
  states: Map<string, Float32Array>;
}

const lastPart = (name: string) => name.split('/').pop()!;

/**
 * Builds `layer` for the inputs' shapes, runs forward on them (with their masks), and backward from
 * `dys` when given; `training` defaults to whether dys are given.
 */
export function runInputs(
  engine: Engine, layer: Layer, inputs: HostArray[], o: { training?: boolean; masks?: (HostArray | null)[]; dys?: ArrayLike<number>[] } = {},
): InputsRun {
  layer.buildFor(inputs.map((x) => x.shape));
  const training = o.training ?? o.dys != null;
  const scratch = new Scratch(engine);
  try {
    const slots = (vars: readonly LayerVariable[]) => new Map(vars.map((v) => [v, scratch.zeros([v.size]).ptr]));
    const gradients = slots(layer.trainableWeights);
    const stateSums = slots(layer.stateVariables);
    const xs = inputs.map((x) => scratch.from(Float32Array.from(x.data), x.shape));
    const ms = inputs.map((_, i) => (o.masks?.[i] ? scratch.from(Float32Array.from(o.masks[i]!.data), o.masks[i]!.shape) : null));
    const { outputs, cache, masks: made } = layer.forward(xs, { engine, scratch, training, masks: ms, stateSums: training ? stateSums : null, noise: null });
    const ys = outputs.map((y) => engine.read(y.ptr, y.size));
    const masks = made?.map((m) => (m ? engine.read(m.ptr, m.size) : null));
    const states = new Map([...stateSums].map(([v, ptr]) => [lastPart(v.name), engine.read(ptr, v.size)]));
    const shapes = outputs.map((y) => [...y.shape]);
    if (!o.dys) return { ys, shapes, masks, dxs: [], grads: new Map(), states };
    const dIn = layer.backward(outputs.map((y, i) => scratch.from(Float32Array.from(o.dys![i]), y.shape)), cache, {
      engine, scratch, gradients, needInputGradients: inputs.map(() => true), logitsGradient: false,
    }) as (DeviceTensor | null)[];
    const grads = new Map([...gradients].map(([v, ptr]) => [lastPart(v.name), engine.read(ptr, v.size)]));
    return { ys, shapes, masks, dxs: dIn.map((g) => (g ? engine.read(g.ptr, g.size) : null)), grads, states };
  } finally {
    scratch.release();
  }
}

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

/** runInputs for a layer of one input and one output. */
export function runLayer(engine: Engine, layer: Layer, x: ArrayLike<number>, shape: number[], o: LayerRunOptions): LayerRun {
  const run = runInputs(engine, layer, [{ data: x, shape }], { training: o.training, masks: [o.mask ?? null], dys: o.dy ? [o.dy] : undefined });
  return { y: run.ys[0], dx: run.dxs[0] ?? null, grads: run.grads, states: run.states };
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
  const run = runInputs(engine, layer, inputs, { masks: inputs.map((x) => x.mask ?? null), dys: [w] });
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
