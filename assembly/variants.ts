// A test hook for the kernel-variant tests (test/hardening/kernel-variants.test.ts): with the general
// kernels forced, every GEMM takes the packed path and the recurrent layers their general kernels
// (no thin in-place recurrent products, no small-units register kernels), so each layer's fast paths
// can be compared with the general ones on the same weights and data. Nothing else sets it.

let generalOnly: bool = false;

/** 1: every dispatch takes its general kernel from now on; 0: the usual choice by shape. */
export function kernels_force_general(on: i32): void {
  generalOnly = on != 0;
}

/** Whether the general kernels are forced (read by each shape-based dispatch). */
// @ts-ignore: decorator
@inline export function forceGeneral(): bool {
  return generalOnly;
}
