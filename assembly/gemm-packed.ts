// Cache-blocked GEMM over packed operands (the BLIS loop nest): for each KC-deep slice of K, B's
// columns are packed into contiguous KC×8 panels and A's rows into KC×4 micro-panels, so the 4×8
// microkernel streams both from L1/L2 whatever the strides of A (A·B or Aᵀ·B) and however long K is.
// Only the last slice of K applies the bias and activation; earlier slices accumulate into C.

import { splat, vact } from "./simd";
import { A_PACKED, ADJACENT, tile4 } from "./tile";

export const MR = 4;
export const NR = 8;
/** K slice: 512 rather than 256 halves the passes over C and the packing calls for a long K
 * (1.005–1.05× at the median over the GRU(256) step's shapes and the square GEMMs, one process,
 * builds alternated). */
export const KC = 512;
export const MC = 128;
export const NC = 512;

/** Workspace bytes the packed path needs: a B block, an A block and one C tile. */
export const PACKED_WORKSPACE_BYTES: usize = (<usize>KC * NC + <usize>MC * KC + MR * NR) * 4;

/** Floats of B (k × n) packed whole by packB(): every K slice's panels, n rounded up to 8. */
// @ts-ignore: decorator
@inline export function packedBFloats(k: i32, n: i32): usize {
  return <usize>((n + NR - 1) / NR * NR) * <usize>k;
}

/**
 * Packs all of B (k × n, row stride ldb) once, for products that reuse it (the GRU's recurrent
 * kernel at every step): K slice pc starts at pc·round8(n) floats, its panel jr at jr·kc within.
 */
export function packB(k: i32, n: i32, b: usize, ldb: i32, dst: usize): void {
  const npad = <usize>((n + NR - 1) / NR * NR);
  for (let pc = 0; pc < k; pc += KC) {
    packBBlock(b + (<usize>pc * <usize>ldb << 2), ldb, min(KC, k - pc), n, dst + (<usize>pc * npad << 2));
  }
}

/**
 * C = act(C·[accumulate] + A·B + bias) with B either packed here slice by slice (prepacked = 0)
 * or packed beforehand by packB() (b is then that buffer and ldb unused).
 */
export function gemmPacked(
  m: i32, n: i32, k: i32,
  a: usize, rsa: i32, csa: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  accumulate: bool, bias: usize, act: i32, ws: usize, prepacked: bool = false,
): void {
  const npad = <usize>((n + NR - 1) / NR * NR);
  const packB = ws;
  const packA = packB + (<usize>KC * NC << 2);
  const tile = packA + (<usize>MC * KC << 2);
  if (k == 0) {
    epilogueOnly(m, n, c, ldc, accumulate, bias, act);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const beta = pc > 0 || accumulate;
      const last = pc + kc >= k;
      // the panels of columns jc… of this K slice
      const panels = prepacked ? b + ((<usize>pc * npad + <usize>jc * <usize>kc) << 2) : packB;
      if (!prepacked) packBBlock(b + ((<usize>pc * <usize>ldb + <usize>jc) << 2), ldb, kc, nc, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packABlock(a + ((<usize>ic * <usize>rsa + <usize>pc * <usize>csa) << 2), rsa, csa, mc, kc, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = panels + (<usize>jr * <usize>kc << 2);
          const biasJ = last && bias ? bias + (<usize>(jc + jr) << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + ((<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) << 2);
            micro4x8(kc, packA + (<usize>ir * <usize>kc << 2), pb, cp, ldc, mr, nr, beta, biasJ, last ? act : 0, tile);
          }
        }
      }
    }
  }
}

/** k = 0: C = act(C·accumulate + bias). */
function epilogueOnly(m: i32, n: i32, c: usize, ldc: i32, accumulate: bool, bias: usize, act: i32): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>i * <usize>ldc << 2);
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 2;
      let v: f32 = accumulate ? load<f32>(row + o) : 0;
      if (bias) v += load<f32>(bias + o);
      store<f32>(row + o, f32x4.extract_lane(vact(f32x4.splat(v), act), 0));
    }
  }
}

