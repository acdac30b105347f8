// The backward step of the GRU for small hidden sizes (see gru-small.ts), called by
// f32_gru_seq_bwd for each timestep. Four batch rows at a time: the gate gradients of the block's
// rows, then the recurrent products with Uᵀ read in place into 8 accumulators (two output vectors ×
// four rows), as many as V8 keeps in registers: each block — init, the products, the store — is
// tile.ts's tile4 (blockProduct, blockProduct2).
//
// Layouts as in gru.ts: hs (T+1, B, u) states, gates (T, B, 3u) = [z | r | h~], aux (T, B, u) =
// u_h (reset_after) or r ⊙ h (not). Byte offsets throughout.

import { ACT_LINEAR, splat, vactGrad } from "../simd";
import { ADJACENT, NARROW, tile4 } from "../tile";

/**
 * One step of backward through time for small hidden sizes, replacing the per-row gate pass and the
 * packed per-step products: four batch rows at a time, the gate gradients of the block's rows,
 * then dh_prev = dh ⊙ z (+ d(r⊙h) ⊙ r) + [da_z | da_r]·[U_z | U_r]ᵀ (+ du_h·U_hᵀ) with Uᵀ (3u, u)
 * read in place, two output vectors × four rows = 8 accumulators. Writes dx (B, 3u) =
 * [da_z | da_r | da_h] and du (B, u) = da_h ⊙ r (reset_after; may be ax's buffer: each row reads
 * u_h before writing du_h), uses drh (B, u) as scratch for d(r⊙h) (reset_before), and replaces dh
 * (B, u) by dL/dh_prev. Batch tails: the products run as a block of four whose missing rows repeat
 * the last row (they read what the real row reads and store the same values); the gate passes,
 * which update in place, run over the real rows only. Without stateGrad (the first step when
 * h0 = 0) dh_prev is not formed, and without reset_after da_r = d(r⊙h) ⊙ h ⊙ σ'(r) is zero.
 */
export function gruSmallBackStep(
  batch: i32, u: i32, ut: usize, g: usize, hp: usize, ax: usize, dh: usize, du: usize, dx: usize, drh: usize,
  resetAfter: bool, recAct: i32, act: i32, stateGrad: bool = true,
): void {
  const uB = <usize>u << 2;
  const last = batch - 1;
  for (let b = 0; b < batch; b += 4) {
    const rows = min(4, batch - b);
    for (let i = 0; i < rows; i++) {
      const row = <usize>(b + i) * uB, rowG = row * 3;
      for (let o: usize = 0; o < uB; o += 16) {
        if (resetAfter) gateGradResetAfter(o, uB, g + rowG, hp + row, ax + row, dh + row, du + row, dx + rowG, recAct, act);
        else gateGradResetBefore(o, uB, g + rowG, hp + row, dh + row, dx + rowG, recAct, act);
      }
    }
    if (!stateGrad) {
      if (!resetAfter) for (let i = 0; i < rows; i++) memory.fill(dx + <usize>(b + i) * uB * 3 + uB, 0, uB);
      continue;
    }
    const r0 = <usize>b * uB, r1 = <usize>min(b + 1, last) * uB, r2 = <usize>min(b + 2, last) * uB, r3 = <usize>min(b + 3, last) * uB;
    // the rows after the block's first, as offsets from it: in dx (3u floats a row) and in du
    const x1 = (r1 - r0) * 3, x2 = (r2 - r0) * 3, x3 = (r3 - r0) * 3, o1 = r1 - r0, o2 = r2 - r0, o3 = r3 - r0;
    if (!resetAfter) {
      // d(r⊙h) = da_h·U_hᵀ, then da_r from it
      const utH = ut + 2 * uB * <usize>u;
      let jo: usize = 0;
      for (; jo + 32 <= uB; jo += 32) {
        blockProduct2(
          dx + 3 * r0 + 2 * uB, x1, x2, x3, uB,
          0, 0, 0, 0, 0, utH + jo, uB, jo, 0, g, 0, drh, r0, r1, r2, r3,
        );
      }
      for (; jo < uB; jo += 16) {
        blockProduct(
          dx + 3 * r0 + 2 * uB, x1, x2, x3, uB,
          0, 0, 0, 0, 0, utH + jo, uB, jo, 0, g, 0, drh, r0, r1, r2, r3,
        );
      }
      for (let i = 0; i < rows; i++) {
        const row = <usize>(b + i) * uB, rowG = row * 3;
        for (let o: usize = 0; o < uB; o += 16) resetGateGrad(o, uB, g + rowG, hp + row, drh + row, dx + rowG, recAct);
      }
    }
    // dh_prev = dh ⊙ z (+ d(r⊙h) ⊙ r) + [da_z | da_r]·[U_z | U_r]ᵀ (+ du_h·U_hᵀ)
    let jo: usize = 0;
    for (; jo + 32 <= uB; jo += 32) {
      blockProduct2(
        dx + 3 * r0, x1, x2, x3, 2 * uB,
        du + r0, o1, o2, o3, resetAfter ? uB : 0,
        ut + jo, uB, jo, resetAfter ? 1 : 2, g, drh, dh, r0, r1, r2, r3,
      );
    }
    for (; jo < uB; jo += 16) {
      blockProduct(
        dx + 3 * r0, x1, x2, x3, 2 * uB,
        du + r0, o1, o2, o3, resetAfter ? uB : 0,
        ut + jo, uB, jo, resetAfter ? 1 : 2, g, drh, dh, r0, r1, r2, r3,
      );
    }
  }
}

