// Not part of `npm run bench`: the Dot and Concatenate layers' forward+backward on attention shapes
// ((64, 20, 128) operands, best of 50, a fresh scratch each run), with Dense(128) on (64, 20, 256)
// for scale. Reads the built library's internals (npm run build:ts first).
//   node bench/merging-dot.mjs
import * as wl from '../dist/index.js';
import { Engine } from '../dist/backend/engine.js';
import { Scratch } from '../dist/ops/device-tensor.js';
const engine = await Engine.create();
const [B, T1, T2, U] = [64, 20, 20, 128];
function time(label, layer, shapes, flops, reps = 50) {
  layer.buildFor(shapes.map((s) => [null, ...s.slice(1)]));
  const data = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => Math.random() - 0.5));
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const scratch = new Scratch(engine);
    const xs = shapes.map((s, i) => scratch.from(data[i], s));
    const t0 = performance.now();
    const { outputs, cache } = layer.forward(xs, { engine, scratch, training: true, masks: xs.map(() => null), stateSums: null, noise: null });
    layer.backward(outputs, cache, { engine, scratch, gradients: new Map(), needInputGradients: xs.map(() => true), logitsGradient: false });
    best = Math.min(best, performance.now() - t0);
    scratch.release();
  }
  console.log(`${label}: ${best.toFixed(3)} ms fwd+bwd${flops ? `, ${(flops / best / 1e6).toFixed(1)} GFLOP/s` : ''}`);
}
time(`Dot([2,2]) (${B},${T1},${U})·(${B},${T2},${U})`, wl.layers.dot({ axes: [2, 2] }), [[B, T1, U], [B, T2, U]], 3 * 2 * B * T1 * T2 * U);
time(`Dot([2,1]) (${B},${T1},${T2})·(${B},${T2},${U})`, wl.layers.dot({ axes: [2, 1] }), [[B, T1, T2], [B, T2, U]], 3 * 2 * B * T1 * T2 * U);
time(`Dot([2,2], normalize)`, wl.layers.dot({ axes: [2, 2], normalize: true }), [[B, T1, U], [B, T2, U]], 0);
time(`Concatenate (${B},${T1},${U})+(${B},${T1},${U})`, wl.layers.concatenate(), [[B, T1, U], [B, T1, U]], 0);
time(`Dense(${U}) on (${B},${T1},${2 * U}), for scale`, wl.layers.dense({ units: U }), [[B, T1, 2 * U]], 3 * 2 * B * T1 * 2 * U * U);
