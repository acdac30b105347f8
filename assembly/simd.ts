// Vector math shared by every kernel: fused multiply-add, exp, and the activation functions.
// Scalar tails go through the same vector code on a splatted lane, so a value computes the same
// whatever its position in a row.

/** Activation codes of the kernel ABI (mirrored by src/backend/activation-codes.ts). */
export const ACT_LINEAR: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_SIGMOID: i32 = 2;
export const ACT_HARD_SIGMOID: i32 = 3;
export const ACT_TANH: i32 = 4;
/** Keras 3's hard sigmoid, clip(x/6 + 0.5, 0, 1) (ACT_HARD_SIGMOID is Keras 2's and tfjs's 0.2x + 0.5). */
export const ACT_HARD_SIGMOID_KERAS3: i32 = 5;

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
 * Clamps to [lo, hi] with single min/max instructions (f32x4.min/max follow IEEE's NaN and signed
 * zero rules and cost several instructions each); a NaN in x stays NaN.
 */
// @ts-ignore: decorator
@inline export function clamp(x: v128, lo: f32, hi: f32): v128 {
  return f32x4.pmax(f32x4.pmin(x, splat(hi)), splat(lo));
}

/** 1.5·2²³: adding it rounds a float of magnitude < 2²² to an integer held in the low mantissa bits. */
const ROUNDING_BIAS: f32 = 12582912.0;

/** x·log₂e + 1.5·2²³: its value minus the bias is n = round(x / ln2), its low bits hold n (see pow2). */
// @ts-ignore: decorator
@inline export function roundedLog2(x: v128): v128 {
  return madd(x, splat(1.44269504088896341), splat(ROUNDING_BIAS));
}

/** 2^n for the n that roundedLog2 rounded: the sum's bits shifted into the exponent field, biased by 1.0's. */
// @ts-ignore: decorator
@inline function pow2(biased: v128): v128 {
  return i32x4.add(i32x4.shl(biased, 23), i32x4.splat(0x3f800000));
}

/**
 * e^r − 1 for r = x − n·ln2 (|r| ≤ ln2/2, ln2 split Cody–Waite style so n·ln2_hi is exact):
 * r + r²·p(r) with Cephes expf's polynomial, free of cancellation.
 */
// @ts-ignore: decorator
@inline export function expm1Reduced(x: v128, biased: v128): v128 {
  const n = f32x4.sub(biased, splat(ROUNDING_BIAS));
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  return madd(p, f32x4.mul(r, r), r);
}

// The exponential and tanh are one chain of ~30 dependent instructions each. A loop or a block of
// code that applies them to several independent vectors one after another keeps only two or three
// chains in the core's scheduler at once, so it waits on latency (≈ 40 cycles per tanh vector
// here); applied in stages to four or eight vectors side by side (activate4InPlace,
// activate8InPlace, softmax's row quads) the chains overlap (≈ 24 cycles at four; eight gained
// another 3-8% in the kernels). Both forms are built from the same stages, so they give the same bits.

/** vexp's argument: x clamped to [-87.3, 88.0], so 2^n stays a normal float. */
// @ts-ignore: decorator
@inline export function expArg(x: v128): v128 {
  return clamp(x, -87.33654, 88.02);
}

/** e^x = 2^n·(1 + (e^r − 1)) from the stages above. */
// @ts-ignore: decorator
@inline export function expFinish(em1: v128, biased: v128): v128 {
  return f32x4.mul(f32x4.add(em1, splat(1.0)), pow2(biased));
}

/**
 * e^x = 2^n·(1 + (e^r − 1)) (see expm1Reduced). n is rounded by adding 1.5·2²³ and 2^n is built
 * from that sum's bits, which avoids the float → int conversion (a multi-instruction sequence in
 * V8). Relative error ≈ 1e-7. Inputs are clamped to [-87.3, 88.0] so 2^n stays a normal float:
 * e^x underflows to 1.2e-38 and never overflows.
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  x = expArg(x);
  const biased = roundedLog2(x);
  return expFinish(expm1Reduced(x, biased), biased);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  return sigmoidFromExp(vexp(f32x4.neg(x)));
}

/** 1 / (1 + e^(−x)) from e^(−x). */
// @ts-ignore: decorator
@inline function sigmoidFromExp(e: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), e));
}

