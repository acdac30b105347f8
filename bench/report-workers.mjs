// Markdown for the worker-scaling part (bench/workers.mjs).
import { GRU256 } from './config.mjs';
import { median } from './timing.mjs';

const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/**
 * How many times faster `row` ran than `base`: the median over rounds of base's epoch time over
 * row's in the same round; the ratio of the medians when a result carries no per-round times.
 */
export function pairedSpeedup(base, row) {
  if (!base.times || !row.times) return row.samplesPerSecond / base.samplesPerSecond;
  return median(base.times.map((t, i) => t / row.times[i]));
}

export function renderWorkers({ cases }, latency, memory) {
  const parts = ['### Worker scaling (ours): one epoch of fit, median ms and samples/s'];
  for (const c of cases) {
    const base = (w) => c.rows.find((r) => r.workers === w);
    const speedup = (r, w) => (base(w) ? `${pairedSpeedup(base(w), r).toFixed(2)}×` : '—');
    const rows = c.rows.map((r) => [
      String(r.workers),
      r.ms >= 100 ? r.ms.toFixed(0) : r.ms.toFixed(1),
      r.samplesPerSecond.toFixed(0),
      speedup(r, 1),
      speedup(r, 0),
    ]);
    parts.push(`${c.name}, ${c.samples} samples, batch ${c.batchSize}, median of ${c.runs}:`,
      table(['workers', 'ms / epoch', 'samples/s', 'vs 1 worker', 'vs in-process (0)'], rows));
  }
  parts.push('Speed-ups are medians of the rounds\' ratios: each round times every setting once, one after the ' +
    'other, so a ratio compares epochs seconds apart (this VM\'s speed drifts within minutes).');
  parts.push('GRU(256) here uses our defaults (reset_after, sigmoid); the comparison with TensorFlow.js is the GRU(256) table above, ' +
    'measured side by side with tfjs\'s GRU math.');
  parts.push("`workers: 'auto'` has the calling thread take a share of each step alongside the workers, when two shares or more " +
    'are worth it: at least 13 MFLOP each in training, 20 MFLOP in predict and evaluate (src/parallel/worker-count.ts). On 2 cores ' +
    "the seed model1's training step at batch 48 or more and its predict of 1000 samples in one batch run on this thread and one worker; " +
    'training on a page\'s UI thread uses workers only, from 30 MFLOP per worker. The threads claim chunks of each batch as they go ' +
    '(src/parallel/row-claims.ts), so a slower core does less of it.');
  if (memory) {
    const perSecond = (ms) => ((GRU256.samples / ms) * 1000).toFixed(0);
    parts.push(`Peak RSS training GRU(256) (our defaults; 2048 samples, batch 256, 2 workers, two epochs) in a fresh process, main thread and workers: ` +
      `**${memory.peakRssMB.toFixed(0)} MB**. Its first epoch, pool start included, took ${(memory.epochMs / 1000).toFixed(1)} s ` +
      `(${perSecond(memory.epochMs)} samples/s), the second ${(memory.warmEpochMs / 1000).toFixed(1)} s (${perSecond(memory.warmEpochMs)} samples/s).`);
  }
  if (latency) {
    parts.push('### Cold start (ours): a fresh `node` process, median of ' + latency.runs + ' runs',
      table(['from', 'to', 'ms'], [
        ['before `import`', 'module loaded', latency.importMs.toFixed(0)],
        ['before `import`', 'first training step of model1 done (kernels compiled, batch of 128)', latency.firstStepMs.toFixed(0)],
        ['process start', 'first training step done', latency.sinceProcessStartMs.toFixed(0)],
      ]));
  }
  return parts.join('\n\n');
}
