// Paired kernel timings of the small-units recurrent kernels against the general path they replace,
// between two builds in one process (not part of `npm run bench`): build A's general path (the input
// projection GEMM + f32_rnn_seq_fwd; f32_rnn_seq_bwd) against build B's, which takes
// f32_lstm_fwd_small / f32_simple_rnn_fwd_small where its *_small_units says so (and
// f32_rnn_seq_bwd's small LSTM step). Times are process CPU time per call (steadier than wall time
// on a shared machine), medians of 15 ABBA pairs of ≥ 20 ms samples, and the median of the paired
// ratios A/B (> 1: B faster).
//
//   node bench/ab-rnn-small.mjs <dirA> [dirB = this repository] [cell=lstm|simpleRNN] [units=8,16,32] [F=15] [B=64] [T=64] [recAct code=3] [inference=0|1]
//
// Each dir is a package root with dist/ and build/ (A: e.g. a worktree of main, `npm ci`). Defaults:
// the seed shape (F 15, B 64: one worker's half of a batch of 128, T 64), tfjs's hard sigmoid (code
// 3; 2 is the sigmoid), training (the forward keeps every step, then backward from it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [dirA, dirB = repoRoot, cell = 'lstm', unitsArg = '8,16,32', F = 15, B = 64, T = 64, recAct = 3, inference = 0] = process.argv.slice(2);
if (!dirA || !['lstm', 'simpleRNN'].includes(cell)) {
  console.error('usage: node bench/ab-rnn-small.mjs <dirA> [dirB] [lstm|simpleRNN] [units,...] [F] [B] [T] [recAct] [inference 0|1]');
  process.exit(2);
}
const [features, batch, steps, rec, infer] = [Number(F), Number(B), Number(T), Number(recAct), inference === '1'];
const TANH = 4, RETURN_SEQUENCES = 1, ZERO_STATE = 16, INFERENCE = 8;
const lstm = cell === 'lstm', gates = lstm ? 4 : 1, code = lstm ? 1 : 0;

const engineOf = async (root) => (await import(path.join(path.resolve(root), 'dist/backend/engine.js'))).Engine.create({
  variant: 'simd', wasm: { simd: readFileSync(path.join(path.resolve(root), 'build/kernels-simd.wasm')) },
});
const engines = { A: await engineOf(dirA), B: await engineOf(dirB) };

let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.6;
function buffer(e, n, fill = true) {
  const p = e.allocF32(n);
  e.write(p, fill ? Float32Array.from({ length: n }, random) : new Float32Array(n));
  return p;
}
const cpuMs = (f, reps) => {
  const c = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000 / reps;
};
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** The forward and backward calls of one build at `u` units; `small` when it takes the small kernels. */
function calls(e, u) {
  const k = e.kernels, gu = gates * u, kept = infer ? 1 : steps;
  const x = buffer(e, batch * steps * features), W = buffer(e, features * gu), bias = buffer(e, gu), U = buffer(e, u * gu);
  const xproj = buffer(e, steps * batch * gu, false), hs = buffer(e, (kept + 1) * batch * u), cs = lstm ? buffer(e, (kept + 1) * batch * u) : 0;
  const g = lstm ? buffer(e, kept * batch * gu, false) : 0, aux = lstm ? buffer(e, kept * batch * u, false) : 0, out = buffer(e, batch * steps * u, false);
  const work = buffer(e, k.rnn_fwd_work_floats(code, batch, u), false);
  const flags = RETURN_SEQUENCES | ZERO_STATE | (infer ? INFERENCE : 0);
  const small = lstm ? k.lstm_small_units?.(u) === 1 : k.simple_rnn_small_units?.(u) === 1;
  let fwd;
  if (small && lstm) fwd = () => k.f32_lstm_fwd_small(batch, steps, u, features, x, W, bias, U, hs, cs, g, aux, out, 0, work, flags, rec, TANH);
  else if (small) fwd = () => k.f32_simple_rnn_fwd_small(batch, steps, u, features, x, W, bias, U, hs, out, 0, work, flags, TANH);
  else {
    fwd = () => {
      k.f32_gemm(steps * batch, gu, features, x, features, 1, W, gu, xproj, gu, 0, bias, 0);
      k.f32_rnn_seq_fwd(code, batch, steps, u, xproj, U, hs, cs, g, aux, out, 0, work, flags, rec, TANH, 0, 0);
    };
  }
  fwd();
  const dOut = buffer(e, batch * steps * u), bwork = buffer(e, k.rnn_bwd_work_floats(code, batch, u), false), dx = buffer(e, steps * batch * gu, false);
  const bwd = () => k.f32_rnn_seq_bwd(code, batch, steps, u, U, hs, cs, g, aux, dOut, 0, 0, 0, dx, 0, 0, bwork, RETURN_SEQUENCES | ZERO_STATE, rec, TANH, 0, 0);
  return { fwd, bwd, small };
}

for (const u of unitsArg.split(',').map(Number)) {
  const run = { A: calls(engines.A, u), B: calls(engines.B, u) };
  for (const part of infer ? ['fwd'] : ['fwd', 'bwd']) {
    for (let i = 0; i < 3; i++) for (const s of ['A', 'B']) run[s][part]();
    const reps = Math.max(1, Math.ceil(20 / Math.max(cpuMs(run.A[part], 1), 0.01)));
    const t = { A: [], B: [] };
    for (let i = 0; i < 15; i++) for (const s of i & 1 ? ['B', 'A'] : ['A', 'B']) t[s].push(cpuMs(run[s][part], reps));
    const kind = (s) => (run[s].small ? 'small' : 'general');
    console.log(`${cell}(${u}) F${features} B${batch} T${steps} recAct ${rec}${infer ? ' inference' : ''} ${part}: `
      + `A ${median(t.A).toFixed(3)} ms (${kind('A')}), B ${median(t.B).toFixed(3)} ms (${kind('B')}), A/B ${median(t.A.map((a, i) => a / t.B[i])).toFixed(3)}`);
  }
}
