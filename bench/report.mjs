// Markdown for one run: a heading with the date, the machine, then the tables. `results` maps a stack name
// (ours, ours-1t, tfjs-wasm, tfjs-cpu) to its process's JSON; a skipped stack is absent and shows
// as "—".
import { API_TARGETS, GEMM_SIZES, GRU256, MODELS, SEED, SEQUENCE, SEQUENCE_PEERS, SEQUENCE_TARGETS, STACKS, gru256TrainingFlops } from './config.mjs';
import { GENERATE, OPS } from './api-cases.mjs';

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
    // the parts this stack ran (run.mjs --parts can leave some out)
    const counts = [
      Object.keys(r.models).length ? `${p.epochRuns} epochs, ${p.predictRuns} predicts` : null,
      Object.keys(r.gemm).length ? `${gemmRunsText(p.gemmRuns)} GEMM samples (each ≥ 20 ms, repeating small products)` : null,
      r.gru256 ? `${p.gru256Runs} GRU(256) epochs` : null,
      r.sequence ? `sequence part ${Object.entries(p.seqRuns).map(([k, n]) => `${k} ${n}`).join(', ')}` : null,
      r.api ? `api part ${Object.entries(p.apiRuns).map(([k, n]) => `${k} ${n}`).join(', ')}` : null,
    ].filter(Boolean);
    return `- ${STACKS[name].label} — ${facts}. Medians of ${counts.join(', ')}; ` +
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

