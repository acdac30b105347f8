// Scratch memory for kernels that pack operands, handed in once by the host (JS owns all memory).

let base: usize = 0;
let size: usize = 0;

/** Gives the kernels `bytes` of scratch at `ptr` (16-byte aligned); 0 bytes disables packing. */
export function f32_set_workspace(ptr: usize, bytes: usize): void {
  base = ptr;
  size = bytes;
}

// @ts-ignore: decorator
@inline export function workspace(): usize {
  return base;
}

// @ts-ignore: decorator
@inline export function workspaceBytes(): usize {
  return size;
}
