// npm run bench [-- --quick] [-- --stacks ours,tfjs-wasm] [-- --parts sequence] [-- --no-write]
// Each stack runs in its own Node processes (one per part: seed models, GEMM, GRU(256), sequence
// layers); the parent interleaves their timed samples (schedule.mjs) and prints the tables. A full run writes them to
// bench/results/<UTC date>.md and rebuilds bench/RESULTS.md (the latest run's headline table, one row
// per run) from those records (results-file.mjs).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { STACKS, planFor } from './config.mjs';
import { startStack } from './ipc.mjs';
import { machine } from './machine.mjs';
import { renderRun } from './report.mjs';
import { renderWorkers } from './report-workers.mjs';
import { execFileSync } from 'node:child_process';
import { recordRun } from './results-file.mjs';
import { runPart } from './schedule.mjs';
import { CASES, PARTS, runsFor } from './workload.mjs';

const USAGE = `Usage: npm run bench [-- options]
  --quick           fewer runs, no tfjs-cpu, nothing written (for development)
  --stacks a,b      only these stacks (${Object.keys(STACKS).join(', ')})
  --parts a,b       only these parts (${[...PARTS, 'workers'].join(', ')}; workers: ours' worker
                    scaling, cold start and memory); a run of some parts is printed, not written
  --no-write        do not write bench/results/<date>.md nor update bench/RESULTS.md
  -h, --help        this text`;

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    stacks: { type: 'string' },
    parts: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const wanted = opts.stacks ? opts.stacks.split(',').map((s) => s.trim()) : Object.keys(STACKS);
const unknown = wanted.filter((s) => !STACKS[s]);
if (unknown.length) {
  console.error(`Unknown stack(s): ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const PART_NAMES = [...PARTS, 'workers'];
const parts = opts.parts ? opts.parts.split(',').map((s) => s.trim()) : PART_NAMES;
const unknownParts = parts.filter((p) => !PART_NAMES.includes(p));
if (unknownParts.length) {
  console.error(`Unknown part(s): ${unknownParts.join(', ')}\n${USAGE}`);
  process.exit(2);
}
if (!globalThis.gc) console.warn('(run with node --expose-gc, as npm run bench does, to collect garbage between cases)');

const started = performance.now();
const names = Object.keys(STACKS).filter((n) => wanted.includes(n) && planFor(n, opts.quick));
const skipped = Object.keys(STACKS).filter((n) => !names.includes(n));
const results = Object.fromEntries(names.map((n) => [n, { plan: planFor(n, opts.quick), models: {}, gemm: {}, seconds: 0 }]));
const notes = [];

for (const part of PARTS.filter((p) => parts.includes(p))) {
  // a stack takes part when its config allows and its plan has runs for the part (--quick: no GRU(256))
  const inPart = names.filter((n) => (!STACKS[n].parts || STACKS[n].parts.includes(part)) &&
    CASES[part].some((id) => runsFor(results[n].plan, id) > 0));
  if (inPart.length === 0) continue;
  console.log(`\n${part}: ${inPart.join(', ')} (one process each, samples interleaved)`);
  const stacks = [];
  for (const name of inPart) {
    const handle = await startStack(name, STACKS[name], [...(opts.quick ? ['--quick'] : []), '--part', part]);
    stacks.push({ name, handle, plan: results[name].plan });
  }
  const byStack = await runPart(part, stacks, (line) => console.log(`  ${line}`));
  for (const { name, handle } of stacks) {
    await handle.close();
    const r = results[name];
    r.info = handle.info;
    r.seconds += handle.busyMs / 1000;
    const noted = new Set(notes); // the same notice from both parts is noted once
    for (const line of handle.output) if (!noted.has(`${name}: ${line}`)) notes.push(`${name}: ${line}`);
    for (const [id, c] of Object.entries(byStack[name])) {
      const [what, kind] = id.split('/');
      if (what === 'gemm') r.gemm[kind] = { ...c, gflops: (2 * Number(kind) ** 3) / (c.median * 1e6) };
      else if (what === 'gru256') r.gru256 = { ...c, samplesPerSecond: (c.samples / c.median) * 1000 };
      else if (what === 'seq') (r.sequence ??= {})[kind] = c.error ? c : { ...c, samplesPerSecond: (c.samples / c.median) * 1000 };
      else if (what === 'api') (r.api ??= {})[kind] = c;
      else (r.models[what] ??= {})[kind] = c;
    }
  }
}
for (const r of Object.values(results)) for (const m of Object.values(r.models)) m.firstLoss = m.fit.loss;
for (const n of names) {
  if (results[n].info) continue; // in none of the parts run (--parts)
  delete results[n];
  skipped.push(`${n} (in none of the parts run)`);
}

let workersSection = '';
if (names.includes('ours') && parts.includes('workers')) {
  console.log('\nworker scaling (ours): bench/workers.mjs');
  const script = fileURLToPath(new URL('workers.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [script, ...(opts.quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = fileURLToPath(new URL('first-step.mjs', import.meta.url));
  const runs = opts.quick ? 3 : 7;
  const samples = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [first]).toString().trim().split('\n').at(-1)));
  const med = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[runs >> 1];
  const latency = { runs, importMs: med('importMs'), firstStepMs: med('firstStepMs'), sinceProcessStartMs: med('sinceProcessStartMs') };
  const memoryScript = fileURLToPath(new URL('gru256-memory.mjs', import.meta.url));
  const memory = JSON.parse(execFileSync(process.execPath, [memoryScript]).toString().trim().split('\n').at(-1));
  workersSection = renderWorkers(JSON.parse(out.toString().trim().split('\n').at(-1)), latency, memory);
}

const section = [
  renderRun({ machine: machine(), results, quick: opts.quick, skipped, seconds: (performance.now() - started) / 1000, notes }),
  workersSection,
].filter(Boolean).join('\n\n');
console.log(`\n${section}`);
if (opts.quick || opts['no-write'] || opts.parts) {
  console.log('(results not written: --quick, --no-write or --parts)');
} else {
  const { record, index } = recordRun(fileURLToPath(new URL('.', import.meta.url)), section);
  console.log(`Written to ${record}; ${index} updated`);
}
