// SimpleRNN's fused pointwise step, h = φ(x·W + b + h_prev·U), forward and backward, over one
// step's rows (the time loop and the products are sequence.ts's). The step's rows are contiguous
// (B, u) blocks, so each pass runs over B·u floats at once. Its core — pre-activations added and
// activated eight vectors at a time — is also the LSTM's gate pass (lstm-cell.ts).

import { ACT_SIGMOID, ACT_TANH, activate8InPlace, ld, st, vact, vactGrad } from "../simd";

/**
 * Forward: hn = φ(xp + hn) over n floats, where hn holds h_prev·U (the step's product) and xp the
 * input projection. tanh and the sigmoid get copies with the activation inlined and run eight
 * vectors side by side; other activations go one vector at a time.
 */
export function simpleRnnForwardRows(n: i32, xp: usize, hn: usize, act: i32): void {
  if (act == ACT_TANH) forwardRun(n, xp, hn, ACT_TANH);
  else if (act == ACT_SIGMOID) forwardRun(n, xp, hn, ACT_SIGMOID);
  else forwardRun(n, xp, hn, act);
}

// @ts-ignore: decorator
@inline function forwardRun(n: i32, xp: usize, hn: usize, act: i32): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 128 <= bytes; o += 128) addActivate8(hn + o, xp + o, act);
  for (; o + 16 <= bytes; o += 16) addActivate(hn + o, xp + o, act, true);
  for (; o < bytes; o += 4) addActivate(hn + o, xp + o, act, false);
}

/**
 * Backward: dx = dh ⊙ φ'(z) over n floats, φ' from the output h (the step's new state), the
 * gradient of the step's pre-activations (dh_prev = dx·Uᵀ is the loop's product).
 */
export function simpleRnnBackwardRows(n: i32, h: usize, dh: usize, dx: usize, act: i32): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) st(dx + o, f32x4.mul(v128.load(dh + o), vactGrad(v128.load(h + o), act)), true);
  for (; o < bytes; o += 4) st(dx + o, f32x4.mul(ld(dh + o, false), vactGrad(ld(h + o, false), act)), false);
}

/**
 * dst = act(xp + dst) over eight vectors (128 bytes): tanh and the sigmoid as eight chains side by
 * side (simd.ts, activate8InPlace), other activations one vector at a time.
 */
// @ts-ignore: decorator
@inline export function addActivate8(dst: usize, xp: usize, act: i32): void {
  for (let i: usize = 0; i < 128; i += 16) v128.store(dst + i, f32x4.add(v128.load(xp + i), v128.load(dst + i)));
  activateRun8(dst, act);
}

/** The eight vectors at p activated in place (see addActivate8). */
// @ts-ignore: decorator
@inline export function activateRun8(p: usize, act: i32): void {
  if (act == ACT_TANH || act == ACT_SIGMOID) activate8InPlace(p, p + 16, p + 32, p + 48, 64, act == ACT_TANH);
  else for (let i: usize = 0; i < 128; i += 16) v128.store(p + i, vact(v128.load(p + i), act));
}

/** dst = act(xp + dst) for one vector, or one float when `vec` is false. */
// @ts-ignore: decorator
@inline function addActivate(dst: usize, xp: usize, act: i32, vec: bool): void {
  st(dst, vact(f32x4.add(ld(xp, vec), ld(dst, vec)), act), vec);
}
