// The float32 kernels of the tensor ops (src/tensor-ops/wasm-path.ts): elementwise binary and unary
// ops and whole-tensor reductions. Every result is the one the ops' plain TypeScript loops give:
// add, sub, mul, div and sqrt in float32 round the same as in float64 then to float32 (float64 has
// more than twice float32's precision); min and max follow Math.min/max on NaN and signed zeros.
// Sums accumulate in float64 (eight running sums: a different order than one running sum, within
// float32 rounding once the result is stored as float32).

/** Binary op codes (mirrored in src/tensor-ops/wasm-path.ts). */
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;
const MAX: i32 = 4;
const MIN: i32 = 5;

/** Unary op codes. */
const NEG: i32 = 0;
const ABS: i32 = 1;
const SQUARE: i32 = 2;
const RELU: i32 = 3;
const SQRT: i32 = 4;

// @ts-ignore: decorator
@inline function binaryOp(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  if (op == MAX) return f32x4.max(x, y);
  return f32x4.min(x, y);
}

/**
 * out = a (op) b over n values; `mode` 0: both arrays, 1: a is the scalar `s` (a unused), 2: b is
 * the scalar `s`. out may equal a or b.
 */
// @ts-ignore: decorator
@inline function binaryLoop(op: i32, n: i32, a: usize, b: usize, out: usize, mode: i32, s: f32): void {
  const bytes = <usize>n << 2;
  const k = f32x4.splat(s);
  let o: usize = 0;
  if (mode == 0) {
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, binaryOp(op, v128.load(a + o), v128.load(b + o)));
    for (; o < bytes; o += 4) store<f32>(out + o, f32x4.extract_lane(binaryOp(op, f32x4.splat(load<f32>(a + o)), f32x4.splat(load<f32>(b + o))), 0));
  } else if (mode == 1) {
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, binaryOp(op, k, v128.load(b + o)));
    for (; o < bytes; o += 4) store<f32>(out + o, f32x4.extract_lane(binaryOp(op, k, f32x4.splat(load<f32>(b + o))), 0));
  } else {
    for (; o + 16 <= bytes; o += 16) v128.store(out + o, binaryOp(op, v128.load(a + o), k));
    for (; o < bytes; o += 4) store<f32>(out + o, f32x4.extract_lane(binaryOp(op, f32x4.splat(load<f32>(a + o)), k), 0));
  }
}

/** out[i] = a[i] (op) b[i] for i < n, op one of the binary codes above; see binaryLoop for `mode`. */
export function f32_binary(op: i32, n: i32, a: usize, b: usize, out: usize, mode: i32, s: f32): void {
  // one loop per op, each with the op a constant, so no loop branches on it
  switch (op) {
    case ADD: binaryLoop(ADD, n, a, b, out, mode, s); break;
    case SUB: binaryLoop(SUB, n, a, b, out, mode, s); break;
    case MUL: binaryLoop(MUL, n, a, b, out, mode, s); break;
    case DIV: binaryLoop(DIV, n, a, b, out, mode, s); break;
    case MAX: binaryLoop(MAX, n, a, b, out, mode, s); break;
    default: binaryLoop(MIN, n, a, b, out, mode, s);
  }
}

// @ts-ignore: decorator
@inline function unaryOp(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  // pmax is one instruction where max is several: x < 0 ? 0 : x keeps NaN, and + 0 turns −0 into +0 as max does
  if (op == RELU) return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(0));
  return f32x4.sqrt(x);
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, n: i32, src: usize, dst: usize): void {
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(dst + o, unaryOp(op, v128.load(src + o)));
  for (; o < bytes; o += 4) store<f32>(dst + o, f32x4.extract_lane(unaryOp(op, f32x4.splat(load<f32>(src + o))), 0));
}

/** dst[i] = op(src[i]) for i < n, op one of the unary codes above (relu: max(x, 0), NaN stays NaN). */
export function f32_unary(op: i32, n: i32, src: usize, dst: usize): void {
  switch (op) {
    case NEG: unaryLoop(NEG, n, src, dst); break;
    case ABS: unaryLoop(ABS, n, src, dst); break;
    case SQUARE: unaryLoop(SQUARE, n, src, dst); break;
    case RELU: unaryLoop(RELU, n, src, dst); break;
    default: unaryLoop(SQRT, n, src, dst);
  }
}

/** Σ src[i] for i < n, in float64. */
export function f32_sum(n: i32, src: usize): f64 {
  const bytes = <usize>n << 2;
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    const v = v128.load(src + o);
    const w = v128.load(src + o + 16);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<i64>(v, v, 1, 0)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(w));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<i64>(w, w, 1, 0)));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; o < bytes; o += 4) s += <f64>load<f32>(src + o);
  return s;
}

/**
 * The largest (max ≠ 0) or smallest of src[0 … n), n ≥ 1; NaN if any is. Of a +0 and a −0 either may
 * come out (the caller settles a zero result).
 */
export function f32_extreme(n: i32, src: usize, max: i32): f32 {
  const bytes = <usize>n << 2;
  let m = load<f32>(src);
  let o: usize = 0;
  if (bytes >= 16) {
    // pmax/pmin (one instruction each) skip a NaN in x, so NaNs are flagged on the side
    let v = v128.load(src);
    let nan = f32x4.ne(v, v);
    for (o = 16; o + 16 <= bytes; o += 16) {
      const x = v128.load(src + o);
      v = max ? f32x4.pmax(v, x) : f32x4.pmin(v, x);
      nan = v128.or(nan, f32x4.ne(x, x));
    }
    if (v128.any_true(nan)) return NaN;
    for (let lane = 0; lane < 4; lane++) {
      const x = f32x4.extract_lane(v, 0);
      m = max ? Mathf.max(m, x) : Mathf.min(m, x);
      v = v128.shuffle<i32>(v, v, 1, 2, 3, 0);
    }
  }
  for (; o < bytes; o += 4) m = max ? Mathf.max(m, load<f32>(src + o)) : Mathf.min(m, load<f32>(src + o));
  return m;
}
