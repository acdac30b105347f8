// The microkernel ceiling (probe/microkernel.ts): the GEMM microkernel's loop over L1-resident
// panels, compiled here with AssemblyScript's compiler API for the kernel build a stack runs. This
// VM's speed swings by up to 2× within seconds (the same loop measured 13 and 27 GFLOP/s one second
// apart), so a ceiling measured in another minute says little: each timed sample of a case is
// paired with a probe run right after it, and the report gives the median of the paired ratios.
import asc from 'assemblyscript/asc';
import { readFile } from 'node:fs/promises';
import { median, sample } from './timing.mjs';

/** Tiles per call (KC steps of 64 flop each): ≈ 3 ms at 20 GFLOP/s. */
const TILES_PER_CALL = 4096;
const FLOPS_PER_STEP = 64;
/** A probe sample lasts at least this long (repeated calls). */
const PROBE_SAMPLE_MS = 20;

/**
 * Compiles and instantiates the probe for `variant` ('simd' | 'relaxed-simd'); resolves to
 * { gflops(): one probe sample's GFLOP/s }.
 */
export async function microkernelProbe(variant) {
  const source = await readFile(new URL('probe/microkernel.ts', import.meta.url), 'utf8');
  const { binary, error, stderr } = await asc.compileString({ 'microkernel.ts': source }, {
    optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', importMemory: true, initialMemory: 1, noAssert: true,
    enable: variant === 'relaxed-simd' ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (error) throw new Error(`bench/probe/microkernel.ts did not compile: ${error.message}\n${stderr}`);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(binary, { env: { memory } });
  const { microkernelTiles, KC, OPERAND_BYTES } = instance.exports;
  // operands near 1, so the accumulators stay normal floats over a call
  const operands = new Float32Array(memory.buffer, 0, OPERAND_BYTES.value / 4);
  for (let i = 0; i < operands.length; i++) operands[i] = 1 + i * 1e-7;
  const run = () => microkernelTiles(TILES_PER_CALL, 0);
  const flopsPerCall = TILES_PER_CALL * KC.value * FLOPS_PER_STEP;
  for (let i = 0; i < 5; i++) run(); // past V8's baseline tier
  const reps = Math.max(1, Math.ceil(PROBE_SAMPLE_MS / (await sample(run, 1))));
  return { gflops: async () => flopsPerCall / ((await sample(run, reps)) * 1e6) };
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