/**
 * One output vector (columns jo…jo+3) of four rows: acc = init + Σ_p s[p]·Uᵀ[p] over the first
 * source's k1 bytes, then the second's k2 (Uᵀ rows continue), stored into dst rows. Source rows:
 * s, s + sq1, s + sq2, s + sq3 (and t's likewise). init: 0 none, 1 dst ⊙ z, 2 dst ⊙ z + drh ⊙ r
 * (z, r from the gates g; dst and drh rows at offsets r0…r3).
 */
// @ts-ignore: decorator
@inline function blockProduct(
  s: usize, sq1: usize, sq2: usize, sq3: usize, k1: usize,
  t: usize, tq1: usize, tq2: usize, tq3: usize, k2: usize,
  pu: usize, uB: usize, jo: usize, init: i32, g: usize, drh: usize, dst: usize,
  r0: usize, r1: usize, r2: usize, r3: usize,
): void {
  const c0 = initial(init, g, drh, dst, r0, jo, uB), c1 = initial(init, g, drh, dst, r1, jo, uB);
  const c2 = initial(init, g, drh, dst, r2, jo, uB), c3 = initial(init, g, drh, dst, r3, jo, uB);
  const mid = pu + (k1 >> 2) * uB;
  tile4(
    NARROW, c0, c0, c1, c1, c2, c2, c3, c3,
    s, sq1, sq2, sq3, 4, pu, uB, mid, t, tq1, tq2, tq3, mid, mid + (k2 >> 2) * uB, 0,
    dst + r0 + jo, dst + r1 + jo, dst + r2 + jo, dst + r3 + jo, 4, false, 0, false, 0, ACT_LINEAR, false, 0, 0, 0, 0,
  );
}

