// The GEMM microkernel's loop (assembly/gemm-packed.ts micro4x8) over packed panels that stay in
// L1: per step two 4-float loads of B, four splat loads of A and eight multiply-adds into a 4×8
// tile of accumulators. Nothing else runs (no packing, no C tile, no cache misses), so its rate is
// the most the microkernel can reach on this core at this moment: the ceiling the bench sets each
// GEMM against. Compiled with relaxed SIMD enabled (bench/ceiling.mjs), it uses the relaxed build's
// fused multiply-add, as the kernels do. The kernel ends its loop on B's pointer; this counted form
// of the same loop measured 5–18% faster here (paired, 6 runs), so the probe keeps it: the ceiling
// stays the faster of the two.

/** K steps per tile, as a K slice of the packed GEMM: panels of 4 KB (A) and 8 KB (B). */
export const KC: i32 = 256;
/** Bytes of operands: A's panel (KC×4 floats), then B's (KC×8). */
export const OPERAND_BYTES: i32 = KC * 12 * 4;

/** One multiply-add as the kernels do it in each build (assembly/simd.ts madd). */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * `tiles` passes of KC steps (64 flop each) over the panels at `operands`; returns a lane of the
 * sum so that no step can be optimised away.
 */
export function microkernelTiles(tiles: i32, operands: usize): f32 {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let t = 0; t < tiles; t++) {
    let pa = operands, pb = operands + (<usize>KC << 4);
    for (let p = 0; p < KC; p++) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
      a = v128.load32_splat(pa, 4);
      c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
      a = v128.load32_splat(pa, 8);
      c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
      a = v128.load32_splat(pa, 12);
      c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
      pa += 16;
      pb += 32;
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)), f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)));
  return f32x4.extract_lane(s, 0);
}
