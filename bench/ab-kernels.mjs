// Paired kernel timings between two builds of the kernel module, in one process: each build runs
// the same kernels on the same data, the builds alternating sample by sample (this VM's speed drifts
// within seconds, so only side-by-side samples compare), and every output is checked for equality.
// Times are per call, medians of 40 samples of ≥ 10 ms each.
//
//   node bench/ab-kernels.mjs <base.wasm> [new.wasm = build/kernels-simd.wasm]
//
// Keep a copy of build/kernels-simd.wasm before a kernel change, rebuild (`npm run build:wasm`),
// then run this with the copy as base. Cases: the small GRU's forward kernel on the seed's shapes
// (u = 16, F = 15, T = 64) for inference (84 rows, one predict pass) and training (128 rows), with
// tfjs's (hard sigmoid, tanh) and Keras's (sigmoid, tanh, reset_after) activations; the packed GRU's
// forward (u = 256, 128 rows, T = 32); softmax over rows of 8; GEMMs (square, and the GRU(256)
// step's input projection and a weight gradient with A transposed). AB_ONLY=<text> keeps only the
// cases whose name contains the text. Prints the medians and the median of
// the paired ratios (base / new: above 1 means the new build is faster).
import { readFileSync } from 'node:fs';
import { Engine } from '../dist/backend/engine.js';
import { rng, uniform } from './data.mjs';

const SAMPLES = 40;
const MIN_SAMPLE_MS = 10;
const [basePath, newPath = new URL('../build/kernels-simd.wasm', import.meta.url)] = process.argv.slice(2);
/** AB_ONLY=text: only the cases whose name contains it. */
const only = process.env.AB_ONLY;
if (!basePath) {
  console.error('usage: node bench/ab-kernels.mjs <base.wasm> [new.wasm]');
  process.exit(2);
}
const builds = {
  base: await Engine.create({ variant: 'simd', wasm: { simd: readFileSync(basePath) } }),
  new: await Engine.create({ variant: 'simd', wasm: { simd: readFileSync(newPath) } }),
};

const HARD_TANH = { recAct: 3, act: 4, flags: 0 };
const KERAS = { recAct: 2, act: 4, flags: 4 }; // reset_after
const RETURN_SEQUENCES = 1, INFERENCE = 8, ZERO_STATE = 16;

/** A case: `setup(engine, data)` allocates its buffers and returns { run, outputs }. */
function gruSmall(name, rows, training, acts) {
  const [T, F, u] = [64, 15, 16];
  const kept = training ? T : 1;
  return {
    name,
    data: { x: [rows * T * F], W: [F * 3 * u], bias: [6 * u], U: [u * 3 * u] },
    setup(e, d) {
      const k = e.kernels;
      const [hs, g, ax, out] = [(kept + 1) * rows * u, kept * rows * 3 * u, kept * rows * u, rows * T * u].map((n) => zeros(e, n));
      const flags = RETURN_SEQUENCES | ZERO_STATE | acts.flags | (training ? 0 : INFERENCE);
      return {
        run: () => k.f32_gru_fwd_small(rows, T, u, F, d.x, d.W, d.bias, d.U, hs, g, ax, out, 0, 0, flags, acts.recAct, acts.act),
        // inference's gates and aux are scratch; training keeps them for backward
        outputs: () => [out, hs, ...(training ? [g, ax] : [])].map((p) => e.read(p, sizes.get(p))),
      };
    },
  };
}

function gruPacked(name, acts) {
  const [B, T, u] = [128, 32, 256];
  return {
    name,
    data: { xproj: [T * B * 3 * u], U: [u * 3 * u], bias: [3 * u] },
    setup(e, d) {
      const k = e.kernels;
      const [hs, g, ax, out, work] = [(T + 1) * B * u, T * B * 3 * u, T * B * u, B * T * u, k.gru_fwd_work_floats(B, u)].map((n) => zeros(e, n));
      const flags = RETURN_SEQUENCES | ZERO_STATE | acts.flags;
      return {
        run: () => k.f32_gru_seq_fwd(B, T, u, d.xproj, d.U, acts.flags ? d.bias : 0, hs, g, ax, out, 0, work, flags, acts.recAct, acts.act, 0, 0),
        outputs: () => [out, hs, g, ax].map((p) => e.read(p, sizes.get(p))),
      };
    },
  };
}

