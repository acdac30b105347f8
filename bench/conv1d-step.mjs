// Not part of `npm run bench`: the Conv1D text classifier's training step as ours runs it, on one
// thread and on the pool. Conv1D(250, 3, relu) on (128, 500, 50) → GlobalMaxPooling1D → Dense(1,
// sigmoid), batch 128; a linear Activation stands in front of the Conv1D for the Embedding (so the
// Conv1D's input gradient is computed, as it is there) and the input is float. Reports the median
// step's samples/s and the Conv1D's GFLOP/s (forward, kernel gradient, input gradient: 3 · 2·B·L_out·K·C·F),
// and, since this shared machine's speed drifts and other processes take cores, the same per CPU-second
// of the process (all its threads) next to one thread's 256³ GEMM per CPU-second measured between the
// steps (a Dense predict), the yardstick.
//   node bench/conv1d-step.mjs [--fma] [--steps N]   (--fma: the relaxed-SIMD build, V8 flag set by ready())
import * as wl from 'wasm-layers';

const fma = process.argv.includes('--fma');
const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 6;
await wl.ready(fma ? { variant: 'relaxed-simd', enableRelaxedSimdFlag: true } : {});
const [B, T, C, F, K] = [128, 500, 50, 250, 3];
const loss = wl.layers.dense !== undefined && 'binaryCrossentropy';
wl.setSeed(1);
const x = wl.randomUniform([B, T, C], -0.05, 0.05);
const y = wl.tensor(Float32Array.from({ length: B }, (_, i) => i % 2), [B, 1]);
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const convFlops = 3 * 2 * B * (T - K + 1) * K * C * F;

const square = wl.sequential({ layers: [wl.layers.dense({ units: 256, useBias: false, inputShape: [256] })] });
const squareX = wl.randomUniform([256, 256]);
/** One thread's f32 GEMM 256³ rate right now (GFLOP/s, a Dense predict), the yardstick on a machine whose speed drifts. */
async function gemmRate() {
  await square.predict(squareX, { workers: 0, batchSize: 256 });
  const c0 = process.cpuUsage();
  for (let i = 0; i < 8; i++) await square.predict(squareX, { workers: 0, batchSize: 256 });
  return (8 * 2 * 256 ** 3) / cpuSeconds(process.cpuUsage(c0)) / 1e9;
}
const cpuSeconds = (u) => (u.user + u.system) / 1e6;

function model() {
  const m = wl.sequential({
    layers: [
      wl.layers.activation({ activation: 'linear', inputShape: [T, C] }),
      wl.layers.conv1d({ filters: F, kernelSize: K, activation: 'relu' }),
      wl.layers.globalMaxPooling1d(),
      wl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  let compiled = false;
  for (const l of [loss, 'meanSquaredError']) {
    try {
      m.compile({ loss: l, optimizer: 'rmsprop' });
      compiled = l;
      break;
    } catch {
      // binaryCrossentropy not merged yet: the loss is a negligible part of the step
    }
  }
  return { m, loss: compiled };
}

for (const workers of [0, 'auto', 2]) {
  const { m, loss: used } = model();
  const step = () => m.fit(x, y, { workers, batchSize: B, epochs: 1, verbose: 0 });
  await step();
  const times = [], gemm = [];
  let cpu = 0, wall = 0;
  for (let i = 0; i < steps; i++) {
    gemm.push(await gemmRate());
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    await step();
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu += cpuSeconds(c1) * 1000;
    wall += times.at(-1);
  }
  const ms = median(times);
  const perCpuSecond = (steps * B) / (cpu / 1000);
  const convPerCpu = (steps * convFlops) / (cpu / 1000) / 1e9;
  console.log(
    `workers ${String(workers).padEnd(4)} (${used}${fma ? ', FMA build' : ''}): step ${ms.toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}), ` +
    `${(B / (ms / 1000)).toFixed(0)} samples/s with ${(cpu / wall).toFixed(2)} cores busy; per CPU-second: ${perCpuSecond.toFixed(0)} samples, ` +
    `Conv1D ${convPerCpu.toFixed(1)} GFLOP; one thread's GEMM 256³ ${median(gemm).toFixed(1)} GFLOP per CPU-second (the step's Conv1D at ${(100 * convPerCpu / median(gemm)).toFixed(0)}% of it)`,
  );
  await m.dispose();
}
await wl.shutdown();
