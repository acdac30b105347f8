// The benchmark cases, the same for every stack. Part 'models': the three seed models, one epoch of
// fit and predict; part 'gemm': square matrix products; part 'gru256': the GRU(256) workload's epochs
// (config.mjs GRU256); part 'sequence': LSTM(256), the seed-shape LSTM(16), SimpleRNN(256) and
// Bidirectional(GRU(256)) against GRU(256), masked and dropout LSTM(256) against plain, the text
// classifiers (Embedding → LSTM(64) and Embedding → Conv1D) and the Embedding at two vocabulary
// sizes (config.mjs SEQUENCE); part 'api': issue 27's tfjs-API figures (api-cases.mjs: the one-sample
// predict loop of text generation, the tensor-ops mix and per-call add; ours also its synchronous
// seed predict). Each part runs in its own process per stack (so that training does not leave
// the JIT state GEMM runs in). A stack supplies an adapter:
//   info                         { name, ... } facts about the stack (versions, backend)
//   tensors(data)                the stack's tensors for seedData()
//   model(kind)                  a compiled model1 | model2 | model3
//   fit(model, x, y)             one epoch, batch 128, silent; resolves to the epoch loss
//   predict(model, x)            predictions for all of x, computed (dataSync)
//   gemm(size, random)           (async) { run(), check() -> max relative error, dispose() }
//   gru256()                     (async, stacks in the gru256 part) { samples, threads, fit() -> epoch loss }
//   sequence(kind)               (async, stacks in the sequence part, for the kinds their plan's seqRuns
//                                names) lstm256 | lstm16, and tfjs's sentiment | textConv: { samples,
//                                fit() -> epoch loss, trial? } or { samples, error } when the stack cannot
//                                train the model (then it takes no samples); trial: { ms, loss } of an
//                                epoch the adapter ran to see whether it can train, which is then the
//                                warm-up and first epoch;
//                                rnn256 | lstm256Variants | embeddingVocab, and ours' sentiment |
//                                textConv (groups): { samples, members: { name: { fit } | { error } } }
//                                — a member the library cannot build carries its error
//   api(kind)                    (async, stacks in the api part) { fn, per }: one sample runs fn once,
//                                which makes `per` calls (api-cases.mjs; ours adds predictSync)
//   ceiling(threads)             (optional, async) the microkernel probe of the stack's kernel build
//                                on that many threads at once (ceiling.mjs): GEMM samples are then
//                                paired with it on one thread, GRU(256) epochs on as many as they use
import { ceilingPairs } from './ceiling.mjs';
import { GEMM_SIZES, GRU256, MODELS, gru256TrainingFlops } from './config.mjs';
import { rng, seedData } from './data.mjs';
import { median, warmUp } from './timing.mjs';

export const PARTS = ['models', 'gemm', 'gru256', 'sequence', 'api'];

/** Case ids in running order: 'model1/fit', 'model1/predict', ..., 'gemm/128', ... */
export const CASES = {
  models: MODELS.flatMap((m) => [`${m}/fit`, `${m}/predict`]),
  gemm: GEMM_SIZES.map((n) => `gemm/${n}`),
  gru256: ['gru256/fit'],
  sequence: ['seq/lstm256', 'seq/lstm16', 'seq/rnn256', 'seq/lstm256Variants', 'seq/sentiment', 'seq/textConv', 'seq/embeddingVocab'],
  api: ['api/generate', 'api/opsMix', 'api/opsAdd', 'api/predictSync'],
};

/** How many timed samples a plan (config.mjs) asks for in a case. */
export function runsFor(plan, id) {
  const [what, kind] = id.split('/');
  if (what === 'gru256') return plan.gru256Runs ?? 0;
  if (what === 'seq') return plan.seqRuns?.[kind] ?? 0;
  if (what === 'api') return plan.apiRuns?.[kind] ?? 0;
  return what === 'gemm' ? plan.gemmRuns[kind] : kind === 'fit' ? plan.epochRuns : plan.predictRuns;
}

/**
 * prepare(id) builds and warms up one case; resolves to { fn, reps, meta } where meta holds the cold
 * first call's ms and, for fit, its loss (≈ ln 8 = 2.08 on every stack) or, for GEMM, the check;
 * with the stack's ceiling probe, GEMM and GRU(256) cases also carry after(ms) and summary()
 * (ceiling.mjs ceilingPairs: the GRU(256) epoch's rate per thread, from its GEMM flop count).
 */
