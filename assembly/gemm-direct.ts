// GEMM straight from the operands, for the thin products where packing costs more than it saves:
// the weight gradients Aᵀ·B with a few dozen rows and columns over thousands of batch rows, and
// A·B with a short K (the input projections and Dense layers of small models). The 4×8 tile reads
// A through its two strides (4 splatted elements per step) and B's rows through ldb; n must be a
// multiple of 8. K runs in slices of KC_DIRECT so a slice of B stays in L2 across the row tiles.

import { splat } from "./simd";
import { ADJACENT, tile4 } from "./tile";
import { forceGeneral } from "./variants";

const KC_DIRECT: i32 = 512;

/** Whether the direct path takes this product (see the file comment). */
export function directFits(m: i32, n: i32, k: i32, rsa: i32): bool {
  if ((n & 7) != 0 || n > 64 || forceGeneral()) return false;
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
  const z = splat(0);
  tile4(
    ADJACENT, z, z, z, z, z, z, z, z,
    a, r1, r2, r3, cs, b, ldbB, b + <usize>kc * ldbB,
    0, 0, 0, 0, 0, 0, 0,
    c, c + ldcB, c + 2 * ldcB, c + 3 * ldcB, mr, false, 0, beta, bias, act,
    false, 0, 0, 0, 0,
  );
}
