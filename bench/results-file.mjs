// Where a full run goes. Each run's whole record (every table report.mjs and report-workers.mjs
// printed) is a file of its own, bench/results/<UTC date>T<hh-mm>.md. bench/RESULTS.md is an index
// rebuilt from those files after every run: the latest run's headline figures on top, then one
// row per run, oldest first, linking to its record. Other .md files in bench/results/ (notes written
// by hand) are listed, never parsed.
//
// The headline figures are read back from the records' markdown, by heading and column name, so the
// index covers runs recorded before this layout too. Keep the headings and column names report.mjs
// and report-workers.mjs print in step with the patterns below; a figure that is not found shows as "—".
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUN_FILE = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)(?:-(\d\d))?\.md$/;
const DATE = /^#{1,2} (?:Benchmark run, )?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)/m;
const MACHINE = /^(.+), (\d+) cores, Node (v[\d.]+), (?:commit `([0-9a-f]+)`|no git commit)\./m;

/**
 * Writes one full run (`section`, as report.mjs renders it: `## <date>` and `### ` subsections) to
 * `<benchDir>/results/<date>.md` and rebuilds `<benchDir>/RESULTS.md`. Returns both paths.
 */
export function recordRun(benchDir, section) {
  const date = section.match(DATE)?.[1];
  if (!date) throw new Error(`a run section starts with "## <YYYY-MM-DD hh:mm:ss> UTC", got: ${section.slice(0, 80)}`);
  const dir = join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const text = recordText(section);
  const [day, time] = date.split(' ');
  const [hh, mm, ss] = time.split(':');
  let path = join(dir, `${day}T${hh}-${mm}.md`);
  if (existsSync(path) && readFileSync(path, 'utf8') !== text) path = join(dir, `${day}T${hh}-${mm}-${ss}.md`);
  writeFileSync(path, text);
  const index = join(benchDir, 'RESULTS.md');
  writeFileSync(index, renderIndex(dir));
  return { record: path, index };
}

/** A run's section as a file of its own: the date as its title, a way back to the index. */
export function recordText(section) {
  const lines = section.trim().split('\n');
  const date = lines[0].match(DATE)[1];
  const body = lines.slice(1).map((l) => (l.startsWith('### ') ? l.slice(1) : l));
  return [
    `# Benchmark run, ${date}`,
    '',
    'Written by `npm run bench`. All runs: [../RESULTS.md](../RESULTS.md); what is measured and how to read it: [../README.md](../README.md).',
    ...body,
    '',
  ].join('\n');
}

