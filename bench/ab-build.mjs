// Paired timings of two whole builds of the library in one process: each package root's
// dist/index.js is imported as its own module instance (own engine, own WebAssembly memory, own
// worker pool), both run the same workloads on the same seeded data and the same weights, and their
// samples alternate A B, B A, A B, ... (ABBA: this VM's speed drifts within seconds, so only
// side-by-side samples compare). Per workload it prints the median of the paired ratios
// time A / time B (> 1: B is faster), with the middle half of the ratios (interquartile range) as
// the spread, and the same median for the process's CPU time (all threads: steadier than wall time
// when other processes compete for the cores, but blind to lost parallelism), and checks that the
// two builds compute the same thing (predict outputs within 1e-6, epoch losses within 1e-5, every
// pair).
//
//   node --expose-gc bench/ab-build.mjs <dirA> [dirB = this repository]
//   node --expose-gc --experimental-wasm-relaxed-simd bench/ab-build.mjs <dirA> [dirB]   # the relaxed (FMA) builds on Node 20
//
// Each dir is a package root with a built dist/ and build/ (`npm ci` or `npm run build`); A and B must
// be different directories (one module URL loads once). A baseline of a commit:
//   git worktree add /tmp/wl-base <commit> && (cd /tmp/wl-base && npm ci)
//
// Workloads (ids for AB_ONLY), as bench/workload.mjs and bench/stack-ours.mjs run them:
//   model1/fit      one epoch of the seed model1 (GRU(16, returnSequences) on (64, 15) →
//                   TimeDistributed(Dense(8)) → softmax; Keras 2 GRU math), 1000 samples, batch 128,
//                   rmsprop, shuffled, workers 'auto'; several epochs per sample (≥ 150 ms)
//   gru256/fit      GRU(256) on (64, 64) → TimeDistributed(Dense(64)) → softmax, batch 256, workers 2;
//                   one epoch of AB_GRU256_STEPS (default 4) steps per sample
//   lstm16/fit      the seed model1 shape with LSTM(16) (tfjs math) in place of its GRU (config.mjs SEQUENCE
//                   lstm16), one epoch, workers 'auto'
//   sentiment/fit   Embedding(10000, 128) → LSTM(64) → Dense(1, sigmoid) (config.mjs SEQUENCE sentiment),
//                   one epoch of AB_SENTIMENT_SAMPLES (default 512) samples, batch 128, workers 2
//   lstm256/fit     gru256/fit's shape with LSTM(256) (tfjs math); AB_GRU256_STEPS steps per epoch
//   model{1,2,3}/predict   predict of the 1000 seed samples, batchSize 1000, workers 'auto', read
//                   with dataSync(); several calls per sample (≥ 60 ms)
// Times are per call (an epoch, a predict). B's models start from A's initial weights (copied with
// getWeights/setWeights) and both libraries' RNGs are re-seeded before the first fit, so the two
// train in lockstep: every epoch's loss is compared with its partner's.
//
// Environment:
//   AB_ONLY=text[,text]   only the workloads whose id contains one of the texts (e.g. predict, gru256)
//   AB_PAIRS=n            pairs per workload (default 80 model1/fit, 16 gru256/fit, 60 per predict:
//                         ~2 min on the idle 2-core VM, ~4.5 min at a load average of 5)
//   AB_GRU256_STEPS=n     GRU(256) steps (batches of 256) per timed epoch (default 4)
//   AB_VARIANT=simd|relaxed-simd   ask both libraries for that kernel build (relaxed-simd also sets
//                         V8's flag on Node 20: ready({ enableRelaxedSimdFlag: true })); default:
//                         ready() with no options, i.e. what the runtime's flags give
//   AB_TOL=0.03           the "within" column: median ratio ≥ 1 − AB_TOL
// Exit code 1 when the builds' outputs disagree or a workload fails (the other timings are still
// printed); 2 for bad arguments.
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GRU256, SEED, SEQUENCE } from './config.mjs';
import { gru256Data, idsData, seedData } from './data.mjs';
import { gru256Model, seedModel, sequenceModel, textModel } from './models.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [argA, argB = repoRoot] = process.argv.slice(2);
if (!argA || argA === '-h' || argA === '--help') {
  console.error('usage: node --expose-gc [--experimental-wasm-relaxed-simd] bench/ab-build.mjs <dirA> [dirB = repository root]');
  process.exit(2);
}

