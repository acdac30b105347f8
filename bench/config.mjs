// What is measured and how often: shared by the parent (run.mjs) and every stack process.

/** The seed workload of shared/SPEC.md §1. */
export const SEED = {
  inputSize: 15,
  maxLen: 64,
  hidden: 16,
  outputSize: 8,
  samples: 1000,
  batchSize: 128,
  // predict runs the 1000 samples as one batch on every stack (not the default of 32).
  predictBatchSize: 1000,
};

export const MODELS = ['model1', 'model2', 'model3'];

/**
 * The speed issue's larger workload: GRU(256, returnSequences) on (64, 64) → TimeDistributed(Dense(64))
 * → softmax, batch 256. Ours trains epochs of 2048 samples on 2 workers; TensorFlow.js, at ~15
 * samples/s here, epochs of 256 samples (one step each).
 */
export const GRU256 = { units: 256, steps: 64, features: 64, outputs: 64, batchSize: 256, samples: 2048, peerSamples: 256, workers: 2 };

/**
 * The matrix-product flops of one training sample of the GRU(256) workload (2 per multiply-add):
 * forward x·W, h·U per step and the Dense, then their gradients (dW, dU, dh·Uᵀ, the Dense's dW and
 * dx; the GRU's dx is not needed). Gate math, softmax and the optimizer are left out (a few %).
 * 94.4 MFLOP at (64, 64) → GRU(256) → Dense(64).
 */
export function gru256TrainingFlops({ units: u, steps: t, features: f, outputs: c }) {
  return 2 * t * (2 * f * 3 * u + 3 * u * 3 * u + 3 * u * c);
}

/** Square f32 matrix multiply sizes (M = N = K). */
export const GEMM_SIZES = [128, 256, 512, 1024];

/** The stacks (in sampling order): the script, its arguments, and a label. */
export const STACKS = {
  // the library's default (workers: 'auto': this thread and a worker here for the seed steps and
  // predict), and the same code on the calling thread only; the GEMM part is one thread for every stack
  ours: { script: 'stack-ours.mjs', args: ['--workers', 'auto'], label: "ours (wasm-layers, workers: 'auto')" },
  'ours-1t': { script: 'stack-ours.mjs', args: ['--workers', '0'], label: 'ours on one thread (workers: 0)', parts: ['models'] },
  // Node 20 validates relaxed SIMD only behind a V8 flag, which ready({ enableRelaxedSimdFlag: true })
  // sets; Node ≥ 22, Chrome ≥ 114 and Deno run this build by default (the FMA kernels): reported in
  // its own table, the targets use the default build
  'ours-relaxed': {
    script: 'stack-ours.mjs', args: ['--workers', 'auto', '--stack', 'ours-relaxed'],
    label: "ours, relaxed-SIMD build (workers: 'auto'; ready({ variant: 'relaxed-simd', enableRelaxedSimdFlag: true }))",
  },
  'tfjs-wasm': { script: 'stack-tfjs.mjs', args: ['--backend', 'wasm'], label: 'TensorFlow.js 4.22, wasm backend (1 thread)' },
  'tfjs-cpu': { script: 'stack-tfjs.mjs', args: ['--backend', 'cpu'], label: 'TensorFlow.js 4.22, cpu backend' },
};

// Warm-up and timed runs per stack; gemmRuns per size; gru256Runs epochs of the GRU(256) part (a stack
// without it skips that part). Every figure is a median of ≥ 5 timed runs, except tfjs-cpu's 1024 GEMM
// (3 runs of ~4 s each) and tfjs-wasm's GRU(256) steps (3 of ~15-20 s each, spread over ours' 5
// rounds). tfjs-cpu dominates the run time (5–13 s per seed epoch depending on the machine), so it gets
// the minimum: 1 warm-up + 5 timed runs.
const gemmRuns = (small, at1024 = small) => ({ 128: small, 256: small, 512: small, 1024: at1024 });
const FULL = {
  ours: { warmup: 2, epochRuns: 15, predictRuns: 15, gemmRuns: gemmRuns(15), gru256Runs: 5 },
  'ours-1t': { warmup: 2, epochRuns: 15, predictRuns: 15, gemmRuns: gemmRuns(15) },
  'ours-relaxed': { warmup: 2, epochRuns: 9, predictRuns: 9, gemmRuns: gemmRuns(9), gru256Runs: 5 },
  'tfjs-wasm': { warmup: 1, epochRuns: 5, predictRuns: 7, gemmRuns: gemmRuns(9), gru256Runs: 3 },
  'tfjs-cpu': { warmup: 1, epochRuns: 5, predictRuns: 5, gemmRuns: gemmRuns(5, 3) },
};

// --quick: for development only (fewer runs than a reported median needs; tfjs-cpu skipped).
const QUICK = {
  ours: { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
  'ours-1t': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
  'ours-relaxed': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
  'tfjs-wasm': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
};

/** The run counts for a stack, or null when the mode skips it. */
export function planFor(stack, quick) {
  return (quick ? QUICK : FULL)[stack] ?? null;
}