/** blockProduct over two output vectors (jo…jo+7): 8 accumulators. */
// @ts-ignore: decorator
@inline function blockProduct2(
  s: usize, sq1: usize, sq2: usize, sq3: usize, k1: usize,
  t: usize, tq1: usize, tq2: usize, tq3: usize, k2: usize,
  pu: usize, uB: usize, jo: usize, init: i32, g: usize, drh: usize, dst: usize,
  r0: usize, r1: usize, r2: usize, r3: usize,
): void {
  const c0 = initial(init, g, drh, dst, r0, jo, uB), c1 = initial(init, g, drh, dst, r1, jo, uB);
  const c2 = initial(init, g, drh, dst, r2, jo, uB), c3 = initial(init, g, drh, dst, r3, jo, uB);
  const e0 = initial(init, g, drh, dst, r0, jo + 16, uB), e1 = initial(init, g, drh, dst, r1, jo + 16, uB);
  const e2 = initial(init, g, drh, dst, r2, jo + 16, uB), e3 = initial(init, g, drh, dst, r3, jo + 16, uB);
  const mid = pu + (k1 >> 2) * uB;
  tile4(
    ADJACENT, c0, e0, c1, e1, c2, e2, c3, e3,
    s, sq1, sq2, sq3, 4, pu, uB, mid, t, tq1, tq2, tq3, mid, mid + (k2 >> 2) * uB, 0,
    dst + r0 + jo, dst + r1 + jo, dst + r2 + jo, dst + r3 + jo, 4, false, 0, false, 0, ACT_LINEAR, false, 0, 0, 0, 0,
  );
}

// @ts-ignore: decorator
@inline function initial(init: i32, g: usize, drh: usize, dst: usize, row: usize, jo: usize, uB: usize): v128 {
  if (init == 0) return splat(0);
  const gr = g + row * 3 + jo;
  const direct = f32x4.mul(v128.load(dst + row + jo), v128.load(gr));
  if (init == 1) return direct;
  return f32x4.add(direct, f32x4.mul(v128.load(drh + row + jo), v128.load(gr + uB)));
}

/** reset_after: every gate gradient of one row's units o…o+3 (dh is read, not changed). */
// @ts-ignore: decorator
@inline function gateGradResetAfter(
  o: usize, uB: usize, g: usize, hp: usize, ax: usize, dhp: usize, du: usize, dx: usize, recAct: i32, act: i32,
): void {
  const dh = v128.load(dhp + o);
  const z = v128.load(g + o), r = v128.load(g + uB + o), hh = v128.load(g + 2 * uB + o);
  const daH = f32x4.mul(f32x4.mul(dh, f32x4.sub(splat(1), z)), vactGrad(hh, act));
  const daZ = f32x4.mul(f32x4.mul(dh, f32x4.sub(v128.load(hp + o), hh)), vactGrad(z, recAct));
  const daR = f32x4.mul(f32x4.mul(daH, v128.load(ax + o)), vactGrad(r, recAct));
  v128.store(du + o, f32x4.mul(daH, r));
  v128.store(dx + o, daZ);
  v128.store(dx + uB + o, daR);
  v128.store(dx + 2 * uB + o, daH);
}

/** reset_before, first half: da_z and da_h (da_r needs d(r⊙h) from the product first). */
// @ts-ignore: decorator
@inline function gateGradResetBefore(
  o: usize, uB: usize, g: usize, hp: usize, dhp: usize, dx: usize, recAct: i32, act: i32,
): void {
  const dh = v128.load(dhp + o);
  const z = v128.load(g + o), hh = v128.load(g + 2 * uB + o);
  v128.store(dx + o, f32x4.mul(f32x4.mul(dh, f32x4.sub(v128.load(hp + o), hh)), vactGrad(z, recAct)));
  v128.store(dx + 2 * uB + o, f32x4.mul(f32x4.mul(dh, f32x4.sub(splat(1), z)), vactGrad(hh, act)));
}

/** reset_before, second half: da_r = d(r⊙h) ⊙ h ⊙ σ'(r). */
// @ts-ignore: decorator
@inline function resetGateGrad(o: usize, uB: usize, g: usize, hp: usize, drh: usize, dx: usize, recAct: i32): void {
  const r = v128.load(g + uB + o);
  v128.store(dx + uB + o, f32x4.mul(f32x4.mul(v128.load(drh + o), v128.load(hp + o)), vactGrad(r, recAct)));
}
