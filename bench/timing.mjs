// Wall-clock timing in two steps: warmUp() once per case, then sample() as often as the plan says
// (the parent interleaves samples of different stacks, see schedule.mjs).

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * One forced GC (node --expose-gc) so the previous case's garbage is not billed to this one, then
 * `fn` at least `warmup` times and for at least `warmupMs` (V8 runs WebAssembly in its baseline tier
 * before optimized code arrives). No GC between samples later: a forced full GC right before a call
 * makes tfjs-cpu's next matMul 3–5× slower (measured), and steady-state GC is part of each stack's cost.
 * @returns the first (cold) call's ms, and how many calls make a sample of ≥ `sampleMs`
 */
export async function warmUp(fn, { warmup, warmupMs = 500, sampleMs = 0 }) {
  globalThis.gc?.();
  const times = [];
  const start = performance.now();
  while (times.length < warmup || performance.now() - start < warmupMs) times.push(await sample(fn, 1));
  return { first: times[0], reps: Math.max(1, Math.ceil(sampleMs / Math.min(...times.slice(-3)))) };
}

/** ms per call of `fn` (sync or async), over `reps` back-to-back calls. */
export async function sample(fn, reps) {
  const start = performance.now();
  for (let r = 0; r < reps; r++) await fn();
  return (performance.now() - start) / reps;
}
