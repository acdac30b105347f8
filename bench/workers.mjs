// Worker scaling (ours only): samples/s of fit with 0 (in-process), 1, 2 workers and 'auto', on the
// seed model1 and on GRU(256) over (64, 64) → TimeDistributed(Dense(64)) → softmax, batch 256.
// Run by `npm run bench` (after the peer parts) or by hand: node bench/workers.mjs [--quick]
// Prints one JSON line: { cases: [{ name, samples, batchSize, runs, rows: [{ workers, ms, samplesPerSecond,
// times: each round's epoch ms }] }] }; round r sampled every setting once, one after the other.
import { parseArgs } from 'node:util';
import * as wl from 'wasm-layers';
import { GRU256 as G } from './config.mjs';
import { median, sample, warmUp } from './timing.mjs';

const { values: opts } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const runs = opts.quick ? 3 : 5;

const CASES = [
  {
    name: 'seed model1 (GRU(16) → TimeDistributed(Dense(8)) → softmax)',
    samples: 1000, batchSize: 128, xShape: [64, 15], yShape: [64, 8], settings: [0, 1, 2, 'auto'],
    build: () => [
      wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15], resetAfter: false, recurrentActivation: 'hard_sigmoid' }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }),
    ],
  },
  // the thresholds (src/parallel/worker-count.ts): the same model at smaller steps; 'auto' shares a
  // step between this thread and workers from 13 MFLOP per share (batch 48 here), workers alone need 30
  ...[32, 48, 64].map((batchSize) => ({
    name: `worker threshold: seed model1 at batch ${batchSize} (≈ ${(batchSize * 0.62).toFixed(0)} MFLOP per step)`,
    samples: 1000, batchSize, xShape: [64, 15], yShape: [64, 8], settings: [0, 2, 'auto'],
    build: () => [
      wl.layers.gru({ units: 16, returnSequences: true, inputShape: [64, 15], resetAfter: false, recurrentActivation: 'hard_sigmoid' }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }),
    ],
  })),
  {
    name: `GRU(${G.units}) on (${G.steps}, ${G.features}) → TimeDistributed(Dense(${G.outputs})) → softmax`,
    samples: opts.quick ? 512 : 1024, batchSize: G.batchSize, xShape: [G.steps, G.features], yShape: [G.steps, G.outputs],
    settings: [0, 1, 2, 'auto'],
    build: () => [
      wl.layers.gru({ units: G.units, returnSequences: true, inputShape: [G.steps, G.features] }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: G.outputs }) }),
    ],
  },
];

const results = [];
/** Workers a setting starts ('auto' here: the calling thread and at most one worker). */
const poolSize = (workers) => (workers === 'auto' ? 1 : workers);
for (const c of CASES) {
  wl.setSeed(7);
  const x = wl.randomUniform([c.samples, ...c.xShape]);
  const y = wl.randomUniform([c.samples, ...c.yShape]);
  // one model per setting, warmed up largest pool first (the others then use a subset of it, no
  // restart), then sampled in turn, one epoch each: this VM's speed drifts within minutes, so the
  // settings are compared side by side rather than block after block
  const runsOf = new Map(c.settings.map((workers) => {
    const model = wl.sequential({ layers: [...c.build(), wl.layers.activation({ activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
    return [workers, { model, epoch: () => model.fit(x, y, { batchSize: c.batchSize, epochs: 1, verbose: 0, workers }), times: [] }];
  }));
  for (const workers of [...c.settings].sort((a, b) => poolSize(b) - poolSize(a))) await warmUp(runsOf.get(workers).epoch, { warmup: 1 });
  for (let r = 0; r < runs; r++) for (const run of runsOf.values()) run.times.push(await sample(run.epoch, 1));
  const rows = [];
  for (const [workers, run] of runsOf) {
    const ms = median(run.times);
    rows.push({ workers, ms, samplesPerSecond: (c.samples / ms) * 1000, times: run.times });
    process.stderr.write(`  workers ${workers}: ${ms.toFixed(0)} ms per epoch of ${c.samples}\n`);
  }
  for (const run of runsOf.values()) await run.model.dispose();
  results.push({ name: c.name, samples: c.samples, batchSize: c.batchSize, runs, rows });
}
await wl.shutdown();
console.log(JSON.stringify({ cases: results }));
