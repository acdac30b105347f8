// The LSTM's fused pointwise step, forward and backward, over one step's rows (the time loop and the
// products are sequence.ts's). Keras's equations (shared/SPEC-LAYERS.md §2.3), gate blocks
// [i | f | c | o] of z = x·W + b + h_prev·U:
//   i = σ(z_i)  f = σ(z_f)  g = φ(z_c)  o = σ(z_o)   c = f ⊙ c_prev + i ⊙ g   h = o ⊙ φ(c)
// Rows: gates (B, 4u) = [i | f | g | o] after activation, aux (B, u) = φ(c), states (B, u).

import { ACT_HARD_SIGMOID, ACT_HARD_SIGMOID_KERAS3, ACT_SIGMOID, ACT_TANH, activate4InPlace, activate8InPlace, ld, st, vact, vactGrad } from "../simd";
import { activateRun8, addActivate8 } from "./simple-rnn-cell";

/**
 * Forward over `batch` rows: g holds the step's h_prev·U (B, 4u) and becomes [i | f | g | o]; xp
 * the input projection (B, 4u); cp, cn the previous and new carries, hn the new state, ax φ(c)
 * (all (B, u)). Keras's (3 and 2) and tfjs's activation pairs get copies with the activations inlined, where
 * tanh and the sigmoid run eight vectors side by side.
 */
export function lstmForwardRows(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  if (act == ACT_TANH && recAct == ACT_SIGMOID) forwardSigmoidTanh(batch, u, xp, g, cp, cn, hn, ax);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) forwardHardSigmoidTanh(batch, u, xp, g, cp, cn, hn, ax);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID_KERAS3) forwardKeras3HardSigmoidTanh(batch, u, xp, g, cp, cn, hn, ax);
  else forwardRowsAny(batch, u, xp, g, cp, cn, hn, ax, recAct, act);
}

// Each pair's copy is a function of its own: V8 compiled one function holding every copy less well
// (the GRU's small forward ran 20-35% slower when a fourth copy joined its function).
function forwardSigmoidTanh(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize): void {
  forwardRows(batch, u, xp, g, cp, cn, hn, ax, ACT_SIGMOID, ACT_TANH);
}

function forwardHardSigmoidTanh(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize): void {
  forwardRows(batch, u, xp, g, cp, cn, hn, ax, ACT_HARD_SIGMOID, ACT_TANH);
}

function forwardKeras3HardSigmoidTanh(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize): void {
  forwardRows(batch, u, xp, g, cp, cn, hn, ax, ACT_HARD_SIGMOID_KERAS3, ACT_TANH);
}

/**
 * Any other activation pair, one vector at a time with the activations chosen at run time: inlining
 * the wide paths for codes known only at run time multiplied the module's size (a 3 MB function
 * of text, minutes of compilation) for pairs nobody trains with by default.
 */
function forwardRowsAny(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  const uB = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, rowG = row << 2;
    const x = xp + rowG, gr = g + rowG, c0 = cp + row, c1 = cn + row, h1 = hn + row, a = ax + row;
    let o: usize = 0;
    for (; o + 16 <= uB; o += 16) cell(o, uB, x, gr, c0, c1, h1, a, recAct, act, true);
    for (; o < uB; o += 4) cell(o, uB, x, gr, c0, c1, h1, a, recAct, act, false);
  }
}

// @ts-ignore: decorator
@inline function forwardRows(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  if ((u & 3) == 0 && u < 32) {
    forwardBlocks(batch, u, xp, g, cp, cn, hn, ax, recAct, act);
    return;
  }
  const uB = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, rowG = row << 2;
    const x = xp + rowG, gr = g + rowG, c0 = cp + row, c1 = cn + row, h1 = hn + row, a = ax + row;
    let o: usize = 0;
    for (; o + 128 <= uB; o += 128) cells8(o, uB, x, gr, c0, c1, h1, a, recAct, act);
    for (; o + 16 <= uB; o += 16) cell(o, uB, x, gr, c0, c1, h1, a, recAct, act, true);
    for (; o < uB; o += 4) cell(o, uB, x, gr, c0, c1, h1, a, recAct, act, false);
  }
}

