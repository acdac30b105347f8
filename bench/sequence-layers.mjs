// Not part of `npm run bench`: the sequence part's figures for ours alone, in about a minute, for
// development. The same cases as the bench (config.mjs SEQUENCE, workload.mjs, sequence-ours.mjs),
// fewer samples, no tfjs: LSTM(256) is set against shared/PEERS.md's tfjs-wasm and Keras figures
// instead of a tfjs-wasm run next to it.
//   node --expose-gc bench/sequence-layers.mjs [--runs N] [--only lstm256,lstm16,rnn256,lstm256Variants,sentiment,textConv,embeddingVocab] [--workers auto|N]
// It runs whatever is in dist/ and build/ (npm run build first).
import { parseArgs } from 'node:util';
import * as wl from 'wasm-layers';
import { SEQUENCE, SEQUENCE_PEERS, SEQUENCE_TARGETS } from './config.mjs';
import { sequenceSection } from './report.mjs';
import { oursSequence } from './sequence-ours.mjs';
import { median, sample } from './timing.mjs';
import { caseRunner } from './workload.mjs';

const KINDS = ['lstm256', 'lstm16', 'rnn256', 'lstm256Variants', 'sentiment', 'textConv', 'embeddingVocab'];
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string' },
    only: { type: 'string' },
    workers: { type: 'string', default: 'auto' },
  },
});
const kinds = opts.only ? opts.only.split(',').map((k) => k.trim()) : KINDS;
for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`--only takes ${KINDS.join(', ')}; got ${k}`);
const workers = opts.workers === 'auto' ? 'auto' : Number(opts.workers);
// timed samples per case: the seed-shape epoch is ~30 ms, the others seconds (a group's sample is one epoch of each member)
const runs = opts.runs ? Object.fromEntries(KINDS.map((k) => [k, Number(opts.runs)])) : { lstm256: 2, lstm16: 9, rnn256: 2, lstm256Variants: 2, sentiment: 3, textConv: 2, embeddingVocab: 2 };

if (!globalThis.gc) console.warn('(run with node --expose-gc to collect garbage before each case)');
wl.setSeed(42);
const { variant } = await wl.ready();
const started = performance.now();
const plan = { warmup: 2, seqRuns: runs };
const prepare = caseRunner({ info: { name: 'ours' }, sequence: async (kind) => oursSequence(wl, kind, workers) }, plan);

const sequence = {};
for (const kind of kinds) {
  const c = await prepare(`seq/${kind}`);
  const times = [];
  for (let i = 0; i < runs[kind]; i++) times.push(await sample(c.fn, c.reps));
  const r = { ...c.meta, ...(c.summary?.() ?? {}), median: median(times), runs: times.length };
  r.samplesPerSecond = (r.samples / r.median) * 1000;
  sequence[kind] = r;
  const members = r.members ? Object.entries(r.members).map(([n, m]) => (m.error ? `${n} failed` : `${n} ${m.median.toFixed(0)} ms (${m.vsReference.toFixed(2)}×)`)).join(', ') : `${r.median.toFixed(1)} ms per epoch`;
  console.error(`${kind}: ${members}`);
}

console.log(`\nwasm-layers (kernels ${variant}, Node ${process.version}, workers ${workers} for the seed shape, ${SEQUENCE.lstm256.workers} for the 256-unit models); ` +
  `${((performance.now() - started) / 1000).toFixed(0)} s. No tfjs run here: see npm run bench for the side-by-side ratios.\n`);
console.log(sequenceSection({ ours: { sequence } }));
const l256 = sequence.lstm256?.samplesPerSecond;
if (l256) {
  const x = l256 / SEQUENCE_PEERS.lstm256.tfjsWasm;
  console.log(`\nLSTM(256): ${l256.toFixed(0)} samples/s = ${x.toFixed(0)}× shared/PEERS.md's tfjs-wasm (${SEQUENCE_PEERS.lstm256.tfjsWasm} samples/s, another day; ` +
    `target ≥ ${SEQUENCE_TARGETS.lstm256VsTfjsWasm}× in the same run) and ${(l256 / SEQUENCE_PEERS.lstm256.kerasTf).toFixed(2)}× native Keras 3 + TF's ${SEQUENCE_PEERS.lstm256.kerasTf}.`);
}
process.exit(0); // the worker pool would keep the process alive