/** Keras 2 / tfjs hard sigmoid: clip(0.2·x + 0.5, 0, 1). */
// @ts-ignore: decorator
@inline export function vhardsigmoid(x: v128): v128 {
  return clamp(madd(x, splat(0.2), splat(0.5)), 0.0, 1.0);
}

/** Keras 3 hard sigmoid: relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1). */
// @ts-ignore: decorator
@inline export function vhardsigmoidKeras3(x: v128): v128 {
  return clamp(madd(x, splat(<f32>(1.0 / 6.0)), splat(0.5)), 0.0, 1.0);
}

/** tanh's exponent argument: −2|x|, clamped at −18 (past which tanh is 1 in float32). */
// @ts-ignore: decorator
@inline function tanhArg(x: v128): v128 {
  return f32x4.pmax(f32x4.mul(f32x4.abs(x), splat(-2.0)), splat(-18.0));
}

/** tanh from m's stages (see vtanh) and x's sign bit. */
// @ts-ignore: decorator
@inline function tanhFinish(em1: v128, biased: v128, x: v128): v128 {
  const pow2n = pow2(biased);
  const m = madd(em1, pow2n, f32x4.sub(pow2n, splat(1.0)));
  const y = f32x4.div(m, f32x4.sub(splat(-2.0), m));
  return v128.or(y, v128.and(x, i32x4.splat(0x80000000)));
}

/**
 * tanh(x) = −m / (2 + m) with m = e^(−2|x|) − 1, the sign copied from x. m comes from the same
 * range reduction as vexp: e^z − 1 = 2^n·(e^r − 1) + (2^n − 1), with e^r − 1 = r + r²·p(r) free of
 * cancellation, so small |x| keep their relative accuracy without a second polynomial. −2|x| is
 * clamped at −18, past which tanh is 1 in float32.
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const z = tanhArg(x);
  const biased = roundedLog2(z);
  return tanhFinish(expm1Reduced(z, biased), biased, x);
}

/**
 * Activation `act` applied in place to the vectors at p0…p3 (all four are loaded before any is
 * stored, so repeated addresses are activated once). Sigmoid and tanh run their stages on the
 * four vectors side by side (see above); the results are bit-identical to vact's.
 */
// @ts-ignore: decorator
@inline export function activate4InPlace(p0: usize, p1: usize, p2: usize, p3: usize, act: i32): void {
  let x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
  if (act == ACT_TANH || act == ACT_SIGMOID) {
    const tanh = act == ACT_TANH;
    const z0 = longArg(x0, tanh), z1 = longArg(x1, tanh), z2 = longArg(x2, tanh), z3 = longArg(x3, tanh);
    const b0 = roundedLog2(z0), b1 = roundedLog2(z1), b2 = roundedLog2(z2), b3 = roundedLog2(z3);
    const e0 = expm1Reduced(z0, b0), e1 = expm1Reduced(z1, b1), e2 = expm1Reduced(z2, b2), e3 = expm1Reduced(z3, b3);
    x0 = longFinish(e0, b0, x0, tanh); x1 = longFinish(e1, b1, x1, tanh);
    x2 = longFinish(e2, b2, x2, tanh); x3 = longFinish(e3, b3, x3, tanh);
  } else {
    x0 = vact(x0, act); x1 = vact(x1, act); x2 = vact(x2, act); x3 = vact(x3, act);
  }
  v128.store(p0, x0); v128.store(p1, x1); v128.store(p2, x2); v128.store(p3, x3);
}

/**
 * activate4InPlace over eight vectors, at p0…p3 and at the same addresses + `next` bytes, for tanh
 * or the sigmoid: eight chains side by side hide more of their latency than two calls of four.
 */