/**
 * forwardRows for u a multiple of 4 below 32, where a row's gate has fewer than eight vectors: four
 * rows at a time, each activation over the four rows' vectors side by side (eight chains for a
 * pair of vectors; at B = 128, u = 16, T = 64: 1.1× the training forward, 1.17× inference, of row
 * by row with one chain at a time). Batch tails repeat the block's last row in the activations,
 * which load all their vectors before storing any, so a repeated row is activated once; the sums
 * and products run over the real rows.
 */
// @ts-ignore: decorator
@inline function forwardBlocks(batch: i32, u: i32, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  const gB = <usize>u << 4;
  for (let b = 0; b < batch; b += 4) {
    // z = x·W + b + h·U over the block's real rows, which are contiguous
    const g0 = g + <usize>b * gB, zBytes = <usize>min(4, batch - b) * gB;
    for (let o: usize = 0; o < zBytes; o += 16) v128.store(g0 + o, f32x4.add(v128.load(xp + <usize>b * gB + o), v128.load(g0 + o)));
    lstmBlockCells(b, batch, <usize>u << 2, g, cp, cn, hn, ax, 0, 0, recAct, act, false);
  }
}

/**
 * The rest of a step for the block of four rows from row b (tail rows repeat the last row) once
 * its gate rows in g (B, 4u) hold z = x·W + b + h·U (forwardBlocks; lstm-small.ts, whose [i | f]
 * may arrive activated: `ifActivated`): the gates activated in place, then c = f ⊙ c_prev + i ⊙ g
 * into cn and ax, φ(c) in ax, and h = o ⊙ φ(c) into hn and, unless out is 0, into out's rows
 * (row r at out + r·outStride). Activations run over the four rows side by side (they load every
 * vector before storing any, so a repeated row is activated once); sums and products run over the
 * real rows.
 */
// @ts-ignore: decorator
@inline export function lstmBlockCells(
  b: i32, batch: i32, uB: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, out: usize, outStride: usize,
  recAct: i32, act: i32, ifActivated: bool,
): void {
  const gB = uB << 2, last = batch - 1, rows = min(4, batch - b);
  const b1 = <usize>min(b + 1, last), b2 = <usize>min(b + 2, last), b3 = <usize>min(b + 3, last);
  const g0 = g + <usize>b * gB, g1 = g + b1 * gB, g2 = g + b2 * gB, g3 = g + b3 * gB;
  // [i | f] are adjacent: one run of 2u
  if (!ifActivated) activateBlock(g0, g1, g2, g3, 2 * uB, recAct);
  activateBlock(g0 + 2 * uB, g1 + 2 * uB, g2 + 2 * uB, g3 + 2 * uB, uB, act);
  activateBlock(g0 + 3 * uB, g1 + 3 * uB, g2 + 3 * uB, g3 + 3 * uB, uB, recAct);
  for (let r = 0; r < rows; r++) {
    const row = <usize>(b + r) * uB, gr = g0 + <usize>r * gB;
    for (let o: usize = 0; o < uB; o += 16) {
      const c = f32x4.add(f32x4.mul(v128.load(gr + uB + o), v128.load(cp + row + o)), f32x4.mul(v128.load(gr + o), v128.load(gr + 2 * uB + o)));
      v128.store(cn + row + o, c);
      v128.store(ax + row + o, c);
    }
  }
  activateBlock(ax + <usize>b * uB, ax + b1 * uB, ax + b2 * uB, ax + b3 * uB, uB, act);
  for (let r = 0; r < rows; r++) {
    const row = <usize>(b + r) * uB, gr = g0 + <usize>r * gB, dst = out + <usize>(b + r) * outStride;
    for (let o: usize = 0; o < uB; o += 16) {
      const h = f32x4.mul(v128.load(gr + 3 * uB + o), v128.load(ax + row + o));
      v128.store(hn + row + o, h);
      if (out) v128.store(dst + o, h);
    }
  }
}

/**
 * The first uB bytes (a multiple of 16) at each of four row addresses (which may repeat) activated
 * in place: pairs of vectors as eight chains (tanh, sigmoid) and a last single vector as four.
 */
