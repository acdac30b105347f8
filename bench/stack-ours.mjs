// Stack process: wasm-layers (this repository's dist/), with fit and predict on `--workers` ('auto',
// the library's default, or a count; 0 keeps them on this thread). GEMM is always one thread; the
// GRU(256) epochs and the sequence part's 256-unit models run on the workload's 2 workers.
// Run by hand: node --expose-gc bench/stack-ours.mjs --part models|gemm|gru256|sequence|api [--workers auto|N] [--stack name] [--quick]
import { parseArgs } from 'node:util';
import * as wl from 'wasm-layers';
import { Engine } from '../dist/backend/engine.js';
import { SEED, planFor } from './config.mjs';
import { microkernelProbe } from './ceiling.mjs';
import { seedData, uniform } from './data.mjs';
import { seedModel } from './models.mjs';
import { oursGru256, oursSequence } from './sequence-ours.mjs';
import { gemmError } from './gemm-check.mjs';
import { serve } from './stack-server.mjs';
import { PARTS } from './workload.mjs';
import { apiCase } from './api-cases.mjs';

const { values: opts } = parseArgs({
  options: {
    part: { type: 'string', default: 'models' }, quick: { type: 'boolean', default: false },
    workers: { type: 'string', default: 'auto' },
    stack: { type: 'string' },
  },
});
if (!PARTS.includes(opts.part)) throw new Error(`--part must be one of ${PARTS.join(', ')}`);
const workers = opts.workers === 'auto' ? 'auto' : Number(opts.workers);
if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 0)) throw new Error(`--workers must be 'auto' or a count, got ${opts.workers}`);
const stackName = opts.stack ?? (workers === 0 ? 'ours-1t' : 'ours');

wl.setSeed(42);
// ours-relaxed asks for the FMA build; on Node 20 the library turns V8's relaxed-SIMD flag on for it
const { variant } = await wl.ready(stackName === 'ours-relaxed' ? { variant: 'relaxed-simd', enableRelaxedSimdFlag: true } : {});

// The seed's Keras 2 GRU: reset_after=false, hard_sigmoid — the same math as tfjs's GRU.
const model = (kind) => seedModel(wl, kind);

// The internal kernel (there is no public matmul op): C = A·B, row-major, no bias, no activation.
let gemmEngine = null; // its own memory, apart from the models' engine
async function gemm(n, random) {
  const e = (gemmEngine ??= await Engine.create());
  const [a, b, c] = [e.allocF32(n * n), e.allocF32(n * n), e.allocF32(n * n)];
  const [av, bv] = [uniform(n * n, random, -1, 1), uniform(n * n, random, -1, 1)];
  e.write(a, av);
  e.write(b, bv);
  const run = () => e.kernels.f32_gemm(n, n, n, a, n, 1, b, n, c, n, 0, 0, 0);
  return {
    run,
    check: () => (run(), gemmError(av, bv, e.read(c, n * n), n)),
    dispose: () => [a, b, c].forEach((p) => e.release(p)),
  };
}

const probes = {}; // the microkernel ceiling of the build this process runs, per thread count, made on first use

const adapter = {
  info: { name: stackName, kernels: variant, node: process.version, workers },
  tensors: ({ x, y1, y2 }) => ({
    x: wl.tensor(x.values, x.shape), y1: wl.tensor(y1.values, y1.shape), y2: wl.tensor(y2.values, y2.shape),
  }),
  model,
  fit: async (m, x, y) => (await m.fit(x, y, { batchSize: SEED.batchSize, epochs: 1, verbose: 0, workers })).history.loss[0],
  predict: async (m, x) => (await m.predictAsync(x, { batchSize: SEED.predictBatchSize, workers })).dataSync(),
  gemm,
  // GRU(256) with tfjs's GRU math too (reset_after=false, hard_sigmoid), on 2048 samples per epoch
  gru256: async () => oursGru256(wl),
  sequence: async (kind) => oursSequence(wl, kind, workers),
  // issue 27's cases, and the seed model1's synchronous predict of 1000 samples (one batch)
  api: async (kind) => {
    if (kind !== 'predictSync') return apiCase(wl, wl, kind);
    const m = model('model1');
    const { x } = seedData();
    const xt = wl.tensor(x.values, x.shape);
    return { per: 1, fn: () => m.predict(xt, { batchSize: SEED.predictBatchSize }).dataSync() };
  },
  ceiling: (threads) => (probes[threads] ??= microkernelProbe(variant, threads)),
};

await serve(adapter, planFor(stackName, opts.quick), opts.part);