// @ts-ignore: decorator
@inline export function activate8InPlace(p0: usize, p1: usize, p2: usize, p3: usize, next: usize, tanh: bool): void {
  const q0 = p0 + next, q1 = p1 + next, q2 = p2 + next, q3 = p3 + next;
  let x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
  let x4 = v128.load(q0), x5 = v128.load(q1), x6 = v128.load(q2), x7 = v128.load(q3);
  let z0 = longArg(x0, tanh), z1 = longArg(x1, tanh), z2 = longArg(x2, tanh), z3 = longArg(x3, tanh);
  let z4 = longArg(x4, tanh), z5 = longArg(x5, tanh), z6 = longArg(x6, tanh), z7 = longArg(x7, tanh);
  const b0 = roundedLog2(z0), b1 = roundedLog2(z1), b2 = roundedLog2(z2), b3 = roundedLog2(z3);
  const b4 = roundedLog2(z4), b5 = roundedLog2(z5), b6 = roundedLog2(z6), b7 = roundedLog2(z7);
  z0 = expm1Reduced(z0, b0); z1 = expm1Reduced(z1, b1); z2 = expm1Reduced(z2, b2); z3 = expm1Reduced(z3, b3);
  z4 = expm1Reduced(z4, b4); z5 = expm1Reduced(z5, b5); z6 = expm1Reduced(z6, b6); z7 = expm1Reduced(z7, b7);
  v128.store(p0, longFinish(z0, b0, x0, tanh)); v128.store(p1, longFinish(z1, b1, x1, tanh));
  v128.store(p2, longFinish(z2, b2, x2, tanh)); v128.store(p3, longFinish(z3, b3, x3, tanh));
  v128.store(q0, longFinish(z4, b4, x4, tanh)); v128.store(q1, longFinish(z5, b5, x5, tanh));
  v128.store(q2, longFinish(z6, b6, x6, tanh)); v128.store(q3, longFinish(z7, b7, x7, tanh));
}

/** The exponent argument of tanh (−2|x|, clamped) or of the sigmoid (−x, clamped). */
// @ts-ignore: decorator
@inline function longArg(x: v128, tanh: bool): v128 {
  return tanh ? tanhArg(x) : expArg(f32x4.neg(x));
}

/** tanh or the sigmoid of x from its argument's e^r − 1 and rounding sum. */
// @ts-ignore: decorator
@inline function longFinish(em1: v128, biased: v128, x: v128, tanh: bool): v128 {
  return tanh ? tanhFinish(em1, biased, x) : sigmoidFromExp(expFinish(em1, biased));
}

/** Applies activation `act` lane-wise. */
// @ts-ignore: decorator
@inline export function vact(x: v128, act: i32): v128 {
  switch (act) {
    case ACT_RELU: return f32x4.pmax(x, splat(0.0));
    case ACT_SIGMOID: return vsigmoid(x);
    case ACT_HARD_SIGMOID: return vhardsigmoid(x);
    case ACT_TANH: return vtanh(x);
    case ACT_HARD_SIGMOID_KERAS3: return vhardsigmoidKeras3(x);
    default: return x;
  }
}

/**
 * Derivative of activation `act` expressed through its output y = act(x):
 * relu 1[y>0], sigmoid y(1−y), hard sigmoid 0.2·1[0<y<1] (Keras 3's: 1/6·1[0<y<1]), tanh 1−y²,
 * linear 1.
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
    case ACT_HARD_SIGMOID_KERAS3: {
      const inside = v128.and(f32x4.gt(y, splat(0.0)), f32x4.lt(y, splat(1.0)));
      return v128.and(inside, splat(<f32>(1.0 / 6.0)));
    }
    default: return splat(1.0);
  }
}

/**
 * Natural log for positive normal x (NaN stays NaN), Cephes logf: x = m·2^e with m in [√½, √2), a degree-9
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
  // a NaN lane stays NaN (the bit manipulation above would make it a finite number)
  return v128.bitselect(x, madd(e, splat(0.693359375), f32x4.add(m, y)), f32x4.ne(x, x));
}

/** The sum of the four lanes, in every lane (shuffles: the value never leaves the register). */
// @ts-ignore: decorator
@inline export function vsumAll(v: v128): v128 {
  v = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.add(v, i32x4.shuffle(v, v, 1, 0, 3, 2));
}

/** The largest of the four lanes, in every lane. */
// @ts-ignore: decorator
@inline export function vmaxAll(v: v128): v128 {
  v = f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.pmax(v, i32x4.shuffle(v, v, 1, 0, 3, 2));
}

/** Lane 0 kept, the others zeroed: a scalar tail's contribution to a vector sum. */
// @ts-ignore: decorator
@inline export function lane0(v: v128): v128 {
  return v128.and(v, i32x4(-1, 0, 0, 0));
}

/** Horizontal sum of four lanes, as a scalar. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(vsumAll(v), 0);
}