const env = process.env;
const positiveInt = (name, fallback) => {
  if (env[name] == null || env[name] === '') return fallback;
  const n = Number(env[name]);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`${name} must be a positive integer, got ${env[name]}`);
  return n;
};
const PAIRS = positiveInt('AB_PAIRS', null);
const GRU256_STEPS = positiveInt('AB_GRU256_STEPS', 4);
const SENTIMENT_SAMPLES = positiveInt('AB_SENTIMENT_SAMPLES', 512);
const TOL = env.AB_TOL ? Number(env.AB_TOL) : 0.03;
const ONLY = env.AB_ONLY ? env.AB_ONLY.split(',').map((s) => s.trim()).filter(Boolean) : null;
const VARIANT = env.AB_VARIANT || null;
if (VARIANT && !['simd', 'relaxed-simd'].includes(VARIANT)) throw new Error(`AB_VARIANT must be simd or relaxed-simd, got ${VARIANT}`);
const IDS = ['model1/fit', 'gru256/fit', 'model1/predict', 'model2/predict', 'model3/predict', 'lstm16/fit', 'sentiment/fit', 'lstm256/fit'];
const selected = (id) => !ONLY || ONLY.some((text) => id.includes(text));
if (!IDS.some(selected)) {
  console.error(`AB_ONLY=${env.AB_ONLY} matches none of ${IDS.join(', ')}`);
  process.exit(2);
}

/** Tolerances of the output checks. */
const PREDICT_TOL = 1e-6;
const LOSS_TOL = 1e-5;
const SEED_VALUE = 42;

// ---- the two libraries -------------------------------------------------------------------------

function describeDir(dir) {
  let commit = 'no git';
  try {
    commit = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %s'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--', 'src', 'assembly', 'workers'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dirty) commit += ` (+ uncommitted changes in src/assembly/workers: ${dirty.split('\n').length} files)`;
  } catch {
    // not a git checkout: the commit stays unknown
  }
  const built = new Date(statSync(path.join(dir, 'dist/index.js')).mtimeMs).toISOString().replace('T', ' ').slice(0, 19);
  return `${commit}; dist/index.js built ${built} UTC`;
}

function packageRoot(arg, label) {
  const dir = path.resolve(arg);
  if (!existsSync(path.join(dir, 'dist/index.js'))) {
    console.error(`${label}: ${dir}/dist/index.js not found (build it: npm ci, or npm run build)`);
    process.exit(2);
  }
  return realpathSync(dir);
}

const dirs = { A: packageRoot(argA, 'A'), B: packageRoot(argB, 'B') };
if (dirs.A === dirs.B) {
  console.error(`A and B are the same directory (${dirs.A}): the second import would be the same module instance. Use a second copy (git worktree add).`);
  process.exit(2);
}

const libs = {};
const variants = {};
for (const side of ['A', 'B']) {
  libs[side] = await import(pathToFileURL(path.join(dirs[side], 'dist/index.js')).href);
  libs[side].setSeed(SEED_VALUE);
  ({ variant: variants[side] } = await libs[side].ready(VARIANT ? { variant: VARIANT, enableRelaxedSimdFlag: VARIANT === 'relaxed-simd' } : {}));
}

console.log(`ab-build: paired A/B timings, node ${process.version} ${process.execArgv.join(' ')}`.trimEnd());
for (const side of ['A', 'B']) console.log(`  ${side} ${dirs[side]} — kernels ${variants[side]} — ${describeDir(dirs[side])}`);
if (variants.A !== variants.B) console.log(`WARNING: the builds run different kernel variants (A ${variants.A}, B ${variants.B})`);
if (!globalThis.gc) console.log('note: run with node --expose-gc (one forced GC before each workload)');

// ---- workloads ---------------------------------------------------------------------------------

let mismatch = false;
const warn = (text) => {
  mismatch = true;
  console.log(`WARNING: ${text}`);
};

/** A copy of model a's weights into model b (of library libB); false (with a warning) when they do not fit. */
function copyWeights(a, b, libB, id) {
  try {
    b.setWeights(a.getWeights().map((w) => libB.tensor(Float32Array.from(w.dataSync()), [...w.shape])));
    return true;
  } catch (e) {
    warn(`${id}: A's weights do not fit B's model (${e.message}); B keeps its own initial weights`);
    return false;
  }
}