export function caseRunner(adapter, plan) {
  let data = null;
  const models = {};
  const fail = (id, what) => {
    throw new Error(`${adapter.info.name} ${id}: ${what}`);
  };

  /**
   * { after, summary } pairing a case's samples with the stack's ceiling probe on `threads` threads
   * (flops per call and thread), or {} without a probe.
   */
  const pairedWithCeiling = async (flopsPerCall, threads = 1) => {
    if (!adapter.ceiling) return {};
    return ceilingPairs(await adapter.ceiling(threads), flopsPerCall);
  };

  return async function prepare(id) {
    const [what, kind] = id.split('/');
    if (what === 'gemm') {
      const size = Number(kind);
      const g = await adapter.gemm(size, rng(size));
      const maxRelErr = g.check();
      if (!(maxRelErr < 1e-3)) fail(id, `max relative error ${maxRelErr}`);
      const { first, reps } = await warmUp(() => g.run(), { warmup: plan.warmup, sampleMs: 20 });
      const pairs = await pairedWithCeiling(2 * size ** 3);
      return { fn: () => g.run(), reps, meta: { first, maxRelErr, reps }, dispose: () => g.dispose(), ...pairs };
    }
    if (what === 'gru256') {
      // one warm-up epoch (ours: the pool's start, reported as `first`)
      const g = await adapter.gru256();
      let loss = null;
      const fn = async () => {
        const l = await g.fit();
        loss ??= l;
      };
      const { first } = await warmUp(fn, { warmup: 1, warmupMs: 0 });
      if (!Number.isFinite(loss)) fail(id, `first epoch loss is ${loss}`);
      const pairs = await pairedWithCeiling((g.samples * gru256TrainingFlops(GRU256)) / g.threads, g.threads);
      return { fn, reps: 1, meta: { first, samples: g.samples, loss: Math.round(loss * 1e4) / 1e4 }, ...pairs };
    }
    if (what === 'seq') return prepareSequence(adapter, plan, id, fail);
    if (what === 'api') {
      const a = await adapter.api(kind);
      const { first } = await warmUp(a.fn, { warmup: plan.warmup });
      return { fn: a.fn, reps: 1, meta: { first, per: a.per } };
    }
    data ??= adapter.tensors(seedData());
    if (kind === 'fit') {
      const model = (models[what] = await adapter.model(what));
      const y = what === 'model3' ? data.y2 : data.y1;
      let loss = null;
      const fn = async () => {
        const l = await adapter.fit(model, data.x, y);
        loss ??= l;
      };
      const { first, reps } = await warmUp(fn, { warmup: plan.warmup });
      if (!Number.isFinite(loss)) fail(id, `first epoch loss is ${loss}`);
      return { fn, reps, meta: { first, loss: Math.round(loss * 1e4) / 1e4 } };
    }
    const model = models[what] ?? fail(id, 'predict before fit');
    const fn = () => adapter.predict(model, data.x);
    const { first, reps } = await warmUp(fn, { warmup: plan.warmup });
    return { fn, reps, meta: { first } };
  };
}

const round4 = (v) => Math.round(v * 1e4) / 1e4;

/**
 * A sequence-part case. lstm256 and tfjs's text classifiers (one warm-up epoch, like GRU(256)) and
 * lstm16 (the plan's warm-up and ≥ 0.5 s, like the seed epochs) are one model each; a model the
 * stack cannot train gives meta { error } and no fn (the stack takes no samples); an adapter's
 * trial epoch (tfjs: whether the backend can train it) is the warm-up. A group (rnn256,
 * lstm256Variants, embeddingVocab, ours' sentiment and textConv) warms
 * each member up by one epoch, then every sample is one epoch of each member, in an order that
 * rotates from sample to sample; summary() gives each member's median ms and samples/s, and the
 * median over samples of each member's epoch over the first member's (the reference) in the same
 * sample: paired, so the machine's drift between minutes cancels.
 */
async function prepareSequence(adapter, plan, id, fail) {
  const kind = id.split('/')[1];
  const s = await adapter.sequence(kind);
  if (s.error) return { meta: { samples: s.samples, error: s.error } };
  if (!s.members) {
    let loss = s.trial?.loss ?? null;
    const fn = async () => {
      const l = await s.fit();
      loss ??= l;
    };
    const warmup = s.trial ? { first: s.trial.ms, reps: 1 } : kind === 'lstm16' ? await warmUp(fn, { warmup: plan.warmup }) : await warmUp(fn, { warmup: 1, warmupMs: 0 });
    if (!Number.isFinite(loss)) fail(id, `first epoch loss is ${loss}`);
    if (s.trial) globalThis.gc?.(); // as warmUp does
    return { fn, reps: warmup.reps, meta: { first: warmup.first, samples: s.samples, loss: round4(loss) } };
  }
  const names = Object.keys(s.members);
  const runnable = names.filter((n) => !s.members[n].error);
  if (runnable[0] !== names[0]) fail(id, `the reference member ${names[0]} failed: ${s.members[names[0]].error}`);
  const first = {};
  const loss = {};
  globalThis.gc?.();
  for (const n of runnable) {
    const start = performance.now();
    loss[n] = await s.members[n].fit();
    first[n] = performance.now() - start;
    if (!Number.isFinite(loss[n])) fail(id, `${n}: first epoch loss is ${loss[n]}`);
  }
  const times = Object.fromEntries(runnable.map((n) => [n, []]));
  let round = 0;
  const fn = async () => {
    const order = runnable.map((_, i) => runnable[(i + round) % runnable.length]);
    round++;
    for (const n of order) {
      const start = performance.now();
      await s.members[n].fit();
      times[n].push(performance.now() - start);
    }
  };
  const summary = () => {
    const ref = times[names[0]];
    return {
      members: Object.fromEntries(names.map((n) => {
        if (s.members[n].error) return [n, { error: s.members[n].error }];
        const t = times[n];
        const med = median(t);
        return [n, {
          median: med, min: Math.min(...t), max: Math.max(...t), runs: t.length, samples: s.samples,
          samplesPerSecond: (s.samples / med) * 1000, first: first[n], loss: round4(loss[n]),
          vsReference: median(t.map((v, i) => v / ref[i])), // epoch time over the reference's, same sample
        }];
      })),
    };
  };
  const meta = { samples: s.samples, reference: names[0], ...(s.maskedFraction != null ? { maskedFraction: round4(s.maskedFraction) } : {}) };
  return { fn, reps: 1, meta, summary };
}
