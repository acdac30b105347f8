// Wall-clock timing: warm-up runs, then timed runs, each after a GC (node --expose-gc) so that
// collecting the previous run's garbage is not billed to the next one.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs `fn` (sync or async) `warmup` times, then `runs` timed times.
 * @returns ms: the median, min, max, every timed run, and the first (cold) run
 */
export async function measure(fn, { warmup, runs }) {
  const time = async () => {
    globalThis.gc?.();
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const warm = [];
  for (let i = 0; i < warmup; i++) warm.push(await time());
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await time());
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), times, first: warm[0] ?? times[0] };
}
