// The backward step of the LSTM for small hidden sizes (see lstm-small.ts), called by
// f32_rnn_seq_bwd for each timestep in place of the row pass and the step's product: four batch
// rows at a time, the rows' gate gradients (lstm-cell.ts's lstmBackwardRows), then
// dh_prev = dz·Uᵀ for those rows with Uᵀ (4u, u) read in place into 8 accumulators (two output
// vectors × four rows; tile.ts's tile4), while the rows' dz are still in L1.
//
// Layouts as in sequence.ts: gates (B, 4u) = [i | f | g | o], aux (B, u) = φ(c), states (B, u).
// Byte offsets throughout.

import { ACT_LINEAR, splat } from "../simd";
import { ADJACENT, NARROW, tile4 } from "../tile";
import { lstmBackwardRows } from "./lstm-cell";

/**
 * One step of backward through time for small hidden sizes, from the step's kept gates g, ax = φ(c)
 * and the previous carry cp: with dh the gradient of the step's h and dc of its c (both (B, u)),
 * writes dx (B, 4u), the gradient of z, replaces dc by dL/dc_prev and dh by dL/dh_prev = dx·Uᵀ
 * (ut: Uᵀ (4u, u)). Without stateGrad (the first step when h0 = 0 and dL/dh0 is not wanted) dh is
 * left as it is. Batch tails: the product runs as a block of four whose missing rows repeat the
 * last row (they read what the real row reads and store the same values).
 */
export function lstmSmallBackStep(
  batch: i32, u: i32, ut: usize, g: usize, ax: usize, cp: usize, dh: usize, dc: usize, dx: usize,
  recAct: i32, act: i32, stateGrad: bool,
): void {
  const uB = <usize>u << 2, u4B = uB << 2;
  const last = batch - 1;
  for (let b = 0; b < batch; b += 4) {
    const rows = min(4, batch - b);
    const r0 = <usize>b * uB;
    lstmBackwardRows(rows, u, g + (r0 << 2), ax + r0, cp + r0, dh + r0, dc + r0, dx + (r0 << 2), recAct, act);
    if (!stateGrad) continue;
    // the block's other rows as offsets from its first: in dh (u floats a row) and in dx (4u)
    const o1 = <usize>(min(b + 1, last) - b) * uB, o2 = <usize>(min(b + 2, last) - b) * uB, o3 = <usize>(min(b + 3, last) - b) * uB;
    const a = dx + (r0 << 2), d = dh + r0, end = ut + <usize>u * u4B;
    const z = splat(0);
    let jo: usize = 0;
    for (; jo + 32 <= uB; jo += 32) {
      tile4(
        ADJACENT, z, z, z, z, z, z, z, z,
        a, o1 << 2, o2 << 2, o3 << 2, 4, ut + jo, uB, end + jo, 0, 0, 0, 0, 0, 0, 0,
        d + jo, d + o1 + jo, d + o2 + jo, d + o3 + jo, 4, false, 0, false, 0, ACT_LINEAR, false, 0, 0, 0, 0,
      );
    }
    for (; jo < uB; jo += 16) {
      tile4(
        NARROW, z, z, z, z, z, z, z, z,
        a, o1 << 2, o2 << 2, o3 << 2, 4, ut + jo, uB, end + jo, 0, 0, 0, 0, 0, 0, 0,
        d + jo, d + o1 + jo, d + o2 + jo, d + o3 + jo, 4, false, 0, false, 0, ACT_LINEAR, false, 0, 0, 0, 0,
      );
    }
  }
}