/** The markdown table that follows the first line matching `title` (a heading or a caption). */
export function tableAfter(text, title) {
  const lines = text.split('\n');
  let i = lines.findIndex((l) => title.test(l));
  if (i < 0) return null;
  while (++i < lines.length && !lines[i].startsWith('|')) if (/^#/.test(lines[i])) return null;
  const cells = (l) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const header = cells(lines[i]);
  const rows = [];
  for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(Object.fromEntries(cells(lines[i]).map((c, k) => [header[k], c])));
  return { header, rows, row: (first) => rows.find((r) => first.test(r[header[0]])) ?? {} };
}

/** The figures RESULTS.md shows for one run record; every figure is a string as the record prints it. */
export function headline(record) {
  const machine = record.match(MACHINE);
  const empty = { row: () => ({}) };
  const fit = tableAfter(record, /^#+ Seed models(?: \([^)]*\))?: one epoch of fit/) ?? empty;
  const predict = tableAfter(record, /^#+ Seed models: predict/) ?? empty;
  const gemm = tableAfter(record, /^#+ f32 matrix multiply/) ?? empty;
  const relaxed = tableAfter(record, /^#+ The relaxed-SIMD \(FMA\) build/) ?? empty;
  const gru = tableAfter(record, /^#+ GRU\(\d+\) on .* epochs sampled in turn across stacks/) ?? empty;
  const scaling = tableAfter(record, /^GRU\(\d+\) on .*, median of \d+:$/) ?? empty;
  const cold = tableAfter(record, /^#+ Cold start/) ?? empty;
  const seq = tableAfter(record, /^#+ Sequence layers/);
  const api = tableAfter(record, /^#+ TensorFlow\.js API/);
  const rss = record.match(/^Peak RSS training GRU\(\d+\)[^\n]*?\*\*(\d+) MB\*\*/m)?.[1];
  const gruOurs = gru.row(/^ours \(/);
  const gruRelaxed = gru.row(/^ours, relaxed/);
  const gruPeer = gru.row(/^tfjs-wasm/);
  const models = ['model1', 'model2', 'model3'];
  const sizes = (gemm.rows ?? []).map((r) => r['M = N = K']);
  return {
    date: record.match(DATE)?.[1],
    cpu: machine?.[1],
    cores: machine?.[2],
    node: machine?.[3],
    commit: machine?.[4] ?? null,
    fit: Object.fromEntries(models.map((m) => {
      const r = fit.row(new RegExp(`^${m}$`));
      const x = relaxed.row(new RegExp(`^${m} epoch$`));
      return [m, { ours: r['ours ms'], oneThread: r['ours 1 thread ms'], wasm: r['tfjs-wasm ms'], cpu: r['tfjs-cpu ms'], vsWasm: r['tfjs-wasm / ours'], vsCpu: r['tfjs-cpu / ours'], oneThreadVsWasm: r['tfjs-wasm / ours 1 thread'], relaxed: x['relaxed build'], relaxedVsWasm: x['tfjs-wasm / relaxed (GEMM: relaxed / tfjs-wasm)'] }];
    })),
    predict: Object.fromEntries(models.map((m) => {
      const r = predict.row(new RegExp(`^${m}$`));
      const x = relaxed.row(new RegExp(`^${m} predict$`));
      return [m, { ours: r['ours ms'], oneThread: r['ours 1 thread ms'], wasm: r['tfjs-wasm ms'], cpu: r['tfjs-cpu ms'], vsWasm: r['tfjs-wasm / ours'], vsCpu: r['tfjs-cpu / ours'], oneThreadVsWasm: r['tfjs-wasm / ours 1 thread'], relaxed: x['relaxed build'], relaxedVsWasm: x['tfjs-wasm / relaxed (GEMM: relaxed / tfjs-wasm)'] }];
    })),
    gemm: Object.fromEntries(sizes.map((size) => {
      const r = gemm.row(new RegExp(`^${size}$`));
      const x = relaxed.row(new RegExp(`^GEMM ${size} `));
      return [size, { ours: r['ours GFLOP/s'], wasm: r['tfjs-wasm GFLOP/s'], cpu: r['tfjs-cpu GFLOP/s'], vsWasm: r['ours / tfjs-wasm'], relaxed: x['relaxed build'], relaxedVsWasm: x['tfjs-wasm / relaxed (GEMM: relaxed / tfjs-wasm)'] }];
    })),
    gru256: gruOurs['samples/s'] ? {
      ours: gruOurs['samples/s'], vsWasm: gruOurs['samples/s vs tfjs-wasm'], wasm: gruPeer['samples/s'],
      relaxed: gruRelaxed['samples/s'], relaxedVsWasm: gruRelaxed['samples/s vs tfjs-wasm'],
    } : null,
    sequence: seq ? {
      lstm256: seq.row(/^LSTM\(\d+\) training, batch/),
      lstm16: seq.row(/^seed-shape LSTM/),
      simpleRnn: seq.row(/^SimpleRNN/),
      biGru: seq.row(/^Bidirectional/),
      masked: seq.row(/^LSTM\(\d+\) behind Masking/),
      dropout: seq.row(/^LSTM\(\d+\) with dropout/),
      sentiment: seq.row(/^sentiment: /),
      sentimentKeras: seq.row(/^sentiment, against/),
      sentimentText: seq.row(/^sentiment on text-like ids \(/),
      sentimentTextKeras: seq.row(/^sentiment on text-like ids, against/),
      textConv: seq.row(/^textConv: /),
      textConvKeras: seq.row(/^textConv, against/),
      vocab: seq.row(/-row Embedding, the same ids/),
    } : null,
    api: api ? {
      generate: api.row(/^one-sample predict/),
      opsMix: api.row(/^tensor ops: relu/),
      opsAdd: api.row(/^tensor ops: add/),
      predictSync: api.row(/^seed model1 predict .* synchronous/),
    } : null,
    twoWorkers: scaling.row(/^2$/)['vs 1 worker'],
    firstStepMs: (cold.rows ?? []).find((r) => /^first training step of model1/.test(r.to))?.ms,
    peakRssMB: rss,
  };
}

const dash = (v) => (v == null || v === '' || v === '—' ? '—' : v);
const unit = (v, u) => (v == null || v === '—' ? '—' : `${v} ${u}`);
const slash = (values, suffix = '') => (values.every((v) => v == null || v === '—') ? '—' : values.map(dash).join(' / ') + suffix);
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The latest run: one row per workload, each stack's figure and how many times faster ours ran. */
function latestTable(h) {
  const rows = [];
  for (const m of ['model1', 'model2', 'model3']) {
    const f = h.fit[m];
    rows.push([`seed ${m}, one epoch of fit (1000 samples, batch 128)`, unit(f.ours, 'ms'), unit(f.relaxed, 'ms'), unit(f.wasm, 'ms'), unit(f.cpu, 'ms'), dash(f.vsWasm), dash(f.relaxedVsWasm), dash(f.vsCpu)]);
  }
  for (const m of ['model1', 'model2', 'model3']) {
    const f = h.fit[m];
    if (f.oneThread) rows.push([`seed ${m}, one epoch, one thread (\`workers: 0\`)`, unit(f.oneThread, 'ms'), '—', unit(f.wasm, 'ms'), unit(f.cpu, 'ms'), dash(f.oneThreadVsWasm), '—', '—']);
  }
  for (const m of ['model1', 'model2', 'model3']) {
    const p = h.predict[m];
    rows.push([`seed ${m}, predict 1000 samples (one batch)`, unit(p.ours, 'ms'), unit(p.relaxed, 'ms'), unit(p.wasm, 'ms'), unit(p.cpu, 'ms'), dash(p.vsWasm), dash(p.relaxedVsWasm), dash(p.vsCpu)]);
  }
  for (const [size, g] of Object.entries(h.gemm)) {
    rows.push([`f32 GEMM ${size}³, one thread`, unit(g.ours, 'GFLOP/s'), unit(g.relaxed, 'GFLOP/s'), unit(g.wasm, 'GFLOP/s'), unit(g.cpu, 'GFLOP/s'), dash(g.vsWasm), dash(g.relaxedVsWasm), '—']);
  }
  if (h.gru256) {
    const g = h.gru256;
    rows.push(['GRU(256) over (64, 64), batch 256, training on 2 workers', unit(g.ours, 'samples/s'), unit(g.relaxed, 'samples/s'), unit(g.wasm, 'samples/s'), '—', dash(g.vsWasm), dash(g.relaxedVsWasm), '—']);
  }
  if (h.sequence) {
    const q = h.sequence;
    const none = ['—', '—', '—', '—', '—', '—'];
    rows.push([q.lstm256.workload ?? 'LSTM(256) training', dash(q.lstm256.ours), '—', dash(q.lstm256['tfjs-wasm']), '—', dash(q.lstm256['ours vs tfjs-wasm']), '—', '—']);
    if (q.lstm256['compared with']) rows.push([`LSTM(256) training, ours against ${q.lstm256['compared with']}`, dash(q.lstm256.ratio), ...none]);
    rows.push([q.lstm16.workload ?? 'seed-shape LSTM(16), one epoch', dash(q.lstm16.ours), '—', dash(q.lstm16['tfjs-wasm']), '—', dash(q.lstm16['ours vs tfjs-wasm']), '—', '—']);
    if (q.lstm16['compared with']) rows.push([`seed-shape LSTM(16) epoch, ours against ${q.lstm16['compared with']}`, dash(q.lstm16.ratio), ...none]);
    for (const [r, text] of [[q.simpleRnn, 'speed over GRU(256)\'s'], [q.biGru, 'epoch time over GRU(256)\'s'], [q.masked, 'epoch time over plain LSTM(256)\'s'], [q.dropout, 'epoch time over plain LSTM(256)\'s']]) {
      if (r.workload) rows.push([`${r.workload}: ${dash(r.ours).replace(' (below)', ' (see the run\'s record)')}; ${text}, same rounds (ours)`, dash(r.ratio), ...none]);
    }
    const record = (v) => dash(v).replace(' (below)', ' (see the run\'s record)');
    for (const [r, keras] of [[q.sentiment, q.sentimentKeras], [q.textConv, q.textConvKeras]]) {
      if (!r.workload) continue; // a record from before the text classifiers
      rows.push([r.workload, record(r.ours), '—', record(r['tfjs-wasm']), record(r['tfjs-cpu']), dash(r['ours vs tfjs-wasm']), '—', dash(r['ours vs tfjs-cpu'])]);
      rows.push([`${r.workload.split(':')[0]}, ours against ${r['compared with']}`, dash(r.ratio), ...none]);
      if (keras.workload) rows.push([`${r.workload.split(':')[0]}, ours against ${keras['compared with']}`, dash(keras.ratio), ...none]);
    }
    if (q.sentimentText?.workload) {
      rows.push([`${q.sentimentText.workload}: against our GRU(256) workload, same rounds`, dash(q.sentimentText.ratio), ...none]);
      if (q.sentimentTextKeras?.workload) rows.push([`${q.sentimentTextKeras.workload}: ${dash(q.sentimentTextKeras.ours)}`, dash(q.sentimentTextKeras.ratio), ...none]);
    }
    if (q.vocab.workload) rows.push([`${q.vocab.workload}: epoch time over the small table's, same rounds (ours)`, dash(q.vocab.ratio), ...none]);
  }
  if (h.api) {
    for (const r of Object.values(h.api)) {
      if (r.workload) rows.push([r.workload, dash(r.ours), '—', dash(r['tfjs-wasm']), dash(r['tfjs-cpu']), dash(r['ours vs tfjs-wasm']), '—', dash(r['ours vs tfjs-cpu'])]);
    }
  }
  if (h.twoWorkers) rows.push(['GRU(256) training, 2 workers against 1 (ours)', h.twoWorkers, '—', '—', '—', '—', '—', '—']);
  if (h.firstStepMs) rows.push(['`import` to the end of the first training step (ours, fresh process)', unit(h.firstStepMs, 'ms'), '—', '—', '—', '—', '—', '—']);
  if (h.peakRssMB) rows.push(['peak RSS training GRU(256), 2 workers (ours)', unit(h.peakRssMB, 'MB'), '—', '—', '—', '—', '—', '—']);
  return table(['workload', 'wasm-layers', 'wasm-layers, FMA build', 'tfjs-wasm', 'tfjs-cpu', 'ours vs tfjs-wasm', 'FMA build vs tfjs-wasm', 'ours vs tfjs-cpu'], rows);
}

/** One row per run, oldest first. */
function historyTable(runs) {
  const rows = runs.map(({ file, h }) => {
    const sizes = Object.keys(h.gemm);
    const models = ['model1', 'model2', 'model3'];
    return [
      `[${h.date.replace(' UTC', '')}](results/${file})`,
      h.commit ? `\`${h.commit}\`` : '—',
      h.node ?? '—',
      `${unit(h.fit.model1.ours, 'ms')}, ${dash(h.fit.model1.vsWasm)}`,
      dash(h.fit.model1.oneThreadVsWasm),
      slash(models.map((m) => h.predict[m].ours), ' ms'),
      slash(models.map((m) => h.predict[m].vsWasm)),
      slash(sizes.map((s) => h.gemm[s].ours)),
      slash(sizes.map((s) => h.gemm[s].vsWasm)),
      h.gru256 ? `${dash(h.gru256.ours)}/s, ${dash(h.gru256.vsWasm)}` : '—',
      dash(h.gru256?.relaxedVsWasm),
      unit(h.firstStepMs, 'ms'),
      h.sequence ? `${dash(h.sequence.lstm256.ours)}, ${dash(h.sequence.lstm256['ours vs tfjs-wasm'])}` : '—',
      h.sequence ? `${dash(h.sequence.lstm16.ours)}, ${dash(h.sequence.lstm16['ours vs tfjs-wasm'])}` : '—',
      h.sequence ? `${slash([h.sequence.simpleRnn.ratio, h.sequence.biGru.ratio])}; ${slash([h.sequence.masked.ratio, h.sequence.dropout.ratio])}` : '—',
    ];
  });
  const sizes = [...new Set(runs.flatMap(({ h }) => Object.keys(h.gemm)))].join(' / ');
  return table([
    'run (UTC), full record', 'commit', 'Node', 'seed model1 epoch, vs tfjs-wasm', 'the same on one thread, vs tfjs-wasm',
    'seed predict, models 1 / 2 / 3', 'predict vs tfjs-wasm', `GEMM ${sizes} GFLOP/s`, 'GEMM vs tfjs-wasm',
    'GRU(256) samples/s, vs tfjs-wasm', 'FMA build GRU(256) vs tfjs-wasm', 'import to first step',
    'LSTM(256) training, vs tfjs-wasm', 'seed-shape LSTM(16) epoch, vs tfjs-wasm', 'SimpleRNN speed / Bi-GRU time vs GRU(256); masked / dropout time vs LSTM(256)',
  ], rows);
}

/** RESULTS.md from the run records (and notes) in `dir`. */
export function renderIndex(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  const runs = files.filter((f) => RUN_FILE.test(f)).map((file) => ({ file, h: headline(readFileSync(join(dir, file), 'utf8')) }))
    .filter(({ h }) => h.date).sort((a, b) => a.h.date.localeCompare(b.h.date));
  const notes = files.filter((f) => !RUN_FILE.test(f));
  const latest = runs.at(-1);
  const out = [
    '# Benchmark results',
    '',
    '<!-- Written by `npm run bench` (bench/results-file.mjs) from the run records in results/; edits here are overwritten. -->',
    '',
    'wasm-layers next to TensorFlow.js 4.22 (wasm and cpu backends), measured by `npm run bench` in the same run, samples interleaved',
    'across the stacks. [README.md](README.md) says what each workload is and how it is timed. "vs" columns: how many times faster ours',
    'ran (above 1×: ours is faster). Shared machines drift in speed from minute to minute: compare the ratios measured side by side',
    'in one run, not milliseconds across runs. "wasm-layers" is the library\'s defaults (`workers: \'auto\'`, the kernel build the',
    'runtime picks: plain SIMD on Node 20); "FMA build" is the relaxed-SIMD kernels, which Node ≥ 22, Chrome ≥ 114 and Deno pick by',
    'default and Node 20 runs with `ready({ enableRelaxedSimdFlag: true })`.',
    '',
  ];
  const title = (f) => readFileSync(join(dir, f), 'utf8').match(/^# (.+)$/m)?.[1] ?? f;
  if (notes.length) out.push(`Notes kept by hand: ${notes.map((f) => `[${title(f)}](results/${f})`).join('; ')}.`, '');
  if (latest) {
    const h = latest.h;
    out.push(
      `## Latest run: ${h.date}`,
      '',
      `Commit ${h.commit ? `\`${h.commit}\`` : '(none)'}, Node ${h.node}, ${h.cpu}, ${h.cores} cores. ` +
        `Every table of the run: [results/${latest.file}](results/${latest.file}).`,
      '',
      latestTable(h),
      '',
      `## All runs (${runs.length}, oldest first)`,
      '',
      'Each run\'s figures as its record prints them; "—": not measured in that run (an earlier form of the measurement may be in its record).',
      '',
      historyTable(runs),
      '',
    );
  }
  return out.join('\n');
}
