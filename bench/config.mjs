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

/**
 * The sequence-layers part (issue 25's targets), ours and tfjs-wasm:
 * - lstm256: LSTM(256, returnSequences) on (64, 64) → TimeDistributed(Dense(64)) → softmax, batch 256,
 *   training — GRU256's shape with an LSTM. Ours: epochs of `samples` on `workers` workers; tfjs-wasm
 *   (~11 samples/s here): one step of `peerSamples` per sample.
 * - lstm16: the seed's model1 with LSTM(16) in place of its GRU: (64, 15) → TimeDistributed(Dense(8)) →
 *   softmax, 1000 samples, batch 128, rmsprop (SEED), one epoch; ours on workers 'auto' like the seed models.
 * - rnn256 (ours): GRU(256), SimpleRNN(256) and Bidirectional(GRU(256), concat) in GRU256's shape,
 *   epochs of `samples` taken in turn in every round, so their ratios come from the same minutes.
 * - lstm256Variants (ours): LSTM(256) plain, behind a Masking layer (each row's last 0–`maskedMax`
 *   steps set to the mask value: 25% of the steps on average), and with dropout `dropout`; in turn.
 * - sentiment (issue 26): Embedding(10000, 128) → LSTM(64) → Dense(1, sigmoid) over int32 ids of 100
 *   steps, batch 128, binaryCrossentropy + adam, training. Ours: epochs of `samples` on `workers`
 *   workers, in turn with epochs of as many samples of the GRU(256) workload (GRU256), the issue's
 *   yardstick, so their ratio comes from the same minutes. tfjs runs one step of `peerSamples` first, to see whether it can train the model (the
 *   warm-up): tfjs-wasm cannot (no UnsortedSegmentSum kernel for the Embedding's gradient), tfjs-cpu
 *   then times one more such step (its UnsortedSegmentSum loops over the 10000 rows with whole-batch
 *   ops: ~16 s per sample here, 4 s more per step).
 * - textConv (issue 26): Embedding(10000, 50) → Conv1D(250, 3, relu) → GlobalMaxPooling1D →
 *   Dense(1, sigmoid) over ids of 500 steps, batch 128, as sentiment (tfjs-wasm: no
 *   Conv2DBackpropFilter either).
 * - embeddingVocab (ours): the sentiment model with a `vocabs[0]`-row and a `vocabs[1]`-row
 *   Embedding on the same ids (all below `ids`), in turn, with plain SGD and with adam: the backward
 *   and the gradient bookkeeping touch only the rows present, so with SGD (whose update of a row
 *   without gradient is the identity) the epochs should take about as long; adam updates every row
 *   of the table each step (its moments decay), as Keras's dense math does, which costs the larger
 *   table more.
 * Every recurrent layer uses tfjs's math (recurrentActivation hard_sigmoid; GRU reset_after=false;
 * LSTM unitForgetBias false, which only sets the initial forget bias). Ids are uniform in [1, ids),
 * labels random 0/1 (data.mjs idsData); ours also trains the sentiment model, in the same rounds, on
 * text-like ids (Zipf ranks, data.mjs zipfIdsData), where ids repeat as words do: native Keras's
 * cost does not depend on which ids come, ours does (a recurrent layer after an Embedding projects
 * each distinct id of a chunk once).
 */
export const SEQUENCE = {
  lstm256: { units: 256, steps: 64, features: 64, outputs: 64, batchSize: 256, samples: 2048, peerSamples: 256, workers: 2 },
  rnn256: { units: 256, steps: 64, features: 64, outputs: 64, batchSize: 256, samples: 1024, workers: 2 },
  lstm256Variants: { units: 256, steps: 64, features: 64, outputs: 64, batchSize: 256, samples: 1024, workers: 2, maskedMax: 32, dropout: 0.2 },
  sentiment: { vocab: 10000, ids: 10000, outputDim: 128, units: 64, steps: 100, batchSize: 128, samples: 1024, peerSamples: 1, workers: 2 },
  textConv: { vocab: 10000, ids: 10000, outputDim: 50, filters: 250, kernelSize: 3, steps: 500, batchSize: 128, samples: 1024, peerSamples: 1, workers: 2 },
  embeddingVocab: { vocabs: [10000, 100000], ids: 10000, outputDim: 128, units: 64, steps: 100, batchSize: 128, samples: 1024, workers: 2 },
};

/** The sequence part's peer figures measured outside `npm run bench` (shared/PEERS.md, 2026-12-07, this kind of machine). */
export const SEQUENCE_PEERS = {
  lstm256: { kerasTf: 807, kerasJax: 405, tfjsWasm: 11.4 }, // samples/s
  lstm16: { kerasJax: 64, kerasTf: 202, tfjsWasm: 1215 }, // ms per epoch
  sentiment: { kerasTf: 2581, kerasJax: 938 }, // samples/s; tfjs-wasm cannot train it, tfjs-cpu < 1 sample/s
  textConv: { kerasTf: 1101, kerasJax: 262 }, // samples/s; likewise
};

