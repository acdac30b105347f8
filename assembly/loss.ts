// Losses: each returns the loss summed over rows (f64) and writes the gradient times `scale`
// (the caller passes 1 / (number of loss elements in the whole batch)).

import { ld, st, splat, vlog, hsum, vsumAll, lane0, clamp } from "./simd";

/** Keras's clip of probabilities before the log: [ε, 1 − ε] with ε = 1e-7. */
const EPS: f32 = 1e-7;

/**
 * Categorical cross-entropy of softmax outputs, fused: per row q = clip(p / Σp, ε, 1−ε),
 * loss = −Σ y·log q. The gradient goes to the softmax logits: dlogits = (p·Σy − y)·scale
 * (the clip's zero gradient is not applied, as in Keras's fused logits path).
 * probs, targets, dlogits: rows × n. Returns Σ over rows of the loss.
 */
export function f32_softmax_ce(rows: i32, n: i32, probs: usize, targets: usize, dlogits: usize, scale: f32): f64 {
  // one body, inlined per width so each gets straight-line code (a shared loop measured 10–15% slower)
  if (n == 8) return softmaxCeInRegisters(rows, 8, probs, targets, dlogits, scale);
  if (n == 4) return softmaxCeInRegisters(rows, 4, probs, targets, dlogits, scale);
  if (n == 12) return softmaxCeInRegisters(rows, 12, probs, targets, dlogits, scale);
  if (n == 16) return softmaxCeInRegisters(rows, 16, probs, targets, dlogits, scale);
  const bytes = <usize>n << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * bytes;
    const p = probs + ro, y = targets + ro, d = dlogits + ro;
    const invS = f32x4.div(splat(1), rowSum(p, bytes));
    const ySum = rowSum(y, bytes);
    let lv = splat(0);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) lv = f32x4.add(lv, ceTerm(o, p, y, d, invS, ySum, scale, true));
    for (; o < bytes; o += 4) lv = f32x4.add(lv, lane0(ceTerm(o, p, y, d, invS, ySum, scale, false)));
    total += <f64>hsum(lv);
  }
  return total;
}

/** f32_softmax_ce for rows of 4, 8, 12 or 16 (the seed's 8 classes among them): each row stays in registers. */
// @ts-ignore: decorator
@inline function softmaxCeInRegisters(rows: i32, n: i32, p: usize, y: usize, d: usize, scale: f32): f64 {
  const bytes = <usize>n << 2;
  const has1 = n > 4, has2 = n > 8, has3 = n > 12;
  const sc = splat(scale);
  let total: f64 = 0;
  const end = p + <usize>rows * bytes;
  for (; p < end; p += bytes, y += bytes, d += bytes) {
    const pa = v128.load(p), ya = v128.load(y);
    let pb = pa, yb = ya, pc = pa, yc = ya, pd = pa, yd = ya;
    let ps = pa, ys = ya;
    if (has1) { ps = f32x4.add(ps, pb = v128.load(p, 16)); ys = f32x4.add(ys, yb = v128.load(y, 16)); }
    if (has2) { ps = f32x4.add(ps, pc = v128.load(p, 32)); ys = f32x4.add(ys, yc = v128.load(y, 32)); }
    if (has3) { ps = f32x4.add(ps, pd = v128.load(p, 48)); ys = f32x4.add(ys, yd = v128.load(y, 48)); }
    const invS = f32x4.div(splat(1), vsumAll(ps));
    const ySum = vsumAll(ys);
    v128.store(d, f32x4.mul(f32x4.sub(f32x4.mul(pa, ySum), ya), sc));
    let loss = ceLoss(pa, ya, invS);
    if (has1) {
      v128.store(d, f32x4.mul(f32x4.sub(f32x4.mul(pb, ySum), yb), sc), 16);
      loss = f32x4.add(loss, ceLoss(pb, yb, invS));
    }
    if (has2) {
      v128.store(d, f32x4.mul(f32x4.sub(f32x4.mul(pc, ySum), yc), sc), 32);
      loss = f32x4.add(loss, ceLoss(pc, yc, invS));
    }
    if (has3) {
      v128.store(d, f32x4.mul(f32x4.sub(f32x4.mul(pd, ySum), yd), sc), 48);
      loss = f32x4.add(loss, ceLoss(pd, yd, invS));
    }
    total += <f64>hsum(loss);
  }
  return total;
}