const samplesText = (n) => `${n} sample${n === 1 ? '' : 's'}`;
const sps = (v) => (v == null ? '—' : `${v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)} samples/s`);
const x2 = (v) => (v == null || !Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`);
const met = (ok, v) => (v == null || !Number.isFinite(v) ? '—' : ok ? 'yes' : 'no');

/**
 * Issue 26's text classifiers (config.mjs SEQUENCE sentiment, textConv): per model, a row against our
 * GRU(256) in the same rounds (ours runs each as a group with the GRU(256) workload as the reference)
 * and one against native Keras 3 + TF (PEERS.md); then the sentiment model with the large Embedding
 * against the small one, same rounds. Rows in sequenceSection's columns.
 */
function textRows(results) {
  const T = SEQUENCE_TARGETS;
  const P = SEQUENCE_PEERS;
  const seq = (stack) => results[stack]?.sequence;
  const peerCell = (r) => (r?.error ? 'cannot train (below)' : sps(r?.samplesPerSecond ?? null));
  const none = ['—', '—', '—', '—'];
  const rows = [];
  for (const kind of ['sentiment', 'textConv']) {
    const c = SEQUENCE[kind];
    const { gru, [kind]: o } = seq('ours')?.[kind]?.members ?? {};
    const [wasm, cpu] = [seq('tfjs-wasm')?.[kind], seq('tfjs-cpu')?.[kind]];
    const rate = o?.samplesPerSecond ?? null;
    const cell = o?.error ? 'failed (below)' : sps(rate);
    const model = kind === 'sentiment' ? `LSTM(${c.units}) → Dense(1, sigmoid)` : `Conv1D(${c.filters}, ${c.kernelSize}, relu) → GlobalMaxPooling1D → Dense(1, sigmoid)`;
    const vsGru = o?.vsReference ? 1 / o.vsReference : null;
    const vsKeras = rate == null ? null : rate / P[kind].kerasTf;
    rows.push([`${kind}: Embedding(${c.vocab}, ${c.outputDim}) → ${model}, seq ${c.steps}, batch ${c.batchSize}, training (ours on ${c.workers} workers)`,
      cell, peerCell(wasm), peerCell(cpu), ratio(rate, wasm?.samplesPerSecond), ratio(rate, cpu?.samplesPerSecond),
      `our GRU(${GRU256.units}) workload, same rounds (${sps(gru?.samplesPerSecond ?? null)}): its epoch time over ours`, x2(vsGru),
      `≥ ${T[`${kind}VsGru`]}× GRU(256)`, met(vsGru >= T[`${kind}VsGru`], vsGru)]);
    rows.push([`${kind}, against native Keras 3 + TF`, cell, '—', '—', '—', '—', `native Keras 3 + TF, ${P[kind].kerasTf} samples/s (PEERS.md; Keras 3 + JAX ${P[kind].kerasJax})`,
      x2(vsKeras), `≥ ${T[`${kind}VsKerasTf`]}×`, met(vsKeras >= T[`${kind}VsKerasTf`], vsKeras)]);
    const text = seq('ours')?.[kind]?.members?.sentimentTextIds;
    if (kind === 'sentiment' && text) {
      const textRate = text.samplesPerSecond ?? null;
      const textVsGru = text.vsReference ? 1 / text.vsReference : null;
      const textVsKeras = textRate == null ? null : textRate / P[kind].kerasTf;
      const textCell = text.error ? 'failed (below)' : sps(textRate);
      rows.push([`${kind} on text-like ids (Zipf ranks: ids repeat as words do; Keras's cost does not depend on the ids)`, textCell, '—', '—', '—', '—',
        `our GRU(${GRU256.units}) workload, same rounds: its epoch time over ours`, x2(textVsGru), `≥ ${T[`${kind}VsGru`]}× GRU(256)`, met(textVsGru >= T[`${kind}VsGru`], textVsGru)]);
      rows.push([`${kind} on text-like ids, against native Keras 3 + TF`, textCell, '—', '—', '—', '—', `native Keras 3 + TF, ${P[kind].kerasTf} samples/s (PEERS.md)`,
        x2(textVsKeras), `≥ ${T[`${kind}VsKerasTf`]}×`, met(textVsKeras >= T[`${kind}VsKerasTf`], textVsKeras)]);
    }
  }
  const e = SEQUENCE.embeddingVocab;
  const vocab = seq('ours')?.embeddingVocab?.members ?? {};
  const cell = (m) => (m?.error ? 'failed (below)' : sps(m?.samplesPerSecond ?? null));
  const large = vocab.large?.vsReference ?? null;
  const largeAdam = vocab.largeAdam?.vsReference && vocab.smallAdam?.vsReference ? vocab.largeAdam.vsReference / vocab.smallAdam.vsReference : null;
  rows.push([`sentiment model with a ${e.vocabs[0]}-row Embedding, plain SGD (ours, the reference of the next row)`, cell(vocab.small), '—', '—', '—', '—', ...none]);
  rows.push([`sentiment model with a ${e.vocabs[1]}-row Embedding, the same ids (all < ${e.ids}), plain SGD`, cell(vocab.large), '—', '—', '—', '—',
    `the ${e.vocabs[0]}-row one, same rounds: our epoch time over its`, x2(large), `≤ ${T.vocabLargeVsSmall}×`, met(large <= T.vocabLargeVsSmall, large)]);
  rows.push([`the same pair with adam (${cell(vocab.smallAdam)} and ${cell(vocab.largeAdam)}): Keras's dense update of every table row each step`, cell(vocab.largeAdam), '—', '—', '—', '—',
    `the ${e.vocabs[0]}-row one with adam, same rounds`, x2(largeAdam), '— (dense optimizer math, as Keras)', '—']);
  return rows;
}

/**
 * The sequence part (config.mjs SEQUENCE): LSTM(256) and the seed-shape LSTM(16) against tfjs-wasm
 * (and the PEERS.md figures of native Keras, not from this run), SimpleRNN(256) and
 * Bidirectional(GRU(256)) against GRU(256) and masked / dropout LSTM(256) against plain, each pair
 * from the same rounds (workload.mjs prepareSequence), with issue 25's targets; the text classifiers
 * against our GRU(256), native Keras and the tfjs stacks, with issue 26's (textRows).
 * results-file.mjs reads the first cells and column names back.
 */
