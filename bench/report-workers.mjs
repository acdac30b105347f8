// Markdown for the worker-scaling part (bench/workers.mjs).
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function renderWorkers({ cases }, latency, peer, memory, relaxed) {
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
  const gru256 = cases.find((c) => c.name.startsWith('GRU(256)'));
  if (peer && gru256) {
    const ours = gru256.rows.find((r) => r.workers === 2);
    parts.push(`GRU(256) next to TensorFlow.js 4.22's wasm backend (1 thread; median of ${peer.steps} steps of 256 samples): ` +
      `tfjs-wasm ${peer.samplesPerSecond.toFixed(1)} samples/s; ours on 2 workers ${ours.samplesPerSecond.toFixed(0)} samples/s, ` +
      `**${(ours.samplesPerSecond / peer.samplesPerSecond).toFixed(1)}×**; ours on 1 thread ` +
      `${(gru256.rows.find((r) => r.workers === 0).samplesPerSecond / peer.samplesPerSecond).toFixed(1)}×.`);
  }
  parts.push("`workers: 'auto'` has the calling thread compute one share of each step and workers the rest, when two shares or more " +
    'are worth it: at least 13 MFLOP each in training, 20 MFLOP in predict and evaluate (src/parallel/worker-count.ts). On 2 cores ' +
    "the seed model1's training step at batch 48 or more and its predict of 1000 samples in one batch run on this thread and one worker; " +
    'training on a page\'s UI thread uses workers only, from 30 MFLOP per worker.');
  if (memory) {
    const perSecond = (run) => (2048 / run.epochMs) * 1000;
    const vsPeer = (run) => (peer ? ` (**${(perSecond(run) / peer.samplesPerSecond).toFixed(1)}×** tfjs-wasm)` : '');
    const warm = (run) => run.warmEpochMs
      ? `; the second, warm: ${(run.warmEpochMs / 1000).toFixed(1)} s, ${perSecond({ epochMs: run.warmEpochMs }).toFixed(0)} samples/s` +
        `${vsPeer({ epochMs: run.warmEpochMs })}`
      : '';
    parts.push(`Peak RSS training GRU(256) (2048 samples, batch 256, 2 workers, two epochs) in a fresh process, main thread and workers: ` +
      `**${memory.peakRssMB.toFixed(0)} MB**. The first epoch, pool start included, took ${(memory.epochMs / 1000).toFixed(1)} s: ` +
      `${perSecond(memory).toFixed(0)} samples/s${vsPeer(memory)}${warm(memory)}.` +
      (relaxed ? ` The same with the relaxed-SIMD build (node --experimental-wasm-relaxed-simd): first epoch ${(relaxed.epochMs / 1000).toFixed(1)} s, ` +
        `${perSecond(relaxed).toFixed(0)} samples/s${vsPeer(relaxed)}${warm(relaxed)}; peak RSS ${relaxed.peakRssMB.toFixed(0)} MB.` : ''));
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
