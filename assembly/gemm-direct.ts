// GEMM straight from the operands, for the thin products where packing costs more than it saves:
// the weight gradients Aᵀ·B with a few dozen rows and columns over thousands of batch rows, and
// A·B with a short K (the input projections and Dense layers of small models). The 4×8 tile reads
// A through its two strides (4 splatted elements per step) and B's rows through ldb; n must be a
// multiple of 8. K runs in slices of KC_DIRECT so a slice of B stays in L2 across the row tiles.

import { madd, splat } from "./simd";
import { store2 } from "./gemm-packed";

const KC_DIRECT: i32 = 512;

/** Whether the direct path takes this product (see the file comment). */
export function directFits(m: i32, n: i32, k: i32, rsa: i32): bool {
  if ((n & 7) != 0 || n > 64) return false;
  if (rsa == 1) return m <= 64; // Aᵀ·B: few output rows, B streamed once per 4 of them
  return k <= 32; // A·B with short K: B (k × n) sits in L1
}

/** C = act(C·[accumulate] + A·B + bias) as f32_gemm, for shapes where directFits() holds. */
export function gemmDirect(
  m: i32, n: i32, k: i32,
  a: usize, rsa: i32, csa: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  accumulate: bool, bias: usize, act: i32,
): void {
  const rs = <usize>rsa << 2, cs = <usize>csa << 2, ldbB = <usize>ldb << 2, ldcB = <usize>ldc << 2;
  for (let pc = 0; pc < k || pc == 0; pc += KC_DIRECT) {
    const kc = min(KC_DIRECT, k - pc);
    const beta = pc > 0 || accumulate;
    const last = pc + kc >= k;
    const aSlice = a + <usize>pc * cs, bSlice = b + <usize>pc * ldbB;
    for (let i = 0; i < m; i += 4) {
      const mr = min(4, m - i);
      for (let j = 0; j < n; j += 8) {
        tile(kc, aSlice + <usize>i * rs, rs, cs, bSlice + (<usize>j << 2), ldbB, c + <usize>i * ldcB + (<usize>j << 2), ldcB, mr,
          beta, last && bias ? bias + (<usize>j << 2) : 0, last ? act : 0);
      }
    }
  }
}

/**
 * One 4×8 tile of C over kc steps. Rows past mr read row 0's elements again (always in bounds)
 * and are not stored.
 */
// @ts-ignore: decorator
@inline function tile(
  kc: i32, a: usize, rs: usize, cs: usize, b: usize, ldbB: usize, c: usize, ldcB: usize, mr: i32,
  beta: bool, bias: usize, act: i32,
): void {
  const r1: usize = mr > 1 ? rs : 0, r2: usize = mr > 2 ? rs * 2 : 0, r3: usize = mr > 3 ? rs * 3 : 0;
  let c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  let c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  let pa = a, pb = b;
  const pbEnd = b + <usize>kc * ldbB; // no step counter, as gemm-packed.ts micro4x8
  while (pb < pbEnd) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa + r1);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa + r2);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa + r3);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    pa += cs;
    pb += ldbB;
  }
  store2(c, c00, c01, beta, bias, act);
  if (mr > 1) store2(c + ldcB, c10, c11, beta, bias, act);
  if (mr > 2) store2(c + 2 * ldcB, c20, c21, beta, bias, act);
  if (mr > 3) store2(c + 3 * ldcB, c30, c31, beta, bias, act);
}
