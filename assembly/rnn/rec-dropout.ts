// Recurrent dropout of the sequence kernels (Keras 3, shared/SPEC-LAYERS.md §1.7), written once for
// every cell. In training Keras multiplies the previous state by a mask before each recurrent
// product, one independent mask per gate (GRU 3, LSTM 4; SimpleRNN 1), the same at every step:
//   forward   z_g = (h_{t-1} ⊙ m_g)·U_g            (g = the gate blocks of U's G·u columns)
//   backward  dh_{t-1} += Σ_g m_g ⊙ (dz_g·U_gᵀ)    dU_g += Σ_t (h_{t-1} ⊙ m_g)ᵀ·dz_g
// Whatever else of the cell reads h_{t-1} (the GRU's z ⊙ h_{t-1}) reads it unmasked, and a masked
// step (mask.ts) carries the unmasked state. Without recurrent dropout no kernel calls anything here:
// the loops take these per-gate products in a branch of their own, so the plain path is unchanged.
//
// recMask: (B, G·u) f32, row b = [m_0 | m_1 | …] for sample b, entries 0 or 1/(1 − rate).
// recWork: rec_dropout_work_floats(gates, batch, units) f32: each gate's block of U (or Uᵀ) packed,
// then two (B, u) rows buffers (the masked state, a product).

import { gemmPrepacked } from "../gemm";
import { packB, packedBFloats } from "../gemm-packed";
import { ACT_LINEAR, ld, st } from "../simd";

/** n rounded up to a multiple of 4 floats, so the regions after it stay 16-byte aligned. */
// @ts-ignore: decorator
@inline function round4(n: usize): usize {
  return (n + 3) & ~(<usize>3);
}

/** Scratch floats a kernel with recurrent dropout needs in `recWork`: G packed u × u blocks and two (B, u) buffers. */
export function rec_dropout_work_floats(gates: i32, batch: i32, units: i32): usize {
  return <usize>gates * packedBFloats(units, units) + 2 * round4(<usize>batch * <usize>units);
}

/** Byte offset of gate g's packed block in recWork. */
// @ts-ignore: decorator
@inline export function packedGate(recWork: usize, g: i32, u: i32): usize {
  return recWork + (<usize>g * packedBFloats(u, u) << 2);
}

/** The masked-state buffer (B, u) of recWork (after the `gates` packed blocks). */
// @ts-ignore: decorator
@inline export function maskedStateBuffer(recWork: usize, gates: i32, u: i32): usize {
  return packedGate(recWork, gates, u);
}

/** The product buffer (B, u) of recWork. */
// @ts-ignore: decorator
@inline export function productBuffer(recWork: usize, gates: i32, batch: i32, u: i32): usize {
  return maskedStateBuffer(recWork, gates, u) + (round4(<usize>batch * <usize>u) << 2);
}

/**
 * Packs gates [first, first + count) of U (u, G·u) for the forward products: gate g's columns
 * (u × u, row stride G·u) into packedGate(recWork, g).
 */
export function packGateColumns(first: i32, count: i32, u: i32, gu: i32, recKernel: usize, recWork: usize): void {
  for (let g = first; g < first + count; g++) packB(u, u, recKernel + (<usize>(g * u) << 2), gu, packedGate(recWork, g, u));
}

/** Packs each gate's rows of Uᵀ (G·u, u) for the backward products: gate g's rows g·u … into packedGate(recWork, g). */
export function packGateRows(gates: i32, u: i32, ut: usize, recWork: usize): void {
  for (let g = 0; g < gates; g++) packB(u, u, ut + (<usize>g * <usize>u * <usize>u << 2), u, packedGate(recWork, g, u));
}

/**
 * dst (B, u) = h (B, u) ⊙ gate g's mask: the state a gate's recurrent product reads.
 * recMask row b is at recMask + b·G·u·4; `gu` is G·u.
 */