let seedCache = null;
/** The seed data (bench/data.mjs) as each library's tensors. */
function seedTensors(side) {
  seedCache ??= { data: seedData() };
  const { x, y1 } = seedCache.data;
  const wl = libs[side];
  return (seedCache[side] ??= { x: wl.tensor(x.values, x.shape), y1: wl.tensor(y1.values, y1.shape) });
}

/** Both sides' models of one kind: A's built after setSeed, B's given A's weights, both RNGs re-seeded. */
function pairedModels(build, id) {
  const models = {};
  for (const side of ['A', 'B']) {
    libs[side].setSeed(SEED_VALUE);
    models[side] = build(libs[side]);
  }
  copyWeights(models.A, models.B, libs.B, id);
  for (const side of ['A', 'B']) libs[side].setSeed(SEED_VALUE); // same shuffle order from here on
  return models;
}

/** |a − b|, 0 for two NaNs, Infinity for one NaN. */
const absDiff = (a, b) => {
  const d = Math.abs(a - b);
  return Number.isNaN(d) ? (Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity) : d;
};
const maxAbsDiff = (a, b) => {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, absDiff(a[i], b[i]));
  return d;
};

/**
 * A workload: setup() resolves to { A: fn, B: fn, compare(valueA, valueB) → |difference| }, where a
 * fn is one timed call (an epoch, a predict) resolving to the value compared with its partner's.
 */
const WORKLOADS = [
  {
    id: 'model1/fit', what: 'seed model1, one epoch (1000 samples, batch 128, workers auto)', pairs: 80, sampleMs: 150, warmup: 3, warmupMs: 1500, tol: LOSS_TOL, unit: 'loss',
    async setup() {
      const models = pairedModels((wl) => seedModel(wl, 'model1'), this.id);
      const fn = (side) => {
        const { x, y1 } = seedTensors(side);
        return async () => (await models[side].fit(x, y1, { batchSize: SEED.batchSize, epochs: 1, verbose: 0, shuffle: true, workers: 'auto' })).history.loss[0];
      };
      return { A: fn('A'), B: fn('B'), compare: absDiff };
    },
  },
  {
    id: 'gru256/fit', what: `GRU(256), one epoch of ${GRU256_STEPS} steps (${GRU256_STEPS * GRU256.batchSize} samples, batch ${GRU256.batchSize}, workers ${GRU256.workers})`, pairs: 16, sampleMs: 0, warmup: 2, warmupMs: 0, tol: LOSS_TOL, unit: 'loss',
    async setup() {
      const samples = GRU256_STEPS * GRU256.batchSize;
      const { x, y } = gru256Data(samples, GRU256);
      const models = pairedModels(gru256Model, this.id);
      const fn = (side) => {
        const wl = libs[side];
        const [xt, yt] = [wl.tensor(x.values, x.shape), wl.tensor(y.values, y.shape)];
        return async () => (await models[side].fit(xt, yt, { batchSize: GRU256.batchSize, epochs: 1, verbose: 0, shuffle: true, workers: GRU256.workers })).history.loss[0];
      };
      return { A: fn('A'), B: fn('B'), compare: absDiff };
    },
  },
  {
    id: 'lstm16/fit', what: 'seed model1 shape with LSTM(16), one epoch (1000 samples, batch 128, workers auto)', pairs: 80, sampleMs: 150, warmup: 3, warmupMs: 1500, tol: LOSS_TOL, unit: 'loss',
    async setup() {
      const shape = { cell: 'lstm', units: SEED.hidden, steps: SEED.maxLen, features: SEED.inputSize, outputs: SEED.outputSize };
      const models = pairedModels((wl) => sequenceModel(wl, shape), this.id);
      const fn = (side) => {
        const { x, y1 } = seedTensors(side);
        return async () => (await models[side].fit(x, y1, { batchSize: SEED.batchSize, epochs: 1, verbose: 0, shuffle: true, workers: 'auto' })).history.loss[0];
      };
      return { A: fn('A'), B: fn('B'), compare: absDiff };
    },
  },
  {
    id: 'sentiment/fit', what: `Embedding(10000, 128) → LSTM(64) → Dense(1, sigmoid), one epoch (${SENTIMENT_SAMPLES} samples, batch 128, workers 2)`, pairs: 16, sampleMs: 0, warmup: 2, warmupMs: 0, tol: LOSS_TOL, unit: 'loss',
    async setup() {
      const c = SEQUENCE.sentiment;
      const { x, y } = idsData(SENTIMENT_SAMPLES, c);
      const models = pairedModels((wl) => textModel(wl, 'sentiment', c, { recurrentActivation: 'hard_sigmoid', unitForgetBias: false }), this.id);
      const fn = (side) => {
        const wl = libs[side];
        const [xt, yt] = [wl.tensor(x.values, x.shape, x.dtype), wl.tensor(y.values, y.shape)];
        return async () => (await models[side].fit(xt, yt, { batchSize: c.batchSize, epochs: 1, verbose: 0, shuffle: true, workers: c.workers })).history.loss[0];
      };
      return { A: fn('A'), B: fn('B'), compare: absDiff };
    },
  },
  {
    id: 'lstm256/fit', what: `LSTM(256), one epoch of ${GRU256_STEPS} steps (${GRU256_STEPS * GRU256.batchSize} samples, batch ${GRU256.batchSize}, workers ${GRU256.workers})`, pairs: 16, sampleMs: 0, warmup: 2, warmupMs: 0, tol: LOSS_TOL, unit: 'loss',
    async setup() {
      const c = SEQUENCE.lstm256;
      const { x, y } = gru256Data(GRU256_STEPS * c.batchSize, c);
      const models = pairedModels((wl) => sequenceModel(wl, { cell: 'lstm', ...c }), this.id);
      const fn = (side) => {
        const wl = libs[side];
        const [xt, yt] = [wl.tensor(x.values, x.shape), wl.tensor(y.values, y.shape)];
        return async () => (await models[side].fit(xt, yt, { batchSize: c.batchSize, epochs: 1, verbose: 0, shuffle: true, workers: c.workers })).history.loss[0];
      };
      return { A: fn('A'), B: fn('B'), compare: absDiff };
    },
  },
  ...['model1', 'model2', 'model3'].map((kind) => ({
    id: `${kind}/predict`, what: `seed ${kind}, predict of 1000 samples (batchSize 1000, workers auto)`, pairs: 60, sampleMs: 60, warmup: 5, warmupMs: 1000, tol: PREDICT_TOL, unit: 'output',
    async setup() {
      const models = pairedModels((wl) => seedModel(wl, kind), this.id);
      const fn = (side) => {
        const { x } = seedTensors(side);
        return async () => (await models[side].predictAsync(x, { batchSize: SEED.predictBatchSize, workers: 'auto' })).dataSync();
      };
      return { A: fn('A'), B: fn('B'), compare: maxAbsDiff };
    },
  })),
].filter((w) => selected(w.id));

