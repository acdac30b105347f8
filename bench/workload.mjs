// The benchmark cases, the same for every stack. Part 'models': the three seed models, one epoch of
// fit and predict; part 'gemm': square matrix products; part 'gru256': the GRU(256) workload's epochs
// (config.mjs GRU256). Each part runs in its own process per stack (so that training does not leave
// the JIT state GEMM runs in). A stack supplies an adapter:
//   info                         { name, ... } facts about the stack (versions, backend)
//   tensors(data)                the stack's tensors for seedData()
//   model(kind)                  a compiled model1 | model2 | model3
//   fit(model, x, y)             one epoch, batch 128, silent; resolves to the epoch loss
//   predict(model, x)            predictions for all of x, computed (dataSync)
//   gemm(size, random)           (async) { run(), check() -> max relative error, dispose() }
//   gru256()                     (async, stacks in the gru256 part) { samples, threads, fit() -> epoch loss }
//   ceiling(threads)             (optional, async) the microkernel probe of the stack's kernel build
//                                on that many threads at once (ceiling.mjs): GEMM samples are then
//                                paired with it on one thread, GRU(256) epochs on as many as they use
import { ceilingPairs } from './ceiling.mjs';
import { GEMM_SIZES, GRU256, MODELS, gru256TrainingFlops } from './config.mjs';
import { rng, seedData } from './data.mjs';
import { warmUp } from './timing.mjs';

export const PARTS = ['models', 'gemm', 'gru256'];

/** Case ids in running order: 'model1/fit', 'model1/predict', ..., 'gemm/128', ... */
export const CASES = {
  models: MODELS.flatMap((m) => [`${m}/fit`, `${m}/predict`]),
  gemm: GEMM_SIZES.map((n) => `gemm/${n}`),
  gru256: ['gru256/fit'],
};

/** How many timed samples a plan (config.mjs) asks for in a case. */
export function runsFor(plan, id) {
  const [what, kind] = id.split('/');
  if (what === 'gru256') return plan.gru256Runs ?? 0;
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