export function sequenceSection(results) {
  const ours = results.ours?.sequence;
  const peer = results['tfjs-wasm']?.sequence;
  const cpuPeer = results['tfjs-cpu']?.sequence;
  if (!ours && !peer && !cpuPeer) return null;
  const T = SEQUENCE_TARGETS;
  const P = SEQUENCE_PEERS;
  const rows = [];
  const l256 = ours?.lstm256?.samplesPerSecond ?? null;
  const p256 = peer?.lstm256?.samplesPerSecond ?? null;
  rows.push([`LSTM(${SEQUENCE.lstm256.units}) training, batch ${SEQUENCE.lstm256.batchSize} (ours on ${SEQUENCE.lstm256.workers} workers)`, sps(l256), sps(p256), '—', l256 == null || p256 == null ? '—' : `${(l256 / p256).toFixed(1)}×`, '—',
    `native Keras 3 + TF, ${P.lstm256.kerasTf} samples/s (PEERS.md; Keras 3 + JAX ${P.lstm256.kerasJax})`, x2(l256 == null ? null : l256 / P.lstm256.kerasTf),
    `≥ ${T.lstm256VsTfjsWasm}× tfjs-wasm`, met(l256 / p256 >= T.lstm256VsTfjsWasm, l256 != null && p256 != null ? l256 / p256 : null)]);
  const l16 = ours?.lstm16?.median ?? null;
  const p16 = peer?.lstm16?.median ?? null;
  rows.push([`seed-shape LSTM(${SEED.hidden}), one epoch (${SEED.samples} samples, batch ${SEED.batchSize})`, l16 == null ? '—' : `${ms(l16)} ms`, p16 == null ? '—' : `${ms(p16)} ms`, '—', ratio(p16, l16), '—',
    `Keras 3 + JAX, ${P.lstm16.kerasJax} ms (PEERS.md; Keras 3 + TF ${P.lstm16.kerasTf} ms)`, x2(l16 == null ? null : P.lstm16.kerasJax / l16),
    `≤ ${T.lstm16EpochMs} ms`, met(l16 <= T.lstm16EpochMs, l16)]);
  const group = (kind) => ours?.[kind]?.members ?? {};
  const cell = (m) => (m?.error ? 'failed (below)' : sps(m?.samplesPerSecond ?? null));
  const noPeers = ['—', '—', '—', '—'];
  const rnn = group('rnn256');
  const u = SEQUENCE.rnn256.units;
  const speed = rnn.simpleRNN?.vsReference ? 1 / rnn.simpleRNN.vsReference : null;
  rows.push([`GRU(${u}) training (ours, the reference of the next two rows)`, cell(rnn.gru), ...noPeers, '—', '—', '—', '—']);
  rows.push([`SimpleRNN(${u}) training`, cell(rnn.simpleRNN), ...noPeers, `GRU(${u}), same rounds: its epoch time over ours`, x2(speed), `≥ ${T.simpleRnnVsGru}×`, met(speed >= T.simpleRnnVsGru, speed)]);
  const bi = rnn.biGru?.vsReference ?? null;
  rows.push([`Bidirectional(GRU(${u})) training, concat`, cell(rnn.biGru), ...noPeers, `GRU(${u}), same rounds: our epoch time over its`, x2(bi), `≤ ${T.biGruVsGru}×`, met(bi <= T.biGruVsGru, bi)]);
  const v = group('lstm256Variants');
  const c = SEQUENCE.lstm256Variants;
  const maskedPct = ours?.lstm256Variants?.maskedFraction;
  rows.push([`LSTM(${c.units}) training, plain (ours, the reference of the next two rows)`, cell(v.plain), ...noPeers, '—', '—', '—', '—']);
  for (const [name, label] of [['masked', `LSTM(${c.units}) behind Masking, ${maskedPct == null ? '~25' : (maskedPct * 100).toFixed(0)}% of steps masked`], ['dropout', `LSTM(${c.units}) with dropout ${c.dropout}`]]) {
    const r = v[name]?.vsReference ?? null;
    rows.push([label, cell(v[name]), ...noPeers, `plain LSTM(${c.units}), same rounds: our epoch time over its`, x2(r), `≤ ${T.variantVsPlain}×`, met(r <= T.variantVsPlain, r)]);
  }
  rows.push(...textRows(results));
  // a case no stack ran (bench/sequence-layers.mjs --only) is left out
  const lines = [table(['workload', 'ours', 'tfjs-wasm', 'tfjs-cpu', 'ours vs tfjs-wasm', 'ours vs tfjs-cpu', 'compared with', 'ratio', 'target', 'met'],
    rows.filter((r) => r.slice(1, 4).some((v) => v !== '—')))];

  const first = (r, error = 'cannot') => (r?.error ? error : r ? `${ms(r.first)} (${r.loss.toFixed(3)})` : '—');
  const vocab = group('embeddingVocab');
  const firstRows = [
    ['LSTM(256)', first(ours?.lstm256), first(peer?.lstm256), '—'],
    ['seed-shape LSTM(16)', first(ours?.lstm16), first(peer?.lstm16), '—'],
    ...['gru', 'simpleRNN', 'biGru'].map((n) => [`${n} (group rnn256)`, rnn[n]?.error ? 'failed' : first(rnn[n]), '—', '—']),
    ...['plain', 'masked', 'dropout'].map((n) => [`LSTM(256) ${n} (group lstm256Variants)`, v[n]?.error ? 'failed' : first(v[n]), '—', '—']),
    ...['sentiment', 'textConv'].flatMap((k) => {
      const m = group(k);
      return [[`GRU(256) (group ${k})`, first(m.gru, 'failed'), '—', '—'], [`${k} (group ${k}; tfjs: the trial step, ${samplesText(SEQUENCE[k].peerSamples)})`, first(m[k], 'failed'), first(peer?.[k]), first(cpuPeer?.[k])]];
    }),
    ...['small', 'large'].map((n) => [`sentiment, ${n} Embedding (group embeddingVocab)`, vocab[n]?.error ? 'failed' : first(vocab[n]), '—', '—']),
  ];
  lines.push('', 'First (cold) epoch ms, with its loss (≈ ln 64 = 4.159 for the 256-unit models, ≈ ln 8 = 2.079 for LSTM(16), ≈ ln 2 = 0.693 for the text classifiers):', '',
    table(['case', 'ours', 'tfjs-wasm', 'tfjs-cpu'], firstRows.filter((r) => r.slice(1).some((c) => c !== '—'))));
  const groups = ['rnn256', 'lstm256Variants', 'sentiment', 'textConv', 'embeddingVocab'];
  for (const k of groups) for (const [n, m] of Object.entries(group(k))) if (m?.error) lines.push('', `${n} (${k}) failed to build: ${m.error}`);
  for (const [stack, r] of [['tfjs-wasm', peer], ['tfjs-cpu', cpuPeer]]) {
    for (const k of ['sentiment', 'textConv']) if (r?.[k]?.error) lines.push('', `${stack} cannot train ${k}: ${r[k].error}`);
  }
  return lines.join('\n');
}

