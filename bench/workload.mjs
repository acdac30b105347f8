// The benchmark suite, the same for every stack: the three seed models (one epoch of fit, then
// predict) and square GEMMs. A stack supplies an adapter:
//   info                         { name, ... } facts about the stack (versions, backend)
//   tensors(data)                the stack's tensors for seedData()
//   model(kind)                  a compiled model1 | model2 | model3
//   fit(model, x, y)             one epoch, batch 128, silent; resolves to the epoch loss
//   predict(model, x)            predictions for all of x, computed (dataSync)
//   gemm(size, random)           { run(), check() -> max relative error, dispose() }
import { GEMM_SIZES, MODELS, SEED } from './config.mjs';
import { rng, seedData } from './data.mjs';
import { progress } from './ipc.mjs';
import { measure } from './timing.mjs';

const round = (ms) => Math.round(ms * 100) / 100;
const summary = (m) => ({ median: round(m.median), min: round(m.min), max: round(m.max), first: round(m.first), runs: m.times.length });

export async function runWorkload(adapter, plan) {
  const started = performance.now();
  const { x, y1, y2 } = adapter.tensors(seedData());
  const models = {};
  for (const kind of MODELS) {
    const model = await adapter.model(kind);
    const y = kind === 'model3' ? y2 : y1;
    const losses = [];
    const fit = summary(await measure(async () => losses.push(await adapter.fit(model, x, y)), { warmup: plan.warmup, runs: plan.epochRuns }));
    const loss = losses[0]; // of the first (cold) epoch: ≈ ln 8 = 2.08 on every stack
    if (!Number.isFinite(loss)) throw new Error(`${adapter.info.name} ${kind}: first epoch loss is ${loss}`);
    progress(`${kind} fit: median ${fit.median.toFixed(1)} ms (first ${fit.first.toFixed(0)} ms, loss ${loss.toFixed(4)})`);
    const predict = summary(await measure(() => adapter.predict(model, x), { warmup: plan.warmup, runs: plan.predictRuns }));
    progress(`${kind} predict: median ${predict.median.toFixed(1)} ms`);
    models[kind] = { fit, predict, firstLoss: Math.round(loss * 1e4) / 1e4 };
  }
  const gemm = {};
  for (const size of GEMM_SIZES) {
    const g = adapter.gemm(size, rng(size));
    const err = g.check();
    if (!(err < 1e-3)) throw new Error(`${adapter.info.name} GEMM ${size}: max relative error ${err}`);
    const m = await measure(() => g.run(), { warmup: plan.warmup, runs: plan.gemmRuns });
    g.dispose();
    const gflops = (2 * size ** 3) / (m.median * 1e6);
    gemm[size] = { ms: round(m.median), gflops: Math.round(gflops * 100) / 100, maxRelErr: err, runs: m.times.length };
    progress(`GEMM ${size}: ${gflops.toFixed(2)} GFLOP/s (${m.median.toFixed(2)} ms)`);
  }
  return { info: adapter.info, plan, seed: SEED, models, gemm, seconds: round((performance.now() - started) / 1000) };
}