/** C (m × n) = op(A)·B through f32_gemm; `transposeA`: A stored (k × m), as the weight gradients' Xᵀ·dG. */
function gemm(name, m, n, k, transposeA = false) {
  return {
    name,
    data: { a: [m * k], b: [k * n] },
    setup(e, d) {
      const c = zeros(e, m * n);
      const [rsa, csa] = transposeA ? [1, m] : [k, 1];
      return { run: () => e.kernels.f32_gemm(m, n, k, d.a, rsa, csa, d.b, n, c, n, 0, 0, 0), outputs: () => [e.read(c, m * n)] };
    },
  };
}

function softmax(name, rows, n) {
  return {
    name,
    data: { x: [rows * n, 10] },
    setup(e, d) {
      const y = zeros(e, rows * n);
      return { run: () => e.kernels.f32_softmax_rows(rows, n, d.x, y), outputs: () => [e.read(y, rows * n)] };
    },
  };
}

const sizes = new Map(); // pointer → floats, for reading outputs back
function zeros(e, n) {
  const p = e.allocF32(n);
  e.write(p, new Float32Array(n));
  sizes.set(p, n);
  return p;
}

const cases = [
  gruSmall('small GRU inference, 84 rows, hard sigmoid / tanh', 84, false, HARD_TANH),
  gruSmall('small GRU inference, 84 rows, sigmoid / tanh reset_after', 84, false, KERAS),
  gruSmall('small GRU training, 128 rows, hard sigmoid / tanh', 128, true, HARD_TANH),
  gruSmall('small GRU training, 128 rows, sigmoid / tanh reset_after', 128, true, KERAS),
  gruPacked('packed GRU forward u=256, hard sigmoid / tanh', HARD_TANH),
  gruPacked('packed GRU forward u=256, sigmoid / tanh reset_after', KERAS),
  softmax('softmax, 5377 rows of 8', 5377, 8),
  gemm('GEMM seed Dense(8), 5376 × 8 × 16', 5376, 8, 16),
  gemm('GEMM 256 × 256 × 256', 256, 256, 256),
  gemm('GEMM 512 × 512 × 512', 512, 512, 512),
  gemm('GEMM GRU(256) input projection, 4096 × 768 × 64', 4096, 768, 64),
  gemm('GEMM GRU(256) weight gradient Hᵀ·dG, 256 × 512 × 4096', 256, 512, 4096, true),
].filter((c) => !only || c.name.includes(only));

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const c of cases) {
  const random = rng(7);
  const data = Object.fromEntries(Object.entries(c.data).map(([key, [n, scale = 0.4]]) => [key, uniform(n, random, -scale / 2, scale / 2)]));
  const runs = {};
  for (const [build, e] of Object.entries(builds)) {
    const d = Object.fromEntries(Object.entries(data).map(([key, values]) => {
      const p = e.allocF32(values.length);
      e.write(p, values);
      return [key, p];
    }));
    runs[build] = c.setup(e, d);
  }
  // warm up past V8's baseline tier, then enough calls per sample for ≥ 10 ms
  for (let i = 0; i < 3; i++) for (const build of ['base', 'new']) runs[build].run();
  const t0 = performance.now();
  runs.base.run();
  const reps = Math.max(1, Math.ceil(MIN_SAMPLE_MS / (performance.now() - t0)));
  const times = { base: [], new: [] };
  for (let i = 0; i < SAMPLES; i++) {
    for (const build of i & 1 ? ['new', 'base'] : ['base', 'new']) {
      const start = performance.now();
      for (let r = 0; r < reps; r++) runs[build].run();
      times[build].push((performance.now() - start) / reps);
    }
  }
  const [a, b] = [runs.base.outputs(), runs.new.outputs()];
  const differing = a.reduce((n, values, j) => n + values.filter((v, i) => !Object.is(v, b[j][i])).length, 0);
  const paired = median(times.base.map((t, i) => t / times.new[i]));
  console.log(`${c.name}: base ${median(times.base).toFixed(2)} ms, new ${median(times.new).toFixed(2)} ms, paired base/new ${paired.toFixed(3)}, differing outputs ${differing}`);
}