/** B[0:kc, 0:nc] (row stride ldb) → panels of 8 columns, each kc×8 contiguous, zero-padded. */
function packBBlock(b: usize, ldb: i32, kc: i32, nc: i32, dst: usize): void {
  const ldb4 = <usize>ldb << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    let src = b + (<usize>jr << 2);
    if (nr == NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ldb4;
        dst += NR << 2;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : 0);
        src += ldb4;
        dst += NR << 2;
      }
    }
  }
}

/** A[0:mc, 0:kc] (strides rsa, csa) → micro-panels of 4 rows, each kc×4 contiguous, zero-padded. */
function packABlock(a: usize, rsa: i32, csa: i32, mc: i32, kc: i32, dst: usize): void {
  const rsa4 = <usize>rsa << 2, csa4 = <usize>csa << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const a0 = a + <usize>ir * rsa4;
    if (mr == MR && csa == 1) {
      // rows are contiguous: 4×4 transposes
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p << 2;
        const r0 = v128.load(a0 + off), r1 = v128.load(a0 + rsa4 + off);
        const r2 = v128.load(a0 + 2 * rsa4 + off), r3 = v128.load(a0 + 3 * rsa4 + off);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(dst, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(dst, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(dst, i64x2.shuffle(t2, t3, 1, 3), 48);
        dst += 64;
      }
      for (; p < kc; p++) {
        const off = <usize>p << 2;
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(a0 + <usize>r * rsa4 + off));
        dst += MR << 2;
      }
    } else if (mr == MR && rsa == 1) {
      // Aᵀ layout: the 4 rows of a column are contiguous
      let src = a0;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += csa4;
        dst += MR << 2;
      }
    } else {
      let off: usize = 0;
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < mr ? load<f32>(a0 + <usize>r * rsa4 + off) : 0);
        off += csa4;
        dst += MR << 2;
      }
    }
  }
}

/**
 * C tile (mr ≤ 4 rows, nr ≤ 8 columns) = act(C·beta + Σ_p pa[p]·pb[p] + bias) over kc packed steps;
 * partial tiles go through `tile` so nothing outside C is touched.
 */
// @ts-ignore: decorator
@inline function micro4x8(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32,
  beta: bool, bias: usize, act: i32, tile: usize,
): void {
  const ldc4 = <usize>ldc << 2;
  const z = splat(0), pbEnd = pb + (<usize>kc * NR << 2);
  if (mr == MR && nr == NR) {
    tile4(
      A_PACKED | ADJACENT, z, z, z, z, z, z, z, z,
      pa, 0, 0, 0, MR << 2, pb, NR << 2, pbEnd, 0, 0, 0, 0, 0, 0, 0,
      c, c + ldc4, c + 2 * ldc4, c + 3 * ldc4, MR, false, 0, beta, bias, act, false, 0, 0, 0, 0,
    );
    return;
  }
  // a partial tile's sums go to `tile` as they are, and from there to the rows and columns that exist
  tile4(
    A_PACKED | ADJACENT, z, z, z, z, z, z, z, z,
    pa, 0, 0, 0, MR << 2, pb, NR << 2, pbEnd, 0, 0, 0, 0, 0, 0, 0,
    tile, tile + 32, tile + 64, tile + 96, MR, false, 0, false, 0, 0, false, 0, 0, 0, 0,
  );
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const cp = c + <usize>r * ldc4 + (<usize>j << 2);
      let v = load<f32>(tile + (<usize>(r * NR + j) << 2));
      if (beta) v += load<f32>(cp);
      if (bias) v += load<f32>(bias + (<usize>j << 2));
      store<f32>(cp, f32x4.extract_lane(vact(f32x4.splat(v), act), 0));
    }
  }
}