/** −y·log(clip(p/Σp)) of 4 lanes; 0 without target mass (the log is skipped: one-hot targets). */
// @ts-ignore: decorator
@inline function ceLoss(pv: v128, yv: v128, invS: v128): v128 {
  if (!v128.any_true(f32x4.ne(yv, splat(0)))) return splat(0);
  return f32x4.neg(f32x4.mul(yv, vlog(clamp(f32x4.mul(pv, invS), EPS, 1 - EPS))));
}

/** Writes the logits' gradient of 4 lanes (1 when `vec` is false); returns their loss terms. */
// @ts-ignore: decorator
@inline function ceTerm(o: usize, p: usize, y: usize, d: usize, invS: v128, ySum: v128, scale: f32, vec: bool): v128 {
  const pv = ld(p + o, vec), yv = ld(y + o, vec);
  st(d + o, f32x4.mul(f32x4.sub(f32x4.mul(pv, ySum), yv), splat(scale)), vec);
  // lanes without target mass add 0: the log is skipped when all four are (one-hot targets)
  if (!v128.any_true(f32x4.ne(yv, splat(0)))) return splat(0);
  const q = clamp(f32x4.mul(pv, invS), EPS, 1 - EPS);
  return f32x4.neg(f32x4.mul(yv, vlog(q)));
}

/** Σ of a row of `bytes` / 4 floats, in every lane. */
// @ts-ignore: decorator
@inline function rowSum(p: usize, bytes: usize): v128 {
  let v = splat(0);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v = f32x4.add(v, v128.load(p + o));
  for (; o < bytes; o += 4) v = f32x4.add(v, lane0(ld(p + o, false)));
  return vsumAll(v);
}

/**
 * Categorical cross-entropy of any probabilities (not fused with softmax), with the exact gradient
 * through the normalisation and the clip: g = −y/q where q is inside the clip, else 0;
 * dp = (g − Σ g·q) / Σp · scale. Returns Σ over rows of the loss.
 */
export function f32_categorical_ce(rows: i32, n: i32, probs: usize, targets: usize, dprobs: usize, scale: f32): f64 {
  const bytes = <usize>n << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * bytes;
    const p = probs + ro, y = targets + ro, d = dprobs + ro;
    const invS: f32 = 1 / f32x4.extract_lane(rowSum(p, bytes), 0);
    let loss: f32 = 0, gq: f32 = 0;
    for (let o: usize = 0; o < bytes; o += 4) {
      const q = load<f32>(p + o) * invS;
      const qc = min(max(q, EPS), 1 - EPS);
      const yv = load<f32>(y + o);
      loss -= yv * f32x4.extract_lane(vlog(splat(qc)), 0);
      const g: f32 = q > EPS && q < 1 - EPS ? -yv / q : 0;
      store<f32>(d + o, g);
      gq += g * q;
    }
    for (let o: usize = 0; o < bytes; o += 4) store<f32>(d + o, (load<f32>(d + o) - gq) * invS * scale);
    total += <f64>loss;
  }
  return total;
}

/** Mean squared error terms: returns Σ (p − y)² over n elements; dp = 2(p − y)·scale. */
export function f32_mse(n: i32, probs: usize, targets: usize, dprobs: usize, scale: f32): f64 {
  const bytes = <usize>n << 2;
  const two = splat(2 * scale);
  let total: f64 = 0;
  // f32 partial sums over chunks of 256 values, accumulated in f64
  for (let chunk: usize = 0; chunk < bytes; chunk += 1024) {
    const end = min(chunk + 1024, bytes);
    let sv = splat(0);
    let o = chunk;
    for (; o + 16 <= end; o += 16) {
      const diff = f32x4.sub(v128.load(probs + o), v128.load(targets + o));
      sv = f32x4.add(sv, f32x4.mul(diff, diff));
      v128.store(dprobs + o, f32x4.mul(diff, two));
    }
    let s = hsum(sv);
    for (; o < end; o += 4) {
      const diff = load<f32>(probs + o) - load<f32>(targets + o);
      s += diff * diff;
      store<f32>(dprobs + o, diff * 2 * scale);
    }
    total += <f64>s;
  }
  return total;
}

/**
 * Sparse categorical cross-entropy of softmax outputs, fused: the target is a class index per row
 * (stored as f32), loss = −log(clip(p_k / Σp, ε, 1−ε)); the gradient goes to the softmax logits,
 * dlogits = (p − onehot(k))·scale. probs, dlogits: rows × n; targets: rows.
 */