/** Issue 25's targets for the sequence part. */
export const SEQUENCE_TARGETS = {
  lstm256VsTfjsWasm: 70, // ≥ 70× tfjs-wasm's samples/s, same run
  lstm16EpochMs: 32, // ≤ 32 ms per epoch (2× Keras 3 + JAX's 64 ms)
  biGruVsGru: 2.1, // Bidirectional(GRU(256)) epoch ≤ 2.1× GRU(256)'s
  simpleRnnVsGru: 1.5, // SimpleRNN(256) ≥ 1.5× GRU(256)'s samples/s
  variantVsPlain: 1.15, // masked or dropout LSTM(256) epoch ≤ 1.15× the plain one
  // issue 26: against our GRU(256) samples/s in the same rounds (GRU256's workload), and against
  // native Keras 3 + TF's (PEERS.md)
  sentimentVsGru: 3.3, // ≥ 3.3× (Keras 3 + TF: 2581 / 784)
  sentimentVsKerasTf: 1, // ≥ 1×
  textConvVsGru: 0.7, // ≥ 0.7×
  textConvVsKerasTf: 0.5, // ≥ 0.5×
  vocabLargeVsSmall: 1.2, // the 100000-row Embedding's epoch ≤ 1.2× the 10000-row one's (plain SGD: see embeddingVocab)
};

/** Issue 27's targets for the api part (api-cases.mjs), against tfjs-wasm in the same run. */
export const API_TARGETS = {
  generateVsTfjsWasm: 10, // the one-sample predict loop: ≥ 10× tfjs-wasm's calls/s
  opsMixVsTfjsWasm: 1, // the 1M-element mix: ≥ tfjs-wasm's throughput
  opsAddVsTfjsWasm: 1, // add on [128, 16]: per-call cost no worse than tfjs-wasm's
  predictSyncMs: 10, // seed model1 predict(1000), synchronous: ≤ 10 ms
};

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

// Warm-up and timed runs per stack; gemmRuns per size; gru256Runs epochs of the GRU(256) part, seqRuns
// samples per case of the sequence part (a stack without them skips that part or case). Every figure is a median of ≥ 5 timed runs, except tfjs-cpu's 1024 GEMM
// (3 runs of ~4 s each) and tfjs-wasm's GRU(256) steps (3 of ~15-20 s each, spread over ours' 5
// rounds). tfjs-cpu dominates the run time (5–13 s per seed epoch depending on the machine), so it gets
// the minimum: 1 warm-up + 5 timed runs.
const gemmRuns = (small, at1024 = small) => ({ 128: small, 256: small, 512: small, 1024: at1024 });
// seqRuns: timed samples per case of the sequence part (SEQUENCE); a group case (rnn256,
// lstm256Variants, embeddingVocab, and ours' sentiment and textConv with their GRU(256)) takes one
// epoch of each member per sample. tfjs-wasm's LSTM(256)
// samples are single steps of ~20-25 s each, so it gets 2 (after one warm-up step). The text
// classifiers (sentiment, textConv): tfjs-wasm tries one step and reports that it cannot train them;
// tfjs-cpu times one step of one sample after its trial step (~20 and ~35 s each).
const FULL = {
  ours: {
    warmup: 2, epochRuns: 15, predictRuns: 15, gemmRuns: gemmRuns(15), gru256Runs: 5,
    seqRuns: { lstm256: 5, lstm16: 15, rnn256: 5, lstm256Variants: 5, sentiment: 5, textConv: 5, embeddingVocab: 5 },
    apiRuns: { generate: 9, opsMix: 15, opsAdd: 9, predictSync: 15 },
  },
  'ours-1t': { warmup: 2, epochRuns: 15, predictRuns: 15, gemmRuns: gemmRuns(15) },
  'ours-relaxed': { warmup: 2, epochRuns: 9, predictRuns: 9, gemmRuns: gemmRuns(9), gru256Runs: 5 },
  'tfjs-wasm': { warmup: 1, epochRuns: 5, predictRuns: 7, gemmRuns: gemmRuns(9), gru256Runs: 3, seqRuns: { lstm256: 2, lstm16: 5, sentiment: 1, textConv: 1 }, apiRuns: { generate: 7, opsMix: 15, opsAdd: 9 } },
  'tfjs-cpu': { warmup: 1, epochRuns: 5, predictRuns: 5, gemmRuns: gemmRuns(5, 3), seqRuns: { sentiment: 1, textConv: 1 }, apiRuns: { generate: 3, opsMix: 5, opsAdd: 5 } },
};

// --quick: for development only (fewer runs than a reported median needs; tfjs-cpu skipped; in the
// sequence part tfjs-wasm runs the seed-shape LSTM(16) only, not its ~25 s LSTM(256) steps, and tries
// a step of each text classifier).
const QUICK = {
  ours: { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3), seqRuns: { lstm256: 1, lstm16: 3, rnn256: 1, lstm256Variants: 1, sentiment: 2, textConv: 1, embeddingVocab: 1 }, apiRuns: { generate: 3, opsMix: 3, opsAdd: 3, predictSync: 3 } },
  'ours-1t': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
  'ours-relaxed': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3) },
  'tfjs-wasm': { warmup: 1, epochRuns: 3, predictRuns: 3, gemmRuns: gemmRuns(3), seqRuns: { lstm16: 3, sentiment: 1, textConv: 1 }, apiRuns: { generate: 3, opsMix: 3, opsAdd: 3 } },
};

/** The run counts for a stack, or null when the mode skips it. */
export function planFor(stack, quick) {
  return (quick ? QUICK : FULL)[stack] ?? null;
}
