// Cache-blocked GEMM over packed operands (the BLIS loop nest): for each KC-deep slice of K, B's
// columns are packed into contiguous KC×8 panels and A's rows into KC×4 micro-panels, so the 4×8
// microkernel streams both from L1/L2 whatever the strides of A (A·B or Aᵀ·B) and however long K is.
// Only the last slice of K applies the bias and activation; earlier slices accumulate into C.

import { madd, splat, vact } from "./simd";
import { A_PACKED, ADJACENT, tile4 } from "./tile";
import { forceGeneral } from "./variants";

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
      if (m < MR && !forceGeneral()) {
        // few rows: B read as it is (packed beforehand: its panels; else its rows, unpacked)
        const bs = prepacked ? panels : b + ((<usize>pc * <usize>ldb + <usize>jc) << 2);
        const panelBytes: usize = prepacked ? <usize>kc * <usize>NR << 2 : <usize>NR << 2;
        const stepBytes: usize = prepacked ? <usize>NR << 2 : <usize>ldb << 2;
        rowsOnPanels(m, kc, nc, a + (<usize>pc * <usize>csa << 2), rsa, csa, bs, panelBytes, stepBytes, !prepacked, c + (<usize>jc << 2), ldc, beta, last && bias ? bias + (<usize>jc << 2) : 0, last ? act : 0);
        continue;
      }
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

/**
 * Fewer than MR rows of A (a one-sample predict's per-step products): each row read straight from A
 * against B, four 8-column panels (32 columns) at a time so eight sums are in flight, without packing
 * A or computing a 4-row tile's empty rows. B is either packed panels (panelBytes apart, stepBytes =
 * 32 per k) or B's own rows (panels 32 bytes apart, stepBytes = ldb·4; `unpacked`: a last partial
 * panel reads only the columns that exist). Each sum runs over p in order from zero, then C (beta),
 * the bias and the activation are applied as micro4x8 does, so a row equals the tile's bit for bit.
 */
function rowsOnPanels(
  m: i32, kc: i32, nc: i32, a: usize, rsa: i32, csa: i32, b: usize, panelBytes: usize, stepBytes: usize, unpacked: bool,
  c: usize, ldc: i32, beta: bool, bias: usize, act: i32,
): void {
  const csa4 = <usize>csa << 2;
  const q1 = panelBytes, q2 = panelBytes * 2, q3 = panelBytes * 3;
  for (let r = 0; r < m; r++) {
    const ar = a + (<usize>r * <usize>rsa << 2);
    const cr = c + (<usize>r * <usize>ldc << 2);
    let jr = 0;
    for (; jr + 4 * NR <= nc; jr += 4 * NR) {
      let pb = b + <usize>(jr / NR) * panelBytes, ap = ar;
      let s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0), s4 = splat(0), s5 = splat(0), s6 = splat(0), s7 = splat(0);
      for (let p = 0; p < kc; p++) {
        const x = v128.load32_splat(ap);
        s0 = madd(x, v128.load(pb), s0);
        s1 = madd(x, v128.load(pb, 16), s1);
        s2 = madd(x, v128.load(pb + q1), s2);
        s3 = madd(x, v128.load(pb + q1, 16), s3);
        s4 = madd(x, v128.load(pb + q2), s4);
        s5 = madd(x, v128.load(pb + q2, 16), s5);
        s6 = madd(x, v128.load(pb + q3), s6);
        s7 = madd(x, v128.load(pb + q3, 16), s7);
        ap += csa4;
        pb += stepBytes;
      }
      const d = cr + (<usize>jr << 2), bj = bias ? bias + (<usize>jr << 2) : 0;
      storeSums(d, s0, beta, bj, act);
      storeSums(d + 16, s1, beta, bias ? bj + 16 : 0, act);
      storeSums(d + 32, s2, beta, bias ? bj + 32 : 0, act);
      storeSums(d + 48, s3, beta, bias ? bj + 48 : 0, act);
      storeSums(d + 64, s4, beta, bias ? bj + 64 : 0, act);
      storeSums(d + 80, s5, beta, bias ? bj + 80 : 0, act);
      storeSums(d + 96, s6, beta, bias ? bj + 96 : 0, act);
      storeSums(d + 112, s7, beta, bias ? bj + 112 : 0, act);
    }
    for (; jr < nc; jr += NR) {
      const nr = min(NR, nc - jr);
      const partial = unpacked && nr < NR;
      let pb = b + <usize>(jr / NR) * panelBytes, ap = ar;
      let s0 = splat(0), s1 = splat(0);
      for (let p = 0; p < kc; p++) {
        const x = v128.load32_splat(ap);
        s0 = madd(x, partial ? lanes(pb, nr) : v128.load(pb), s0);
        s1 = madd(x, partial ? lanes(pb + 16, nr - 4) : v128.load(pb, 16), s1);
        ap += csa4;
        pb += stepBytes;
      }
      const d = cr + (<usize>jr << 2), bj = bias ? bias + (<usize>jr << 2) : 0;
      if (nr == NR) {
        storeSums(d, s0, beta, bj, act);
        storeSums(d + 16, s1, beta, bias ? bj + 16 : 0, act);
        continue;
      }
      // a partial panel: only the columns that exist, as micro4x8's partial tiles
      for (let j = 0; j < nr; j++) {
        const s = j < 4 ? s0 : s1;
        const lane = j & 3;
        let v: f32 = lane == 0 ? f32x4.extract_lane(s, 0) : lane == 1 ? f32x4.extract_lane(s, 1) : lane == 2 ? f32x4.extract_lane(s, 2) : f32x4.extract_lane(s, 3);
        const cp = d + (<usize>j << 2);
        if (beta) v += load<f32>(cp);
        if (bias) v += load<f32>(bj + (<usize>j << 2));
        store<f32>(cp, f32x4.extract_lane(vact(f32x4.splat(v), act), 0));
      }
    }
  }
}

/** The first `count` (≤ 4; none when ≤ 0) floats at p as a vector, the other lanes 0: no read past them. */
// @ts-ignore: decorator
@inline function lanes(p: usize, count: i32): v128 {
  let v = splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  if (count > 3) v = f32x4.replace_lane(v, 3, load<f32>(p, 12));
  return v;
}

/** Four columns' sums to C: act(s [+ C] [+ bias]), as micro4x8's rows. */
// @ts-ignore: decorator
@inline function storeSums(d: usize, s: v128, beta: bool, bias: usize, act: i32): void {
  if (beta) s = f32x4.add(s, v128.load(d));
  if (bias) s = f32x4.add(s, v128.load(bias));
  v128.store(d, vact(s, act));
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
