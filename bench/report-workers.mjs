// Markdown for the worker-scaling part (bench/workers.mjs).
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function renderWorkers({ cases }) {
  const parts = ['### Worker scaling (ours): one epoch of fit, median ms and samples/s'];
  for (const c of cases) {
    const base = (w) => c.rows.find((r) => r.workers === w);
    const rows = c.rows.map((r) => [
      String(r.workers),
      r.ms >= 100 ? r.ms.toFixed(0) : r.ms.toFixed(1),
      r.samplesPerSecond.toFixed(0),
      base(1) ? `${(r.samplesPerSecond / base(1).samplesPerSecond).toFixed(2)}×` : '—',
      base(0) ? `${(r.samplesPerSecond / base(0).samplesPerSecond).toFixed(2)}×` : '—',
    ]);
    parts.push(`${c.name}, ${c.samples} samples, batch ${c.batchSize}, median of ${c.runs}:`,
      table(['workers', 'ms / epoch', 'samples/s', 'vs 1 worker', 'vs in-process (0)'], rows));
  }
  parts.push("`workers: 'auto'` uses the pool only when a worker's share of a step is ≥ 100 MFLOP " +
    '(src/parallel/worker-count.ts); the seed model1 step is below that and runs in process.');
  return parts.join('\n\n');
}
