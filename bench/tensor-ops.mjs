// The tensor-ops figures of issue 27 (ours only, run by hand; benchmarks what is in dist/, so
// `npm run build:ts` first):
//   node bench/tensor-ops.mjs [--rounds 3]
// - mix: a 1M-element elementwise + reduction mix, y = relu(a·b + c); sum(y), max(y), mean((a − mean(y))²),
//   in tidy, values read back (ms per mix);
// - add: the per-call cost of add on [128, 16] (result disposed), µs per call.
// Each stack (ours, tfjs-wasm, tfjs-cpu) starts its backend first (ours: `await ready()`, which the
// float32 ops' SIMD path needs; tfjs: setBackend) and runs in its own process; the rounds interleave the stacks,
// since this shared machine's speed drifts; the medians over all samples and the ratios are printed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const N = 1 << 20;
const STACKS = ['ours', 'tfjs-wasm', 'tfjs-cpu'];

function values(seed) {
  const out = new Float32Array(N);
  let s = seed;
  for (let i = 0; i < N; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

async function library(stack) {
  if (stack === 'ours') {
    const wl = await import('../dist/index.js');
    await wl.ready();
    return wl;
  }
  const tf = await import('@tensorflow/tfjs-core');
  await import(stack === 'tfjs-wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu');
  await import('../test/peers/tfjs-chained-ops.mjs');
  tf.env().set('IS_TEST', true);
  if (!(await tf.setBackend(stack.slice(5)))) throw new Error(`tfjs could not start ${stack}`);
  return tf;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function child(stack) {
  const tf = await library(stack);
  const a = tf.tensor(values(1), [N]);
  const b = tf.tensor(values(2), [N]);
  const c = tf.tensor(values(3), [N]);
  const mix = () => {
    const outs = tf.tidy(() => {
      const y = a.mul(b).add(c).relu();
      return [y.sum(), y.max(), a.sub(y.mean()).square().mean()];
    });
    const read = outs.map((t) => t.dataSync()[0]);
    tf.dispose(outs);
    return read;
  };
  const x = tf.tensor(values(4).subarray(0, 128 * 16), [128, 16]);
  const y = tf.tensor(values(5).subarray(0, 128 * 16), [128, 16]);
  const calls = 20000;
  const add = () => {
    for (let i = 0; i < calls; i++) tf.add(x, y).dispose();
  };
  for (let w = 0; w < 3; w++) {
    mix();
    add();
  }
  const mixMs = [];
  const addUs = [];
  for (let r = 0; r < 7; r++) {
    let t0 = performance.now();
    mix();
    mixMs.push(performance.now() - t0);
    t0 = performance.now();
    add();
    addUs.push(((performance.now() - t0) * 1000) / calls);
  }
  process.stdout.write(JSON.stringify({ stack, mixMs, addUs, check: mix() }));
}

function parent(rounds) {
  const samples = Object.fromEntries(STACKS.map((s) => [s, { mixMs: [], addUs: [], check: null }]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < rounds; r++) {
    for (const stack of STACKS) {
      const run = spawnSync(process.execPath, [self, '--child', stack], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) throw new Error(`${stack} failed: ${run.stderr}`);
      const out = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
      samples[stack].mixMs.push(...out.mixMs);
      samples[stack].addUs.push(...out.addUs);
      samples[stack].check = out.check;
    }
  }
  const ours = samples.ours;
  console.log(`tensor-ops, ${rounds} rounds × 7 samples per stack, node ${process.version}`);
  console.log('stack        mix 1M (ms)   add [128,16] (µs/call)   mix ratio   add ratio   check (sum, max, mean)');
  for (const stack of STACKS) {
    const s = samples[stack];
    const mix = median(s.mixMs);
    const add = median(s.addUs);
    const ratio = (v, o) => (stack === 'ours' ? '' : `${(v / o).toFixed(2)}×`);
    console.log(
      `${stack.padEnd(12)} ${mix.toFixed(2).padStart(11)}   ${add.toFixed(2).padStart(22)}   ${ratio(mix, median(ours.mixMs)).padStart(9)}   ${ratio(add, median(ours.addUs)).padStart(9)}   ${s.check.map((v) => v.toPrecision(6)).join(', ')}`,
    );
  }
  console.log('ratios: the stack\'s time over ours (above 1: ours is faster)');
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1]);
else parent(Number(args[args.indexOf('--rounds') + 1]) || 3);
