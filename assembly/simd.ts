// Vector math shared by every kernel: fused multiply-add, exp, and the activation functions.
// Scalar tails go through the same vector code on a splatted lane, so a value computes the same
// whatever its position in a row.

/** Activation codes of the kernel ABI (mirrored by src/backend/activation-codes.ts). */
export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_SIGMOID: i32 = 2;
export const ACT_HARD_SIGMOID: i32 = 3;
export const ACT_TANH: i32 = 4;

/** a·b + c; one fused instruction in the relaxed-SIMD build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** Loads four lanes, or one lane splatted when `vec` is false (the scalar tail). */
// @ts-ignore: decorator
@inline export function ld(p: usize, vec: bool): v128 {
  return vec ? v128.load(p) : f32x4.splat(load<f32>(p));
}

/** Stores four lanes, or lane 0 when `vec` is false. */
// @ts-ignore: decorator
@inline export function st(p: usize, v: v128, vec: bool): void {
  if (vec) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/**
 * e^x, Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), a degree-6
 * polynomial for e^r, 2^n built in the exponent bits. Relative error ≈ 1e-7. Inputs are clamped to
 * [-87.3, 88.0] so 2^n stays a normal float: e^x underflows to 1.2e-38 and never overflows.
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, splat(-87.33654)), splat(88.02));
  const n = f32x4.nearest(f32x4.mul(x, splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  p = f32x4.add(madd(p, r2, r), splat(1.0));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), vexp(f32x4.neg(x))));
}

/** Keras 2 / tfjs hard sigmoid: clip(0.2·x + 0.5, 0, 1). */
// @ts-ignore: decorator
@inline export function vhardsigmoid(x: v128): v128 {
  return f32x4.min(f32x4.max(madd(x, splat(0.2), splat(0.5)), splat(0.0)), splat(1.0));
}

/**
 * tanh: Cephes tanhf's odd polynomial for |x| < 0.625 (no cancellation near 0), otherwise
 * (1 − e^(−2|x|)) / (1 + e^(−2|x|)); the sign is copied from x.
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const sign = v128.and(x, i32x4.splat(0x80000000));
  const ax = f32x4.abs(x);
  const t = vexp(f32x4.mul(ax, splat(-2.0)));
  const large = f32x4.div(f32x4.sub(splat(1.0), t), f32x4.add(splat(1.0), t));
  const z = f32x4.mul(ax, ax);
  let p = splat(-5.70498872745e-3);
  p = madd(p, z, splat(2.06390887954e-2));
  p = madd(p, z, splat(-5.37397155531e-2));
  p = madd(p, z, splat(1.33314422036e-1));
  p = madd(p, z, splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), ax, ax);
  const y = v128.bitselect(small, large, f32x4.lt(ax, splat(0.625)));
  return v128.or(y, sign);
}

/** Applies activation `act` lane-wise. */
// @ts-ignore: decorator
@inline export function vact(x: v128, act: i32): v128 {
  switch (act) {
    case ACT_RELU: return f32x4.max(x, splat(0.0));
    case ACT_SIGMOID: return vsigmoid(x);
    case ACT_HARD_SIGMOID: return vhardsigmoid(x);
    case ACT_TANH: return vtanh(x);
    default: return x;
  }
}

/**
 * Derivative of activation `act` expressed through its output y = act(x):
 * relu 1[y>0], sigmoid y(1−y), hard sigmoid 0.2·1[0<y<1], tanh 1−y², linear 1.
 */
// @ts-ignore: decorator
@inline export function vactGrad(y: v128, act: i32): v128 {
  switch (act) {
    case ACT_RELU: return v128.and(f32x4.gt(y, splat(0.0)), splat(1.0));
    case ACT_SIGMOID: return f32x4.mul(y, f32x4.sub(splat(1.0), y));
    case ACT_HARD_SIGMOID: {
      const inside = v128.and(f32x4.gt(y, splat(0.0)), f32x4.lt(y, splat(1.0)));
      return v128.and(inside, splat(0.2));
    }
    case ACT_TANH: return f32x4.sub(splat(1.0), f32x4.mul(y, y));
    default: return splat(1.0);
  }
}

/**
 * Natural log for positive normal x, Cephes logf: x = m·2^e with m in [√½, √2), a degree-9
 * polynomial for log(m), e·ln2 added in two parts. Relative error ≈ 1e-7.
 */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  const bits = x;
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const low = f32x4.lt(m, splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(low, splat(1.0)));
  m = f32x4.sub(f32x4.add(m, v128.and(low, m)), splat(1.0));
  const z = f32x4.mul(m, m);
  let p = splat(7.0376836292e-2);
  p = madd(p, m, splat(-1.1514610310e-1));
  p = madd(p, m, splat(1.1676998740e-1));
  p = madd(p, m, splat(-1.2420140846e-1));
  p = madd(p, m, splat(1.4249322787e-1));
  p = madd(p, m, splat(-1.6668057665e-1));
  p = madd(p, m, splat(2.0000714765e-1));
  p = madd(p, m, splat(-2.4999993993e-1));
  p = madd(p, m, splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = madd(e, splat(-2.12194440e-4), y);
  y = madd(z, splat(-0.5), y);
  return madd(e, splat(0.693359375), f32x4.add(m, y));
}

/** Horizontal sum of four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1))
    + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Horizontal max of four lanes. */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}