// ---- timing ------------------------------------------------------------------------------------

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);

/**
 * `reps` back-to-back calls: wall ms per call, the process's CPU ms per call (every thread: this one,
 * the workers, V8's helpers) and every call's value.
 */
async function sample(fn, reps) {
  const values = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let r = 0; r < reps; r++) values.push(await fn());
  const ms = (performance.now() - start) / reps;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 / reps, values };
}

async function runWorkload(w) {
  globalThis.gc?.();
  const t0 = performance.now();
  const run = await w.setup();
  let worst = { diff: 0, at: null };
  const check = (va, vb, at) => {
    for (let i = 0; i < va.length; i++) {
      const diff = run.compare(va[i], vb[i]);
      if (!(diff <= worst.diff)) worst = { diff, at: `${at}, call ${i + 1}` };
    }
  };
  // warm-up: A and B alternately, the same number of calls each (the fits stay in lockstep), past
  // V8's baseline tier (≥ warmupMs) and the worker pools' start
  const warm = { A: [], B: [] };
  let calls = 0;
  const warmStart = performance.now();
  while (calls < w.warmup || performance.now() - warmStart < w.warmupMs) {
    const s = {};
    for (const side of calls & 1 ? ['B', 'A'] : ['A', 'B']) s[side] = await sample(run[side], 1);
    warm.A.push(s.A.ms);
    warm.B.push(s.B.ms);
    check(s.A.values, s.B.values, `warm-up ${calls + 1}`);
    calls++;
  }
  const recent = Math.min(...warm.A.slice(-3), ...warm.B.slice(-3));
  const reps = Math.max(1, Math.ceil(w.sampleMs / recent));
  const pairs = PAIRS ?? w.pairs;
  const times = { A: [], B: [] };
  const cpu = { A: [], B: [] };
  for (let i = 0; i < pairs; i++) {
    const s = {};
    for (const side of i & 1 ? ['B', 'A'] : ['A', 'B']) s[side] = await sample(run[side], reps);
    for (const side of ['A', 'B']) {
      times[side].push(s[side].ms);
      cpu[side].push(s[side].cpuMs);
    }
    check(s.A.values, s.B.values, `pair ${i + 1}`);
  }
  const ratios = times.A.map((a, i) => a / times.B[i]).sort((a, b) => a - b);
  const cpuRatio = median(cpu.A.map((a, i) => a / cpu.B[i]));
  return {
    id: w.id, what: w.what, pairs, reps, warmupCalls: calls, seconds: (performance.now() - t0) / 1000,
    msA: median(times.A), msB: median(times.B), ratio: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75),
    min: ratios[0], max: ratios[ratios.length - 1], cpuRatio, worst, tol: w.tol, unit: w.unit,
  };
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const results = [];
const start = performance.now();
try {
  for (const w of WORKLOADS) {
    let r;
    try {
      r = await runWorkload(w);
    } catch (e) {
      // one workload failing in one build (an API change, a crash) leaves the others to run
      console.log(`ERROR: ${w.id}: ${e?.stack ?? e}`);
      process.exitCode = 1;
      continue;
    }
    results.push(r);
    const agree = r.worst.diff <= r.tol;
    console.log(
      `${r.id.padEnd(15)} A ${fmtMs(r.msA).padStart(6)} ms  B ${fmtMs(r.msB).padStart(6)} ms  A/B ${r.ratio.toFixed(3)}`
      + ` (middle half ${r.q1.toFixed(3)}–${r.q3.toFixed(3)}, all ${r.min.toFixed(3)}–${r.max.toFixed(3)}; ${r.pairs} pairs × ${r.reps} call${r.reps > 1 ? 's' : ''}, ${r.seconds.toFixed(0)} s)`
      + `  CPU A/B ${r.cpuRatio.toFixed(3)}`
      + `  max |Δ ${r.unit}| ${r.worst.diff.toExponential(1)}`,
    );
    if (!agree) warn(`${r.id}: the builds disagree: max |Δ ${r.unit}| ${r.worst.diff} > ${r.tol} (largest at ${r.worst.at})`);
  }
} finally {
  await Promise.all(['A', 'B'].map((side) => libs[side].shutdown()));
}

