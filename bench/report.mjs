// Markdown for one run: a heading with the date, the machine, then the tables. `results` maps a stack name
// (ours, ours-1t, tfjs-wasm, tfjs-cpu) to its process's JSON; a skipped stack is absent and shows
// as "—".
import { GEMM_SIZES, GRU256, MODELS, SEED, STACKS, gru256TrainingFlops } from './config.mjs';

const PEERS = ['tfjs-wasm', 'tfjs-cpu'];

const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const ms = (v) => (v == null ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (num, den) => (num == null || den == null ? '—' : `${(num / den).toFixed(num / den >= 10 ? 0 : 1)}×`);

/**
 * Per seed model, `pick(stackResult, model)` ms for each stack, each peer / ours and tfjs-wasm /
 * ours on one thread.
 */
function timeTable(results, pick) {
  const stacks = ['ours', 'ours-1t', ...PEERS];
  const rows = MODELS.map((model) => {
    const v = Object.fromEntries(stacks.map((s) => [s, results[s] ? pick(results[s].models[model]) : null]));
    return [model, ...stacks.map((s) => ms(v[s])), ...PEERS.map((p) => ratio(v[p], v.ours)), ratio(v['tfjs-wasm'], v['ours-1t'])];
  });
  return table(['model', 'ours ms', 'ours 1 thread ms', 'tfjs-wasm ms', 'tfjs-cpu ms', 'tfjs-wasm / ours', 'tfjs-cpu / ours', 'tfjs-wasm / ours 1 thread'], rows);
}

function gemmTable(results) {
  const gf = (s, size) => results[s]?.gemm[size]?.gflops ?? null;
  const rows = GEMM_SIZES.map((size) => [
    `${size}`, ...['ours', ...PEERS].map((s) => (gf(s, size) == null ? '—' : gf(s, size).toFixed(1))), ratio(gf('ours', size), gf('tfjs-wasm', size)),
  ]);
  return table(['M = N = K', 'ours GFLOP/s', 'tfjs-wasm GFLOP/s', 'tfjs-cpu GFLOP/s', 'ours / tfjs-wasm'], rows);
}

function firstEpochTable(results) {
  const stacks = ['ours', 'ours-1t', ...PEERS];
  const cell = (s, model) => {
    const m = results[s]?.models[model];
    return m ? `${ms(m.fit.first)} (${m.firstLoss.toFixed(3)})` : '—';
  };
  return table(['model', 'ours', 'ours 1 thread', 'tfjs-wasm', 'tfjs-cpu'], MODELS.map((model) => [model, ...stacks.map((s) => cell(s, model))]));
}

const gemmRunsText = (runs) => {
  const counts = [...new Set(Object.values(runs))];
  return counts.length === 1 ? `${counts[0]}` : Object.entries(runs).map(([n, r]) => `${r} at ${n}`).join(', ');
};

function method(results) {
  const lines = Object.entries(results).map(([name, r]) => {
    const p = r.plan;
    const facts = Object.entries(r.info).filter(([k]) => k !== 'name').map(([k, v]) => `${k} ${v}`).join(', ');
    const gemm = !STACKS[name].parts || STACKS[name].parts.includes('gemm');
    return `- ${STACKS[name].label} — ${facts}. Medians of ${p.epochRuns} epochs, ${p.predictRuns} predicts` +
      (gemm ? `, ${gemmRunsText(p.gemmRuns)} GEMM samples (each ≥ 20 ms, repeating small products)` : '') +
      (p.gru256Runs ? `, ${p.gru256Runs} GRU(256) epochs` : '') + '; ' +
      `before each case ≥ ${p.warmup} warm-up run(s) and ≥ 0.5 s of warm-up. Busy ${r.seconds.toFixed(0)} s.`;
  });
  return lines.join('\n');
}

/** The relaxed-SIMD build next to the default one and tfjs-wasm, from the same run. */
function relaxedTable(results) {
  const r = results['ours-relaxed'];
  if (!r) return null;
  const rows = MODELS.flatMap((model) => ['fit', 'predict'].map((kind) => {
    const v = (s) => results[s]?.models[model]?.[kind]?.median ?? null;
    return [`${model} ${kind === 'fit' ? 'epoch' : 'predict'}`, ms(v('ours-relaxed')), ms(v('ours')), ms(v('tfjs-wasm')), ratio(v('tfjs-wasm'), v('ours-relaxed')), ratio(v('ours'), v('ours-relaxed'))];
  }));
  const gf = (s, size) => results[s]?.gemm[size]?.gflops ?? null;
  for (const size of GEMM_SIZES) {
    const [a, b, c] = ['ours-relaxed', 'ours', 'tfjs-wasm'].map((s) => gf(s, size));
    rows.push([`GEMM ${size} (GFLOP/s)`, a?.toFixed(1) ?? '—', b?.toFixed(1) ?? '—', c?.toFixed(1) ?? '—', ratio(a, c), ratio(a, b)]);
  }
  return table(['case (ms unless noted)', 'relaxed build', 'default build', 'tfjs-wasm', 'tfjs-wasm / relaxed (GEMM: relaxed / tfjs-wasm)', 'default / relaxed (GEMM: relaxed / default)'], rows);
}

/** The GRU(256) part: each stack's epochs, sampled in turn, as samples/s next to tfjs-wasm's. */
function gru256Table(results) {
  const stacks = [['ours', `ours (${GRU256.workers} workers)`], ['ours-relaxed', `ours, relaxed-SIMD build (${GRU256.workers} workers)`], ['tfjs-wasm', 'tfjs-wasm (1 thread)']]
    .filter(([s]) => results[s]?.gru256);
  if (stacks.length === 0) return null;
  const peer = results['tfjs-wasm']?.gru256?.samplesPerSecond ?? null;
  const rows = stacks.map(([s, label]) => {
    const g = results[s].gru256;
    const vsPeer = s === 'tfjs-wasm' || peer == null ? '—' : `${(g.samplesPerSecond / peer).toFixed(1)}×`; // one decimal: the target is 28×
    return [label, String(g.samples), ms(g.median), g.samplesPerSecond.toFixed(1), vsPeer, `${ms(g.first)} (${g.loss.toFixed(3)})`];
  });
  return table(['stack', 'samples per epoch', 'median ms per epoch', 'samples/s', 'samples/s vs tfjs-wasm', 'first epoch ms (loss)'], rows);
}

/**
 * Our GEMMs and GRU(256) epochs against the microkernel's own loop on L1-resident panels
 * (ceiling.mjs), each timed sample paired with a probe run right after it: GFLOP/s per thread,
 * the probe's median, and the median of the paired ratios. Then what the GRU(256) target asks of
 * each thread, against the probe.
 */
function ceilingSection(results) {
  const builds = ['ours', 'ours-relaxed'].filter((s) => results[s]);
  const cases = [
    ...GEMM_SIZES.map((size) => [`GEMM ${size}`, (r) => (r.gemm[size] ? { gflops: r.gemm[size].gflops, ceiling: r.gemm[size].ceiling } : null)]),
    [`GRU(${GRU256.units}) epoch, per worker`, (r) => (r.gru256 ? { gflops: perThreadGflops(r.gru256.samplesPerSecond, GRU256.workers), ceiling: r.gru256.ceiling } : null)],
  ];
  const rows = cases.map(([label, pick]) => [label, ...builds.flatMap((s) => {
    const c = pick(results[s]);
    return c?.ceiling ? [c.gflops.toFixed(1), c.ceiling.gflops.toFixed(1), c.ceiling.fraction.toFixed(2)] : ['—', '—', '—'];
  })]);
  if (!rows.some((r) => r.slice(1).some((v) => v !== '—'))) return null;
  const header = ['case', ...builds.flatMap((s) => {
    const name = s === 'ours' ? 'default build' : 'relaxed build';
    return [`${name} GFLOP/s`, `${name} microkernel loop GFLOP/s`, `${name} paired ratio`];
  })];
  const lines = [table(header, rows)];
  const peer = results['tfjs-wasm']?.gru256?.samplesPerSecond;
  const ours = results.ours?.gru256;
  if (peer && ours?.ceiling) {
    const target = 28;
    const needed = perThreadGflops(target * peer, GRU256.workers);
    lines.push('', `tfjs-wasm's GRU(${GRU256.units}) epochs ran at ${perThreadGflops(peer, 1).toFixed(2)} GFLOP/s of products on its one thread. ` +
      `${target}× its samples/s needs ${needed.toFixed(1)} GFLOP/s per worker from the default build: ` +
      `${(needed / ours.ceiling.gflops).toFixed(2)} of the microkernel loop's median rate during those epochs (the epochs ran at ${(ours.samplesPerSecond / peer).toFixed(1)}×, ` +
      `${ours.ceiling.fraction.toFixed(2)} of it, paired).`);
  }
  return lines.join('\n');
}

/** GFLOP/s per thread of GRU(256) training at `samplesPerSecond` on `threads` threads (products only). */
function perThreadGflops(samplesPerSecond, threads) {
  return (samplesPerSecond * gru256TrainingFlops(GRU256)) / threads / 1e9;
}

/**
 * The whole section for one run (the console, and the run's record in bench/results/). results-file.mjs
 * reads the headline figures back from its headings and column names for bench/RESULTS.md.
 */
export function renderRun({ machine: m, results, quick, skipped, seconds, notes }) {
  const ceiling = ceilingSection(results);
  const commit = m.commit ? `commit \`${m.commit}\`` : 'no git commit';
  return [
    `## ${m.date}${quick ? ' (--quick)' : ''}`,
    '',
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${commit}. Each stack in its own processes (seed models, GEMM, GRU(256)); timed samples interleaved across stacks, one process working at a time; total ${seconds.toFixed(0)} s.` +
      (skipped.length ? ` Skipped: ${skipped.join(', ')}.` : ''),
    '',
    `### Seed models (docs/seed-question.md): one epoch of fit, ${SEED.samples} samples, batch ${SEED.batchSize} — median ms (ratio > 1: ours is faster)`,
    '',
    timeTable(results, (m) => m.fit.median),
    '',
    `### Seed models: predict ${SEED.samples} samples, batchSize ${SEED.predictBatchSize} (one batch) — median ms`,
    '',
    timeTable(results, (m) => m.predict.median),
    '',
    '### First (cold) epoch ms, with its loss (≈ ln 8 = 2.079 when all stacks compute the same thing)',
    '',
    firstEpochTable(results),
    '',
    '### f32 matrix multiply, square, 1 thread — GFLOP/s = 2·M·N·K / median time (ratio > 1: ours is faster)',
    '',
    gemmTable(results),
    '',
    ...(relaxedTable(results) ? [
      "### The relaxed-SIMD (FMA) build: Node 20 runs it with --experimental-wasm-relaxed-simd or ready({ enableRelaxedSimdFlag: true }); Node ≥ 22, Chrome ≥ 114 and Deno by default",
      '',
      relaxedTable(results),
      '',
    ] : []),
    ...(gru256Table(results) ? [
      `### GRU(${GRU256.units}) on (${GRU256.steps}, ${GRU256.features}) → TimeDistributed(Dense(${GRU256.outputs})) → softmax, batch ${GRU256.batchSize}: epochs sampled in turn across stacks (ratio > 1: ours is faster)`,
      '',
      gru256Table(results),
      '',
      `Ours trains epochs of ${GRU256.samples} samples on ${GRU256.workers} workers with tfjs's GRU math (reset_after=false, hard_sigmoid); ` +
        `tfjs-wasm epochs of ${GRU256.peerSamples} samples (one step each). The first epoch includes our pool's start (its workers instantiate the kernel module this thread compiled) and tfjs's graph setup.`,
      '',
    ] : []),
    ...(ceiling ? [
      `### Against the microkernel's own loop: GFLOP/s per thread, each timed sample paired with a run of the 4×8 loop on L1-resident panels right after it (bench/ceiling.mjs; on ${GRU256.workers} threads at once for GRU(${GRU256.units})); GRU(${GRU256.units}) counts its products only, ${(gru256TrainingFlops(GRU256) / 1e6).toFixed(1)} MFLOP per sample`,
      '',
      ceiling,
      '',
    ] : []),
    'How it was measured:',
    '',
    method(results),
    ...(notes.length ? ['', 'Output printed by the stack processes:', '', ...notes.map((n) => `- \`${n}\``)] : []),
    '',
  ].join('\n');
}