export function maskState(batch: i32, u: i32, gu: i32, g: i32, h: usize, recMask: usize, dst: usize): void {
  const uB = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, m = recMask + ((<usize>b * <usize>gu + <usize>(g * u)) << 2);
    let o: usize = 0;
    for (; o + 16 <= uB; o += 16) st(dst + row + o, f32x4.mul(ld(h + row + o, true), ld(m + o, true)), true);
    for (; o < uB; o += 4) st(dst + row + o, f32x4.mul(ld(h + row + o, false), ld(m + o, false)), false);
  }
}

/**
 * Forward: z[:, g·u …] (row stride ldz) = (h ⊙ m_g)·U_g + bias_g for gates [first, first + count),
 * each from its packed block (packGateColumns). bias: 0, or the (G·u) recurrent bias (the GRU's).
 */
export function maskedGateProducts(
  batch: i32, u: i32, gu: i32, first: i32, count: i32, h: usize, recMask: usize, recWork: usize, z: usize, ldz: i32, bias: usize, gates: i32,
): void {
  const hm = maskedStateBuffer(recWork, gates, u);
  for (let g = first; g < first + count; g++) {
    maskState(batch, u, gu, g, h, recMask, hm);
    const off = <usize>(g * u) << 2;
    gemmPrepacked(batch, u, u, hm, u, 1, packedGate(recWork, g, u), z + off, ldz, 0, bias ? bias + off : 0, ACT_LINEAR);
  }
}

/**
 * Backward: dh (B, u) += m_g ⊙ (d·U_gᵀ) for one gate, d (B, u) with row stride ldd (the gate's
 * columns of the step's pre-activation gradient), from packGateRows's block.
 */
export function addMaskedGateGradient(
  batch: i32, u: i32, gu: i32, g: i32, d: usize, ldd: i32, recMask: usize, recWork: usize, dh: usize, gates: i32,
): void {
  const p = productBuffer(recWork, gates, batch, u);
  gemmPrepacked(batch, u, u, d, ldd, 1, packedGate(recWork, g, u), p, u, 0, 0, ACT_LINEAR);
  addMasked(batch, u, gu, g, p, recMask, dh);
}

/** dh (B, u) += p (B, u) ⊙ gate g's mask. */
export function addMasked(batch: i32, u: i32, gu: i32, g: i32, p: usize, recMask: usize, dh: usize): void {
  const uB = <usize>u << 2;
  for (let b = 0; b < batch; b++) {
    const row = <usize>b * uB, m = recMask + ((<usize>b * <usize>gu + <usize>(g * u)) << 2);
    let o: usize = 0;
    for (; o + 16 <= uB; o += 16) {
      st(dh + row + o, f32x4.add(ld(dh + row + o, true), f32x4.mul(ld(p + row + o, true), ld(m + o, true))), true);
    }
    for (; o < uB; o += 4) {
      st(dh + row + o, f32x4.add(ld(dh + row + o, false), f32x4.mul(ld(p + row + o, false), ld(m + o, false))), false);
    }
  }
}

/**
 * dst (T, B, n) [+]= src (T, B, n) ⊙ gate g's mask (the same (B, n) mask at every step; masks
 * (B, G·n)): the states gate g's recurrent product read, for dU_g = dstᵀ·dz_g over all rows; with
 * n = F the input a gate read under per-gate input dropout, and (accumulate) dx's gate terms.
 */
export function f32_rnn_masked_states(
  steps: i32, batch: i32, n: i32, gates: i32, g: i32, src: usize, masks: usize, dst: usize, accumulate: i32,
): void {
  const stepBytes = <usize>batch * <usize>n << 2;
  for (let t = 0; t < steps; t++) {
    const at = <usize>t * stepBytes;
    if (accumulate) addMasked(batch, n, gates * n, g, src + at, masks, dst + at);
    else maskState(batch, n, gates * n, g, src + at, masks, dst + at);
  }
}