/**
 * Issue 27's part (api-cases.mjs): the text-generation predict loop (calls/s), the tensor-ops mix (ms)
 * and per-call add (µs), each stack's median with ours against tfjs-wasm and tfjs-cpu, and our
 * synchronous seed predict against tfjs-wasm's predict of the models part. results-file.mjs reads
 * the first cells back.
 */
export function apiSection(results) {
  const api = (s) => results[s]?.api;
  if (!['ours', 'tfjs-wasm', 'tfjs-cpu'].some(api)) return null;
  const T = API_TARGETS;
  const perSecond = (c) => (c?.median ? (c.meta?.per ?? c.per) / (c.median / 1000) : null);
  const perCallUs = (c) => (c?.median ? (c.median * 1000) / (c.meta?.per ?? c.per) : null);
  const value = (s, kind, f) => f(api(s)?.[kind]);
  const fmt = (v, digits = 1) => (v == null ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(digits));
  const row = (label, kind, f, unit, higherIsBetter, target, targetText) => {
    const [o, w, c] = ['ours', 'tfjs-wasm', 'tfjs-cpu'].map((s) => value(s, kind, f));
    const vs = (p) => (o == null || p == null ? null : higherIsBetter ? o / p : p / o);
    const r = vs(w);
    return [label, o == null ? '—' : `${fmt(o)} ${unit}`, w == null ? '—' : `${fmt(w)} ${unit}`, c == null ? '—' : `${fmt(c)} ${unit}`,
      r == null ? '—' : `${r.toFixed(r >= 10 ? 0 : 2)}×`, vs(c) == null ? '—' : `${vs(c).toFixed(vs(c) >= 10 ? 0 : 2)}×`, targetText, met(r >= target, r)];
  };
  const rows = [
    row(`one-sample predict of LSTM(${GENERATE.units}) → Dense(${GENERATE.symbols}, softmax) over ${GENERATE.steps} × ${GENERATE.symbols} one-hot, ${GENERATE.calls} calls in a row`, 'generate', perSecond, 'calls/s', true, T.generateVsTfjsWasm, `≥ ${T.generateVsTfjsWasm}× tfjs-wasm`),
    row(`tensor ops: relu(a·b + c) and sum, max, mean((a − mean)²) over ${OPS.mixElements} elements, in tidy, read back`, 'opsMix', (c) => c?.median ?? null, 'ms', false, T.opsMixVsTfjsWasm, `≥ ${T.opsMixVsTfjsWasm}× tfjs-wasm`),
    row(`tensor ops: add on [${OPS.addShape.join(', ')}], result disposed, per call`, 'opsAdd', perCallUs, 'µs', false, T.opsAddVsTfjsWasm, `≥ ${T.opsAddVsTfjsWasm}× tfjs-wasm`),
  ];
  const sync = api('ours')?.predictSync?.median ?? null;
  const peerPredict = results['tfjs-wasm']?.models?.model1?.predict?.median ?? null;
  rows.push([`seed model1 predict ${SEED.samples} samples, synchronous \`predict\` (one batch)`, sync == null ? '—' : `${ms(sync)} ms`, peerPredict == null ? '—' : `${ms(peerPredict)} ms (models part)`, '—',
    ratio(peerPredict, sync), '—', `≤ ${T.predictSyncMs} ms`, met(sync <= T.predictSyncMs, sync)]);
  return table(['workload', 'ours', 'tfjs-wasm', 'tfjs-cpu', 'ours vs tfjs-wasm', 'ours vs tfjs-cpu', 'target', 'met'], rows.filter((r) => r.slice(1, 4).some((v) => v !== '—')));
}

