// 1-D pooling over (batch, steps, channels), channels_last: max (with the arg-max kept for
// backward) and average (over the real cells of a window, or the unmasked ones). Windows start at
// o·stride − padBefore; cells outside [0, steps) are padding, which never wins a max and is not
// counted in an average. Global pooling is the window of all steps. Channels run four at a time.

import { ld, st, splat } from "./simd";

/**
 * y[b, o, c] = max over the window's real cells of x[b, t, c], for o < outSteps; with argmax ≠ 0
 * also argmax[b, o, c] = that t as i32 (the first on ties, as TensorFlow). Every window must hold a
 * real cell (valid and same padding guarantee it). The window's rows stream through the output
 * row (a column-wise scan fetched each cache line of a long sequence four times).
 */
export function f32_max_pool1d(
  batch: i32, steps: i32, channels: i32, pool: i32, stride: i32, padBefore: i32, outSteps: i32,
  x: usize, y: usize, argmax: usize,
): void {
  const row = <usize>channels << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>steps * row;
    for (let o = 0; o < outSteps; o++) {
      const start = max(0, o * stride - padBefore), end = min(steps, o * stride - padBefore + pool);
      const out = <usize>(b * outSteps + o) * row;
      const yo = y + out, ao = argmax ? argmax + out : 0;
      memory.copy(yo, xb + <usize>start * row, row);
      if (ao) for (let c = 0; c < channels; c++) store<i32>(ao + (<usize>c << 2), start);
      for (let t = start + 1; t < end; t++) {
        const xt = xb + <usize>t * row;
        let o4: usize = 0;
        for (; o4 + 16 <= row; o4 += 16) maxStep(xt + o4, yo + o4, ao ? ao + o4 : 0, t, true);
        for (; o4 < row; o4 += 4) maxStep(xt + o4, yo + o4, ao ? ao + o4 : 0, t, false);
      }
    }
  }
}

/** y = max(y, x) lane-wise; where x wins (strictly), argmax = t. */
// @ts-ignore: decorator
@inline function maxStep(x: usize, y: usize, argmax: usize, t: i32, vec: bool): void {
  const v = ld(x, vec), best = ld(y, vec);
  const gt = f32x4.gt(v, best);
  st(y, v128.bitselect(v, best, gt), vec);
  if (!argmax) return;
  if (vec) v128.store(argmax, v128.bitselect(i32x4.splat(t), v128.load(argmax), gt));
  else if (i32x4.extract_lane(gt, 0)) store<i32>(argmax, t);
}

/** dx = 0, then dx[b, argmax[b, o, c], c] += dy[b, o, c]: the max's gradient (overlapping windows add). */
export function f32_max_pool1d_bwd(batch: i32, steps: i32, channels: i32, outSteps: i32, dy: usize, argmax: usize, dx: usize): void {
  memory.fill(dx, 0, <usize>batch * <usize>steps * <usize>channels << 2);
  for (let b = 0; b < batch; b++) {
    const dxb = dx + (<usize>b * <usize>steps * <usize>channels << 2);
    for (let o = 0; o < outSteps; o++) {
      const i = <usize>(b * outSteps + o) * <usize>channels;
      for (let c = 0; c < channels; c++) {
        const p = dxb + ((<usize>load<i32>(argmax + ((i + c) << 2)) * <usize>channels + c) << 2);
        store<f32>(p, load<f32>(p) + load<f32>(dy + ((i + c) << 2)));
      }
    }
  }
}

/**
 * y[b, o, c] = Σ_t m[b, t]·x[b, t, c] / Σ_t m[b, t] over the window's real cells, where m is the
 * (batch, steps) float mask (0 = masked step) or 1 everywhere when mask is 0. A window with no
 * unmasked cell gives 0/0 = NaN, as Keras. Rows stream through the output row, as in the max.
 */
export function f32_avg_pool1d(
  batch: i32, steps: i32, channels: i32, pool: i32, stride: i32, padBefore: i32, outSteps: i32,
  x: usize, mask: usize, y: usize,
): void {
  const row = <usize>channels << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>steps * row;
    const mb = mask ? mask + (<usize>b * <usize>steps << 2) : 0;
    for (let o = 0; o < outSteps; o++) {
      const start = max(0, o * stride - padBefore), end = min(steps, o * stride - padBefore + pool);
      const yo = y + <usize>(b * outSteps + o) * row;
      memory.fill(yo, 0, row);
      for (let t = start; t < end; t++) {
        if (mb && load<f32>(mb + (<usize>t << 2)) == 0) continue;
        const xt = xb + <usize>t * row;
        let o4: usize = 0;
        for (; o4 + 16 <= row; o4 += 16) st(yo + o4, f32x4.add(ld(yo + o4, true), ld(xt + o4, true)), true);
        for (; o4 < row; o4 += 4) st(yo + o4, f32x4.add(ld(yo + o4, false), ld(xt + o4, false)), false);
      }
      const count = splat(windowCount(mb, start, end));
      let o4: usize = 0;
      for (; o4 + 16 <= row; o4 += 16) st(yo + o4, f32x4.div(ld(yo + o4, true), count), true);
      for (; o4 < row; o4 += 4) st(yo + o4, f32x4.div(ld(yo + o4, false), count), false);
    }
  }
}

/** dx = 0, then dx[b, t, c] += m[b, t]·dy[b, o, c] / count(o) for every window o holding t (f32_avg_pool1d's gradient). */
export function f32_avg_pool1d_bwd(
  batch: i32, steps: i32, channels: i32, pool: i32, stride: i32, padBefore: i32, outSteps: i32,
  dy: usize, mask: usize, dx: usize,
): void {
  const row = <usize>channels << 2;
  memory.fill(dx, 0, <usize>batch * <usize>steps * row);
  for (let b = 0; b < batch; b++) {
    const dxb = dx + <usize>b * <usize>steps * row;
    const mb = mask ? mask + (<usize>b * <usize>steps << 2) : 0;
    for (let o = 0; o < outSteps; o++) {
      const start = max(0, o * stride - padBefore), end = min(steps, o * stride - padBefore + pool);
      const count = windowCount(mb, start, end);
      const g = dy + <usize>(b * outSteps + o) * row;
      for (let t = start; t < end; t++) {
        if (mb && load<f32>(mb + (<usize>t << 2)) == 0) continue;
        const d = dxb + <usize>t * row;
        let c = 0;
        for (; c + 4 <= channels; c += 4) addScaled(d + (<usize>c << 2), g + (<usize>c << 2), count, true);
        for (; c < channels; c++) addScaled(d + (<usize>c << 2), g + (<usize>c << 2), count, false);
      }
    }
  }
}

/** The number of unmasked cells in [start, end) (all of them without a mask). */
// @ts-ignore: decorator
@inline function windowCount(mask: usize, start: i32, end: i32): f32 {
  if (!mask) return <f32>(end - start);
  let n: f32 = 0;
  for (let t = start; t < end; t++) if (load<f32>(mask + (<usize>t << 2)) != 0) n += 1;
  return n;
}

// @ts-ignore: decorator
@inline function addScaled(d: usize, g: usize, count: f32, vec: bool): void {
  st(d, f32x4.add(ld(d, vec), f32x4.div(ld(g, vec), splat(count))), vec);
}