// @ts-ignore: decorator
@inline function activateBlock(p0: usize, p1: usize, p2: usize, p3: usize, uB: usize, act: i32): void {
  // one function per activation, called (not inlined) from each pair's copy: the same code, once
  if (act == ACT_TANH) activateBlockTanh(p0, p1, p2, p3, uB);
  else if (act == ACT_SIGMOID) activateBlockSigmoid(p0, p1, p2, p3, uB);
  else activateBlockShort(p0, p1, p2, p3, uB, act);
}

function activateBlockTanh(p0: usize, p1: usize, p2: usize, p3: usize, uB: usize): void {
  activateBlockWith(p0, p1, p2, p3, uB, ACT_TANH);
}

function activateBlockSigmoid(p0: usize, p1: usize, p2: usize, p3: usize, uB: usize): void {
  activateBlockWith(p0, p1, p2, p3, uB, ACT_SIGMOID);
}

function activateBlockShort(p0: usize, p1: usize, p2: usize, p3: usize, uB: usize, act: i32): void {
  activateBlockWith(p0, p1, p2, p3, uB, act);
}

// @ts-ignore: decorator
@inline function activateBlockWith(p0: usize, p1: usize, p2: usize, p3: usize, uB: usize, act: i32): void {
  let o: usize = 0;
  for (; o + 32 <= uB; o += 32) {
    if (act == ACT_TANH || act == ACT_SIGMOID) activate8InPlace(p0 + o, p1 + o, p2 + o, p3 + o, 16, act == ACT_TANH);
    else {
      activate4InPlace(p0 + o, p1 + o, p2 + o, p3 + o, act);
      activate4InPlace(p0 + o + 16, p1 + o + 16, p2 + o + 16, p3 + o + 16, act);
    }
  }
  if (o < uB) activate4InPlace(p0 + o, p1 + o, p2 + o, p3 + o, act);
}

/** Eight vectors of units (o … o + 127) of one row: each gate's run, then the carry and the state. */
// @ts-ignore: decorator
@inline function cells8(o: usize, uB: usize, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32): void {
  const gi = g + o, gf = gi + uB, gc = gf + uB, go = gc + uB;
  addActivate8(gi, xp + o, recAct);
  addActivate8(gf, xp + uB + o, recAct);
  addActivate8(gc, xp + 2 * uB + o, act);
  addActivate8(go, xp + 3 * uB + o, recAct);
  for (let i: usize = 0; i < 128; i += 16) {
    const c = f32x4.add(f32x4.mul(v128.load(gf + i), v128.load(cp + o + i)), f32x4.mul(v128.load(gi + i), v128.load(gc + i)));
    v128.store(cn + o + i, c);
    v128.store(ax + o + i, c);
  }
  activateRun8(ax + o, act);
  for (let i: usize = 0; i < 128; i += 16) v128.store(hn + o + i, f32x4.mul(v128.load(go + i), v128.load(ax + o + i)));
}

/** One vector of units at o (or one unit when `vec` is false) of one row. */
// @ts-ignore: decorator
@inline function cell(o: usize, uB: usize, xp: usize, g: usize, cp: usize, cn: usize, hn: usize, ax: usize, recAct: i32, act: i32, vec: bool): void {
  const gi = g + o, gf = gi + uB, gc = gf + uB, go = gc + uB;
  const i = vact(f32x4.add(ld(xp + o, vec), ld(gi, vec)), recAct);
  const f = vact(f32x4.add(ld(xp + uB + o, vec), ld(gf, vec)), recAct);
  const gg = vact(f32x4.add(ld(xp + 2 * uB + o, vec), ld(gc, vec)), act);
  const og = vact(f32x4.add(ld(xp + 3 * uB + o, vec), ld(go, vec)), recAct);
  const c = f32x4.add(f32x4.mul(f, ld(cp + o, vec)), f32x4.mul(i, gg));
  const a = vact(c, act);
  st(gi, i, vec); st(gf, f, vec); st(gc, gg, vec); st(go, og, vec);
  st(cn + o, c, vec);
  st(ax + o, a, vec);
  st(hn + o, f32x4.mul(og, a), vec);
}