function sequenceNotes(results) {
  const ours = results.ours?.sequence;
  const peer = results['tfjs-wasm']?.sequence;
  const cpuPeer = results['tfjs-cpu']?.sequence;
  const c = SEQUENCE;
  const runs = (r) => (r?.error ? 'none: cannot' : r ? `${r.runs}` : 'none: not run');
  return `Every recurrent layer here uses tfjs's math on both stacks: recurrentActivation hard_sigmoid (tfjs's default; ours and Keras 3 default to sigmoid, at about the same speed), ` +
    `GRU reset_after=false, LSTM unitForgetBias false. LSTM(256): ours trains epochs of ${c.lstm256.samples} samples on ${c.lstm256.workers} workers (median of ${runs(ours?.lstm256)}), ` +
    `tfjs-wasm one step of ${c.lstm256.peerSamples} samples per sample (median of ${runs(peer?.lstm256)}), after one warm-up epoch each, samples interleaved. ` +
    `Seed-shape LSTM(16): model1 of the seed with LSTM(16) for its GRU, one epoch of fit, ours on workers 'auto' (median of ${runs(ours?.lstm16)}; tfjs-wasm ${runs(peer?.lstm16)}). ` +
    `GRU(256) / SimpleRNN(256) / Bidirectional(GRU(256)) (ours, ${c.rnn256.workers} workers) and plain / masked / dropout LSTM(256) (ours, ${c.lstm256Variants.workers} workers): ` +
    `epochs of ${c.rnn256.samples} samples, one epoch of each model per round in rotating order (${runs(ours?.rnn256)} and ${runs(ours?.lstm256Variants)} rounds); ` +
    `"ratio" is the median over rounds of the two epochs' times in that round. Masked: a Masking(0) layer in front, each row's last 0–${c.lstm256Variants.maskedMax} steps (uniform) set to 0, ` +
    `and the loss averages over unmasked steps (Keras 3). The Keras figures are shared/PEERS.md's (2026-12-07, this kind of machine), not measured in this run; ` +
    `PEERS.md's tfjs-wasm figures then: LSTM(256) ${SEQUENCE_PEERS.lstm256.tfjsWasm} samples/s, LSTM(16) epoch ${SEQUENCE_PEERS.lstm16.tfjsWasm} ms. ` +
    `Text classifiers (int32 ids uniform in [1, ${c.sentiment.ids}), random 0/1 labels, binaryCrossentropy + adam): ours trains epochs of ${c.sentiment.samples} (sentiment) and ` +
    `${c.textConv.samples} (textConv) samples on ${c.sentiment.workers} workers, each in turn with an epoch of as many samples of the GRU(256) workload (the issue's yardstick; ` +
    `${runs(ours?.sentiment)} and ${runs(ours?.textConv)} rounds after one warm-up epoch each; ours also trains the sentiment model on text-like ids in the same rounds: ` +
    `id r in [1, ${c.sentiment.ids}) with probability ∝ 1/r, as word ranks, bench/data.mjs zipfIdsData); ` +
    `tfjs first tries one step of ${samplesText(c.sentiment.peerSamples)} (sentiment) and ${samplesText(c.textConv.peerSamples)} (textConv) to see whether the backend can train the model (the warm-up), then times such steps ` +
    `(tfjs-cpu's timed steps: sentiment ${runs(cpuPeer?.sentiment)}, textConv ${runs(cpuPeer?.textConv)}; its Embedding gradient, UnsortedSegmentSum, loops over the ${c.sentiment.vocab} rows with whole-batch ops, so a step's time grows with its samples). ` +
    `Embedding vocabulary: the sentiment model with ${c.embeddingVocab.vocabs.join(' and ')} rows on the same ids, with plain SGD and with adam, epochs of ${c.embeddingVocab.samples} samples in turn (${runs(ours?.embeddingVocab)} rounds).`;
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
  // a run of some parts (run.mjs --parts) has no seed models or GEMM: their tables are left out
  const ran = (part) => Object.values(results).some((r) => Object.keys(r[part] ?? {}).length > 0);
  return [
    `## ${m.date}${quick ? ' (--quick)' : ''}`,
    '',
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${commit}. Each stack in its own processes (seed models, GEMM, GRU(256), sequence layers); timed samples interleaved across stacks, one process working at a time; total ${seconds.toFixed(0)} s.` +
      (skipped.length ? ` Skipped: ${skipped.join(', ')}.` : ''),
    '',
    ...(ran('models') ? [
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
    ] : []),
    ...(ran('gemm') ? [
      '### f32 matrix multiply, square, 1 thread — GFLOP/s = 2·M·N·K / median time (ratio > 1: ours is faster)',
      '',
      gemmTable(results),
      '',
    ] : []),
    ...(ran('models') && relaxedTable(results) ? [
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
    ...(sequenceSection(results) ? [
      `### Sequence layers: LSTM(256) and the seed-shape LSTM(16) against tfjs-wasm; SimpleRNN(256) and Bidirectional(GRU(256)) against GRU(256), masked and dropout LSTM(256) against plain, each pair from the same rounds (issue 25's targets); the text classifiers against our GRU(256), native Keras and tfjs, the Embedding at two vocabulary sizes (issue 26's)`,
      '',
      sequenceSection(results),
      '',
      sequenceNotes(results),
      '',
    ] : []),
    ...(apiSection(results) ? [
      '### TensorFlow.js API: the text-generation predict loop and the tensor ops (issue 27; ratio > 1: ours is faster)',
      '',
      apiSection(results),
      '',
      `Each stack runs the same script (bench/api-cases.mjs) on its own API: a sample is ${GENERATE.calls} predicts, one mix, or ${OPS.addCalls} adds; medians over the plan's samples after a warm-up; ` +
        'tfjs predicts on its one thread, ours in the calling thread on the wasm kernels (synchronous predict).',
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