export function f32_sparse_softmax_ce(rows: i32, n: i32, probs: usize, targets: usize, dlogits: usize, scale: f32): f64 {
  const bytes = <usize>n << 2;
  const sc = splat(scale);
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * bytes;
    const p = probs + ro, d = dlogits + ro;
    const k = <usize>(<i32>load<f32>(targets + (<usize>r << 2)));
    const sum = f32x4.extract_lane(rowSum(p, bytes), 0);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) v128.store(d + o, f32x4.mul(v128.load(p + o), sc));
    for (; o < bytes; o += 4) store<f32>(d + o, load<f32>(p + o) * scale);
    store<f32>(d + (k << 2), load<f32>(d + (k << 2)) - scale);
    const q = min(max(load<f32>(p + (k << 2)) / sum, EPS), 1 - EPS);
    total -= Math.log(<f64>q);
  }
  return total;
}

/**
 * Sparse categorical cross-entropy of any probabilities (Keras: c = clip(p, ε, 1−ε),
 * loss = −log(c_k / Σc)), gradient w.r.t. p through the clip: (1/Σc − [j = k]/c_k)·scale where p_j
 * is inside the clip, else 0. probs, dprobs: rows × n; targets: rows (class index as f32).
 */
export function f32_sparse_ce(rows: i32, n: i32, probs: usize, targets: usize, dprobs: usize, scale: f32): f64 {
  const bytes = <usize>n << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * bytes;
    const p = probs + ro, d = dprobs + ro;
    const k = <usize>(<i32>load<f32>(targets + (<usize>r << 2))) << 2;
    let sum: f32 = 0;
    for (let o: usize = 0; o < bytes; o += 4) sum += min(max(load<f32>(p + o), EPS), 1 - EPS);
    const ck = min(max(load<f32>(p + k), EPS), 1 - EPS);
    const inv = scale / sum;
    for (let o: usize = 0; o < bytes; o += 4) {
      const v = load<f32>(p + o);
      store<f32>(d + o, v > EPS && v < 1 - EPS ? inv : 0);
    }
    const pk = load<f32>(p + k);
    if (pk > EPS && pk < 1 - EPS) store<f32>(d + k, load<f32>(d + k) - scale / ck);
    total += Math.log(<f64>sum) - Math.log(<f64>ck);
  }
  return total;
}

/**
 * Binary cross-entropy over n elements: Σ −[y·log c + (1−y)·log(1−c)], c = clip(p, ε, 1−ε).
 * fusedSigmoid: p is a sigmoid's output and the gradient goes to its logits, (p − y)·scale;
 * else the gradient w.r.t. p through the clip, (c − y)/(c(1−c))·scale inside it, 0 outside.
 */
export function f32_binary_ce(n: i32, probs: usize, targets: usize, grad: usize, scale: f32, fusedSigmoid: bool): f64 {
  let total: f64 = 0;
  for (let o: usize = 0, end = <usize>n << 2; o < end; o += 4) {
    const p = load<f32>(probs + o), y = load<f32>(targets + o);
    const c = min(max(p, EPS), 1 - EPS);
    total -= <f64>y * Math.log(<f64>c) + (1 - <f64>y) * Math.log(1 - <f64>c);
    let g: f32;
    if (fusedSigmoid) g = p - y;
    else g = p > EPS && p < 1 - EPS ? (c - y) / (c * (1 - c)) : 0;
    store<f32>(grad + o, g * scale);
  }
  return total;
}

/** Mean absolute error terms: returns Σ |p − y| over n elements; dp = sign(p − y)·scale (0 at 0). */
export function f32_mae(n: i32, probs: usize, targets: usize, grad: usize, scale: f32): f64 {
  let total: f64 = 0;
  for (let o: usize = 0, end = <usize>n << 2; o < end; o += 4) {
    const e = load<f32>(probs + o) - load<f32>(targets + o);
    total += <f64>abs(e);
    store<f32>(grad + o, e > 0 ? scale : e < 0 ? -scale : 0);
  }
  return total;
}

/**
 * Huber terms with threshold delta (e = p − y): Σ 0.5e² where |e| ≤ δ, δ|e| − 0.5δ² elsewhere;
 * dp = e (inside) or δ·sign(e) (outside), times scale.
 */
export function f32_huber(n: i32, probs: usize, targets: usize, grad: usize, scale: f32, delta: f32): f64 {
  let total: f64 = 0;
  for (let o: usize = 0, end = <usize>n << 2; o < end; o += 4) {
    const e = load<f32>(probs + o) - load<f32>(targets + o);
    const a = abs(e);
    if (a <= delta) {
      total += 0.5 * <f64>e * <f64>e;
      store<f32>(grad + o, e * scale);
    } else {
      total += <f64>delta * <f64>a - 0.5 * <f64>delta * <f64>delta;
      store<f32>(grad + o, (e > 0 ? delta : -delta) * scale);
    }
  }
  return total;
}
