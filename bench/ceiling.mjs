// The microkernel ceiling (probe/microkernel.ts): the GEMM microkernel's loop over L1-resident
// panels, compiled here with AssemblyScript's compiler API for the kernel build a stack runs. This
// VM's speed swings by up to 2× within seconds (the same loop measured 13 and 27 GFLOP/s one second
// apart), so a ceiling measured in another minute says little: each timed sample of a case is
// paired with a probe run right after it, and the report gives the median of the paired ratios.
// A case that keeps both cores busy (GRU(256) on 2 workers) is paired with the probe on as many
// threads at once: this VM runs one thread faster while its other vCPU is busy too (measured: the
// GRU(256) epoch per worker ran at 1.14× a one-thread probe, at 18:51).
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { median, sample } from './timing.mjs';

/** Tiles per call (KC steps of 64 flop each): ≈ 3 ms at 20 GFLOP/s. */
const TILES_PER_CALL = 4096;
const FLOPS_PER_STEP = 64;
/** A probe sample lasts at least this long (repeated calls). */
const PROBE_SAMPLE_MS = 20;

/** The probe's wasm binary for `variant` ('simd' | 'relaxed-simd'). */
async function compileProbe(variant) {
  const { default: asc } = await import('assemblyscript/asc');
  const source = await readFile(new URL('probe/microkernel.ts', import.meta.url), 'utf8');
  const { binary, error, stderr } = await asc.compileString({ 'microkernel.ts': source }, {
    optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', importMemory: true, initialMemory: 1, noAssert: true,
    enable: variant === 'relaxed-simd' ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (error) throw new Error(`bench/probe/microkernel.ts did not compile: ${error.message}\n${stderr}`);
  return binary;
}

/**
 * Instantiates the probe from its binary and runs it past V8's baseline tier; `rate(reps)` runs
 * `reps` calls and returns their GFLOP/s, `calls` how many calls make a ≥ 20 ms sample.
 */
export async function probeInstance(binary) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(binary, { env: { memory } });
  const { microkernelTiles, KC, OPERAND_BYTES } = instance.exports;
  // operands near 1, so the accumulators stay normal floats over a call
  const operands = new Float32Array(memory.buffer, 0, OPERAND_BYTES.value / 4);
  for (let i = 0; i < operands.length; i++) operands[i] = 1 + i * 1e-7;
  const run = () => microkernelTiles(TILES_PER_CALL, 0);
  const flopsPerCall = TILES_PER_CALL * KC.value * FLOPS_PER_STEP;
  for (let i = 0; i < 5; i++) run();
  const calls = Math.max(1, Math.ceil(PROBE_SAMPLE_MS / (await sample(run, 1))));
  return { calls, rate: async (reps) => flopsPerCall / ((await sample(run, reps)) * 1e6) };
}

/**
 * A worker thread holding its own probe instance: sample() runs `calls` calls there. The worker
 * keeps the process alive only while a request is in flight, so the stack process never waits for
 * it at exit.
 */
async function probeThread(binary, calls) {
  const worker = new Worker(new URL('ceiling-worker.mjs', import.meta.url), { workerData: { binary } });
  let pending = null; // the one request in flight: { resolve, reject }
  const reply = () => new Promise((resolve, reject) => (pending = { resolve, reject })).finally(() => worker.unref());
  worker.on('message', (value) => pending?.resolve(value));
  worker.on('error', (error) => pending?.reject(error));
  worker.on('exit', (code) => pending?.reject(new Error(`the probe's worker thread exited (code ${code})`))); // no request waits forever
  await reply(); // 'ready'
  return {
    sample: () => {
      worker.ref();
      const rate = reply();
      worker.postMessage(calls);
      return rate;
    },
  };
}

/**
 * The probe for `variant` on `threads` threads at once (this one and threads − 1 workers); resolves
 * to { gflops(): one sample's GFLOP/s per thread, the mean over the threads }.
 */
export async function microkernelProbe(variant, threads = 1) {
  const binary = await compileProbe(variant);
  const local = await probeInstance(binary);
  const others = await Promise.all(Array.from({ length: threads - 1 }, () => probeThread(binary, local.calls)));
  return {
    gflops: async () => {
      const pending = others.map((t) => t.sample()); // posted first: the workers run while this thread does
      const rates = [await local.rate(local.calls), ...(await Promise.all(pending))];
      return rates.reduce((a, b) => a + b, 0) / rates.length;
    },
  };
}

/**
 * Pairs a case's timed samples with probe samples: call after(ms) after each timed sample of a case
 * doing `flopsPerCall` per call (ms per call); summary() gives { gflops: the probe's median GFLOP/s,
 * fraction: the median of the paired (case GFLOP/s) / (probe GFLOP/s), pairs }.
 */
export function ceilingPairs(probe, flopsPerCall) {
  const probeRates = [];
  const fractions = [];
  return {
    after: async (ms) => {
      const rate = await probe.gflops();
      probeRates.push(rate);
      fractions.push(flopsPerCall / (ms * 1e6) / rate);
    },
    summary: () => (probeRates.length ? { ceiling: { gflops: median(probeRates), fraction: median(fractions), pairs: probeRates.length } } : {}),
  };
}