console.log(`\nA/B = wall time A / wall time B per pair, median over pairs (> 1: B faster); middle half = its 25th–75th percentiles;`
  + ` CPU A/B the same for the process's CPU time (all threads; steadier than wall time when other processes compete for the cores).`
  + ` Kernels A ${variants.A}, B ${variants.B}; ${((performance.now() - start) / 1000).toFixed(0)} s`);
console.log(`| workload | A ms | B ms | A/B median | middle half | CPU A/B | pairs × calls | B within ${(TOL * 100).toFixed(0)}% of A | outputs |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  // a middle half wider than ±TOL cannot resolve a TOL difference: say so rather than give a verdict
  const noisy = r.q3 - r.q1 > 2 * TOL ? ', noisy: middle half wider than ±' + (TOL * 100).toFixed(0) + '%, rerun with more pairs or on a quieter machine' : '';
  const within = (r.ratio >= 1 - TOL ? 'yes' : `NO (${((1 / r.ratio - 1) * 100).toFixed(1)}% slower)`) + noisy;
  const outputs = r.worst.diff <= r.tol ? `agree (max |Δ| ${r.worst.diff.toExponential(1)})` : `DIFFER (max |Δ| ${r.worst.diff.toExponential(1)})`;
  console.log(`| ${r.id}: ${r.what} | ${fmtMs(r.msA)} | ${fmtMs(r.msB)} | ${r.ratio.toFixed(3)} | ${r.q1.toFixed(3)}–${r.q3.toFixed(3)} | ${r.cpuRatio.toFixed(3)} | ${r.pairs} × ${r.reps} | ${within} | ${outputs} |`);
}
if (mismatch) process.exitCode = 1;
