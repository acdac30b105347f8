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

/** Square f32 matrix multiply sizes (M = N = K). */
export const GEMM_SIZES = [128, 256, 512, 1024];

/** Stacks in the order they run: the script, its arguments, and a label. */
export const STACKS = {
  ours: { script: 'stack-ours.mjs', args: [], label: 'ours (wasm-layers, workers: 0)' },
  'tfjs-wasm': { script: 'stack-tfjs.mjs', args: ['--backend', 'wasm'], label: 'TensorFlow.js 4.22, wasm backend (1 thread)' },
  'tfjs-cpu': { script: 'stack-tfjs.mjs', args: ['--backend', 'cpu'], label: 'TensorFlow.js 4.22, cpu backend' },
};

// Warm-up and timed runs per stack. tfjs-cpu takes ~4.5 s per seed epoch, so it gets the minimum
// of 5 timed runs to keep the whole bench under ~4 minutes.
const FULL = {
  ours: { warmup: 2, epochRuns: 15, predictRuns: 15, gemmRuns: 20 },
  'tfjs-wasm': { warmup: 1, epochRuns: 7, predictRuns: 7, gemmRuns: 10 },
  'tfjs-cpu': { warmup: 1, epochRuns: 5, predictRuns: 5, gemmRuns: 5 },
};

// --quick: for development only (fewer runs than the ≥ 5 a reported median needs; tfjs-cpu skipped).
const QUICK = {
  ours: { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: 3 },
  'tfjs-wasm': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: 3 },
};

/** The run counts for a stack, or null when the mode skips it. */
export function planFor(stack, quick) {
  return (quick ? QUICK : FULL)[stack] ?? null;
}