/**
 * Backward over `batch` rows, from the step's kept gates g ([i | f | g | o], (B, 4u)), ax = φ(c)
 * and the previous carry cp: with dh the gradient of the step's h and dc of its c (both (B, u)),
 * writes dx (B, 4u), the gradient of z, and replaces dc by the gradient of c_prev. dh is read only
 * (its replacement, dx·Uᵀ, is the loop's product).
 */
export function lstmBackwardRows(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize, recAct: i32, act: i32): void {
  // the pairs of lstmForwardRows get copies of their own, where the derivatives are inlined constants
  if (act == ACT_TANH && recAct == ACT_SIGMOID) backwardSigmoidTanh(batch, u, g, ax, cp, dh, dc, dx);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID) backwardHardSigmoidTanh(batch, u, g, ax, cp, dh, dc, dx);
  else if (act == ACT_TANH && recAct == ACT_HARD_SIGMOID_KERAS3) backwardKeras3HardSigmoidTanh(batch, u, g, ax, cp, dh, dc, dx);
  else backwardRowsAny(batch, u, g, ax, cp, dh, dc, dx, recAct, act);
}

function backwardSigmoidTanh(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize): void {
  backwardRows(batch, u, g, ax, cp, dh, dc, dx, ACT_SIGMOID, ACT_TANH);
}

function backwardHardSigmoidTanh(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize): void {
  backwardRows(batch, u, g, ax, cp, dh, dc, dx, ACT_HARD_SIGMOID, ACT_TANH);
}

function backwardKeras3HardSigmoidTanh(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize): void {
  backwardRows(batch, u, g, ax, cp, dh, dc, dx, ACT_HARD_SIGMOID_KERAS3, ACT_TANH);
}

function backwardRowsAny(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize, recAct: i32, act: i32): void {
  backwardRows(batch, u, g, ax, cp, dh, dc, dx, recAct, act);
}

// @ts-ignore: decorator
@inline function backwardRows(batch: i32, u: i32, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize, recAct: i32, act: i32): void {
  const uB = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, rowG = row << 2;
    let o: usize = 0;
    for (; o + 16 <= uB; o += 16) cellGrad(o, uB, g + rowG, ax + row, cp + row, dh + row, dc + row, dx + rowG, recAct, act, true);
    for (; o < uB; o += 4) cellGrad(o, uB, g + rowG, ax + row, cp + row, dh + row, dc + row, dx + rowG, recAct, act, false);
  }
}

/**
 * One vector of units: dc_t = dc + dh ⊙ o ⊙ φ'(c), then dz_i = dc_t ⊙ g ⊙ σ'(i),
 * dz_f = dc_t ⊙ c_prev ⊙ σ'(f), dz_c = dc_t ⊙ i ⊙ φ'(g), dz_o = dh ⊙ φ(c) ⊙ σ'(o); dc_prev = dc_t ⊙ f.
 */
// @ts-ignore: decorator
@inline function cellGrad(o: usize, uB: usize, g: usize, ax: usize, cp: usize, dhp: usize, dcp: usize, dx: usize, recAct: i32, act: i32, vec: bool): void {
  const gi = g + o, gf = gi + uB, gc = gf + uB, go = gc + uB;
  const i = ld(gi, vec), f = ld(gf, vec), gg = ld(gc, vec), og = ld(go, vec);
  const a = ld(ax + o, vec), dh = ld(dhp + o, vec);
  const dct = f32x4.add(ld(dcp + o, vec), f32x4.mul(f32x4.mul(dh, og), vactGrad(a, act)));
  st(dx + o, f32x4.mul(f32x4.mul(dct, gg), vactGrad(i, recAct)), vec);
  st(dx + uB + o, f32x4.mul(f32x4.mul(dct, ld(cp + o, vec)), vactGrad(f, recAct)), vec);
  st(dx + 2 * uB + o, f32x4.mul(f32x4.mul(dct, i), vactGrad(gg, act)), vec);
  st(dx + 3 * uB + o, f32x4.mul(f32x4.mul(dh, a), vactGrad(og, recAct)), vec);
  st(dcp + o, f32x4.mul(dct, f), vec);
}
