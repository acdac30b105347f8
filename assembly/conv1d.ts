// Conv1D's data movement around the GEMM. The products themselves are f32_gemm calls made by
// src/ops/conv1d.ts: with dilation 1 the rows of the im2col matrix of one sample are overlapping
// windows of the (padded) input, K·C contiguous floats every stride·C, so A is read in place
// through its row stride and the GEMM's packing is the im2col. What remains is padding a sample
// (and cropping the padded gradient back), done here.

/**
 * dst[b, t, :] = src[b, t + offset, :] when 0 ≤ t + offset < srcSteps, else 0, for b < batch and
 * t < dstSteps; rows of `inner` floats. A negative offset pads the front (a zero-padded copy of a
 * sequence); a positive one drops leading rows (the padded gradient cropped back). dst must not
 * overlap src.
 */
export function f32_rows_window(batch: i32, srcSteps: i32, dstSteps: i32, inner: i32, offset: i32, src: usize, dst: usize): void {
  const row = <usize>inner << 2;
  // the rows t of dst with a source row: max(0, −offset) ≤ t < min(dstSteps, srcSteps − offset)
  const t0 = min(max(0, -offset), dstSteps);
  const t1 = max(t0, min(dstSteps, srcSteps - offset));
  for (let b = 0; b < batch; b++) {
    const s = src + <usize>b * <usize>srcSteps * row;
    const d = dst + <usize>b * <usize>dstSteps * row;
    if (t0 > 0) memory.fill(d, 0, <usize>t0 * row);
    if (t1 > t0) memory.copy(d + <usize>t0 * row, s + <usize>(t0 + offset) * row, <usize>(t1 - t0) * row);
    if (t1 < dstSteps) memory.fill(d + <usize>t1 * row, 0, <usize>(dstSteps - t1) * row);
  }
}
