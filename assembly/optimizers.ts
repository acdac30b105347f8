// Optimizer updates, in place over n parameters (Keras 3 formulas; see src/training/optimizers).

import { ld, st, splat, madd } from "./simd";

/**
 * RMSprop: v = ρv + (1−ρ)g² (the caller passes 1−ρ, computed in f64); with `centered`, mg = ρ·mg + (1−ρ)g and the denominator is
 * sqrt(v − mg² + ε), else sqrt(v + ε); step = lr·g / denominator. With momentum > 0,
 * m = momentum·m + step and p −= m; else p −= step. m, mg may be 0 when unused.
 */
export function f32_rmsprop(
  n: i32, p: usize, g: usize, v: usize, m: usize, mg: usize,
  lr: f32, rho: f32, oneMinusRho: f32, eps: f32, momentum: f32, centered: i32,
): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) rmspropLanes(o, p, g, v, m, mg, lr, rho, oneMinusRho, eps, momentum, centered != 0, true);
  for (; o < bytes; o += 4) rmspropLanes(o, p, g, v, m, mg, lr, rho, oneMinusRho, eps, momentum, centered != 0, false);
}

// @ts-ignore: decorator
@inline function rmspropLanes(
  o: usize, p: usize, g: usize, v: usize, m: usize, mg: usize,
  lr: f32, rho: f32, oneMinusRho: f32, eps: f32, momentum: f32, centered: bool, vec: bool,
): void {
  const gv = ld(g + o, vec);
  const vv = madd(splat(rho), ld(v + o, vec), f32x4.mul(splat(oneMinusRho), f32x4.mul(gv, gv)));
  st(v + o, vv, vec);
  let denom = f32x4.add(vv, splat(eps));
  if (centered) {
    const mgv = madd(splat(rho), ld(mg + o, vec), f32x4.mul(splat(oneMinusRho), gv));
    st(mg + o, mgv, vec);
    denom = f32x4.sub(denom, f32x4.mul(mgv, mgv));
  }
  let step = f32x4.div(f32x4.mul(splat(lr), gv), f32x4.sqrt(denom));
  if (momentum > 0) {
    step = madd(splat(momentum), ld(m + o, vec), step);
    st(m + o, step, vec);
  }
  st(p + o, f32x4.sub(ld(p + o, vec), step), vec);
}

/**
 * Adam (Keras 3): m += (g − m)(1−β1); v += (g² − v)(1−β2); p −= alpha·m / (sqrt(v) + ε), where the
 * caller passes alpha = lr·sqrt(1 − β2^t) / (1 − β1^t), 1−β1 and 1−β2 (computed in f64).
 */
export function f32_adam(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  alpha: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32,
): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) adamLanes(o, p, g, m, v, alpha, oneMinusBeta1, oneMinusBeta2, eps, true);
  for (; o < bytes; o += 4) adamLanes(o, p, g, m, v, alpha, oneMinusBeta1, oneMinusBeta2, eps, false);
}

// @ts-ignore: decorator
@inline function adamLanes(
  o: usize, p: usize, g: usize, m: usize, v: usize,
  alpha: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, vec: bool,
): void {
  const gv = ld(g + o, vec);
  let mv = ld(m + o, vec), vv = ld(v + o, vec);
  mv = madd(f32x4.sub(gv, mv), splat(oneMinusBeta1), mv);
  vv = madd(f32x4.sub(f32x4.mul(gv, gv), vv), splat(oneMinusBeta2), vv);
  st(m + o, mv, vec);
  st(v + o, vv, vec);
  const step = f32x4.div(f32x4.mul(splat(alpha), mv), f32x4.add(f32x4.sqrt(vv), splat(eps)));
  st(p + o, f32x4.sub(ld(p + o, vec), step), vec);
}

/**
 * SGD (Keras 3): without momentum p −= lr·g; with momentum m = momentum·m − lr·g, then
 * p += momentum·m − lr·g (nesterov) or p += m. m may be 0 when momentum is 0.
 */
export function f32_sgd(n: i32, p: usize, g: usize, m: usize, lr: f32, momentum: f32, nesterov: i32): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) sgdLanes(o, p, g, m, lr, momentum, nesterov != 0, true);
  for (; o < bytes; o += 4) sgdLanes(o, p, g, m, lr, momentum, nesterov != 0, false);
}

// @ts-ignore: decorator
@inline function sgdLanes(o: usize, p: usize, g: usize, m: usize, lr: f32, momentum: f32, nesterov: bool, vec: bool): void {
  const step = f32x4.mul(splat(lr), ld(g + o, vec));
  let delta = f32x4.neg(step);
  if (momentum > 0) {
    const mv = f32x4.sub(f32x4.mul(splat(momentum), ld(m + o, vec)), step);
    st(m + o, mv, vec);
    delta = nesterov ? f32x4.sub(f32x4.mul(splat(momentum), mv), step) : mv;
  }
  st(p + o, f32x4.add(ld(p + o, vec), delta), vec);
}
