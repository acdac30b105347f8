// Normalization kernels: LayerNormalization over the rows of a (rows, n) block, and
// BatchNormalization over the channels of an (outer, c, inner) block (the channel axis in the
// middle: inner = 1 when it is the last axis, then the channel loop is the vector loop).
// Statistics are two-pass (mean, then the mean of squared deviations, as tf.nn.moments), in f32.

import { hsum, splat } from "./simd";

/** 1e-7: Keras's backend epsilon, added to the mask's weight sum in masked moments. */
const KERAS_EPSILON: f32 = 1e-7;

// Row reductions keep two vector accumulators, so one add's latency per vector does not bound the loop.

/** Σ of `bytes` bytes of floats at p. */
// @ts-ignore: decorator
@inline function rowSum(p: usize, bytes: usize): f32 {
  let acc = splat(0);
  let acc2 = splat(0);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    acc = f32x4.add(acc, v128.load(p + o));
    acc2 = f32x4.add(acc2, v128.load(p + o + 16));
  }
  for (; o + 16 <= bytes; o += 16) acc = f32x4.add(acc, v128.load(p + o));
  let s = hsum(f32x4.add(acc, acc2));
  for (; o < bytes; o += 4) s += load<f32>(p + o);
  return s;
}

/** Σ (p[i] − m)² over `bytes` bytes of floats. */
// @ts-ignore: decorator
@inline function rowSquaredDeviations(p: usize, bytes: usize, m: f32): f32 {
  const mv = splat(m);
  let acc = splat(0);
  let acc2 = splat(0);
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    const d = f32x4.sub(v128.load(p + o), mv);
    const d2 = f32x4.sub(v128.load(p + o + 16), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
    acc2 = f32x4.add(acc2, f32x4.mul(d2, d2));
  }
  for (; o + 16 <= bytes; o += 16) {
    const d = f32x4.sub(v128.load(p + o), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s = hsum(f32x4.add(acc, acc2));
  for (; o < bytes; o += 4) {
    const d = load<f32>(p + o) - m;
    s += d * d;
  }
  return s;
}

/** A per-column parameter: four lanes at p + o, or `fallback` splatted when p is 0 (absent). */
// @ts-ignore: decorator
@inline function param4(p: usize, o: usize, fallback: f32): v128 {
  return p ? v128.load(p + o) : splat(fallback);
}

// @ts-ignore: decorator
@inline function param1(p: usize, o: usize, fallback: f32): f32 {
  return p ? load<f32>(p + o) : fallback;
}

/**
 * LayerNormalization forward over each row of x (rows, n): mean and rstd = 1/√(var + eps) of the
 * row (saved for backward, `rows` floats each), then y = x·inv + (beta − mean·inv) with
 * inv = rstd·gamma, in Keras's order of operations. gamma / beta 0: absent (1 / 0). y may equal x.
 */
export function f32_layernorm_fwd(rows: i32, n: i32, x: usize, gamma: usize, beta: usize, eps: f32, y: usize, mean: usize, rstd: usize): void {
  const bytes = <usize>n << 2;
  const inv_n: f32 = 1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * bytes;
    const yr = y + <usize>r * bytes;
    const m = rowSum(xr, bytes) / <f32>n;
    const rs: f32 = 1 / Mathf.sqrt(rowSquaredDeviations(xr, bytes, m) * inv_n + eps);
    store<f32>(mean + (<usize>r << 2), m);
    store<f32>(rstd + (<usize>r << 2), rs);
    const rv = splat(rs);
    const nm = splat(-m);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) {
      const inv = f32x4.mul(rv, param4(gamma, o, 1));
      const res = f32x4.add(f32x4.mul(nm, inv), param4(beta, o, 0));
      v128.store(yr + o, f32x4.add(f32x4.mul(v128.load(xr + o), inv), res));
    }
    for (; o < bytes; o += 4) {
      const inv = rs * param1(gamma, o, 1);
      store<f32>(yr + o, load<f32>(xr + o) * inv + (-m * inv + param1(beta, o, 0)));
    }
  }
}

/**
 * LayerNormalization backward from the saved mean and rstd: with x̂ = (x − mean)·rstd and
 * g = dy·gamma, dx = rstd·(g − (Σg + x̂·Σ(g·x̂))/n) (0: not wanted); dgamma += Σ_rows dy·x̂ and
 * dbeta += Σ_rows dy (0: not wanted).
 */
export function f32_layernorm_bwd(
  rows: i32, n: i32, x: usize, gamma: usize, mean: usize, rstd: usize, dy: usize,
  dx: usize, dgamma: usize, dbeta: usize,
): void {
  const bytes = <usize>n << 2;
  const inv_n: f32 = 1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * bytes;
    const xr = x + off;
    const dyr = dy + off;
    const m = load<f32>(mean + (<usize>r << 2));
    const rs = load<f32>(rstd + (<usize>r << 2));
    const mv = splat(m);
    const rv = splat(rs);
    let av = splat(0);
    let bv = splat(0);
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) {
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      const d = v128.load(dyr + o);
      const g = f32x4.mul(d, param4(gamma, o, 1));
      av = f32x4.add(av, f32x4.mul(g, xh));
      bv = f32x4.add(bv, g);
      if (dgamma) v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(d, xh)));
      if (dbeta) v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), d));
    }
    let a = hsum(av);
    let b = hsum(bv);
    for (; o < bytes; o += 4) {
      const xh = (load<f32>(xr + o) - m) * rs;
      const d = load<f32>(dyr + o);
      const g = d * param1(gamma, o, 1);
      a += g * xh;
      b += g;
      if (dgamma) store<f32>(dgamma + o, load<f32>(dgamma + o) + d * xh);
      if (dbeta) store<f32>(dbeta + o, load<f32>(dbeta + o) + d);
    }
    if (!dx) continue;
    const dxr = dx + off;
    const an = splat(a * inv_n);
    const bn = splat(b * inv_n);
    o = 0;
    for (; o + 16 <= bytes; o += 16) {
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), mv), rv);
      const g = f32x4.mul(v128.load(dyr + o), param4(gamma, o, 1));
      v128.store(dxr + o, f32x4.mul(rv, f32x4.sub(g, f32x4.add(bn, f32x4.mul(xh, an)))));
    }
    for (; o < bytes; o += 4) {
      const xh = (load<f32>(xr + o) - m) * rs;
      const g = load<f32>(dyr + o) * param1(gamma, o, 1);
      store<f32>(dxr + o, rs * (g - (b * inv_n + xh * (a * inv_n))));
    }
  }
}

/**
 * acc[ch] += Σ over (o, i) of w[o·inner + i]·f(x[o, ch, i]) for x (outer, c, inner), where f is
 * x (square false) or (x − center[ch])² (square true); w 0 means weight 1.
 */
function channelSums(outer: i32, c: i32, inner: i32, x: usize, w: usize, center: usize, square: bool, acc: usize): void {
  const cbytes = <usize>c << 2;
  if (inner == 1) {
    for (let r = 0; r < outer; r++) {
      const xr = x + <usize>r * cbytes;
      const wv = splat(w ? load<f32>(w + (<usize>r << 2)) : 1);
      let o: usize = 0;
      for (; o + 16 <= cbytes; o += 16) {
        let v = v128.load(xr + o);
        if (square) {
          v = f32x4.sub(v, v128.load(center + o));
          v = f32x4.mul(v, v);
        }
        v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(wv, v)));
      }
      for (; o < cbytes; o += 4) {
        let v = load<f32>(xr + o);
        if (square) {
          v -= load<f32>(center + o);
          v *= v;
        }
        store<f32>(acc + o, load<f32>(acc + o) + f32x4.extract_lane(wv, 0) * v);
      }
    }
    return;
  }
  const ibytes = <usize>inner << 2;
  for (let r = 0; r < outer; r++) {
    const wr = w + <usize>r * ibytes;
    for (let ch = 0; ch < c; ch++) {
      const seg = x + (<usize>r * <usize>c + <usize>ch) * ibytes;
      const m = square ? load<f32>(center + (<usize>ch << 2)) : 0;
      const mv = splat(m);
      let sv = splat(0);
      let o: usize = 0;
      for (; o + 16 <= ibytes; o += 16) {
        let v = v128.load(seg + o);
        if (square) {
          v = f32x4.sub(v, mv);
          v = f32x4.mul(v, v);
        }
        sv = f32x4.add(sv, w ? f32x4.mul(v128.load(wr + o), v) : v);
      }
      let s = hsum(sv);
      for (; o < ibytes; o += 4) {
        let v = load<f32>(seg + o);
        if (square) {
          v -= m;
          v *= v;
        }
        s += w ? load<f32>(wr + o) * v : v;
      }
      const a = acc + (<usize>ch << 2);
      store<f32>(a, load<f32>(a) + s);
    }
  }
}

/**
 * The divisor of BatchNormalization's moments: outer·inner, or with weights w (a mask, one per
 * (o, i)) Keras's Σw + 1e-7.
 */
function momentsDivisor(outer: i32, inner: i32, w: usize): f32 {
  return w ? weightSum(outer, inner, w) + KERAS_EPSILON : <f32>(<f64>outer * <f64>inner);
}

/** Σw over the outer·inner weights. */
function weightSum(outer: i32, inner: i32, w: usize): f32 {
  return rowSum(w, (<usize>outer * <usize>inner) << 2);
}

/**
 * BatchNormalization's batch moments per channel of x (outer, c, inner): mean = Σw·x / D and the
 * biased variance Σw·(x − mean)² / D, D = outer·inner, or with a mask w (outer·inner weights of
 * 0 / 1) Keras's D = Σw + 1e-7. mean and variance: c floats each.
 */
export function f32_batchnorm_moments(outer: i32, c: i32, inner: i32, x: usize, w: usize, mean: usize, variance: usize): void {
  const cbytes = <usize>c << 2;
  const d = momentsDivisor(outer, inner, w);
  memory.fill(mean, 0, cbytes);
  memory.fill(variance, 0, cbytes);
  channelSums(outer, c, inner, x, w, 0, false, mean);
  for (let o: usize = 0; o < cbytes; o += 4) store<f32>(mean + o, load<f32>(mean + o) / d);
  channelSums(outer, c, inner, x, w, mean, true, variance);
  for (let o: usize = 0; o < cbytes; o += 4) store<f32>(variance + o, load<f32>(variance + o) / d);
}

/**
 * y[o, ch, i] = x·scale[ch] + shift[ch] for x (outer, c, inner); y may equal x.
 */
function channelAffine(outer: i32, c: i32, inner: i32, x: usize, scale: usize, shift: usize, y: usize): void {
  const cbytes = <usize>c << 2;
  if (inner == 1) {
    for (let r = 0; r < outer; r++) {
      const off = <usize>r * cbytes;
      let o: usize = 0;
      for (; o + 16 <= cbytes; o += 16) {
        v128.store(y + off + o, f32x4.add(f32x4.mul(v128.load(x + off + o), v128.load(scale + o)), v128.load(shift + o)));
      }
      for (; o < cbytes; o += 4) store<f32>(y + off + o, load<f32>(x + off + o) * load<f32>(scale + o) + load<f32>(shift + o));
    }
    return;
  }
  const ibytes = <usize>inner << 2;
  for (let r = 0; r < outer; r++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (<usize>r * <usize>c + <usize>ch) * ibytes;
      const s = load<f32>(scale + (<usize>ch << 2));
      const t = load<f32>(shift + (<usize>ch << 2));
      const sv = splat(s);
      const tv = splat(t);
      let o: usize = 0;
      for (; o + 16 <= ibytes; o += 16) v128.store(y + off + o, f32x4.add(f32x4.mul(v128.load(x + off + o), sv), tv));
      for (; o < ibytes; o += 4) store<f32>(y + off + o, load<f32>(x + off + o) * s + t);
    }
  }
}

/**
 * BatchNormalization forward with the given statistics (the batch's or the moving ones):
 * rstd = 1/√(variance + eps) (saved, c floats), inv = rstd·gamma, y = x·inv + (beta − mean·inv)
 * (tf.nn.batch_normalization's order). gamma / beta 0: absent. work: 2c floats. y may equal x.
 */
export function f32_batchnorm_fwd(
  outer: i32, c: i32, inner: i32, x: usize, mean: usize, variance: usize, gamma: usize, beta: usize, eps: f32,
  y: usize, rstd: usize, work: usize,
): void {
  const cbytes = <usize>c << 2;
  const scale = work;
  const shift = work + cbytes;
  for (let o: usize = 0; o < cbytes; o += 4) {
    const rs: f32 = 1 / Mathf.sqrt(load<f32>(variance + o) + eps);
    const inv = rs * param1(gamma, o, 1);
    store<f32>(rstd + o, rs);
    store<f32>(scale + o, inv);
    store<f32>(shift + o, param1(beta, o, 0) - load<f32>(mean + o) * inv);
  }
  channelAffine(outer, c, inner, x, scale, shift, y);
}

/**
 * BatchNormalization backward. With x̂ = (x − mean)·rstd: dgamma += Σ dy·x̂, dbeta += Σ dy (each 0
 * when not wanted). dx (0: not wanted): inference (training 0), the statistics are constants:
 * dx = dy·gamma·rstd; training (1), they are the batch's (weights w as in f32_batchnorm_moments):
 *   dx = gamma·rstd·(dy − w·(Σdy + x̂·Σ(dy·x̂) − rstd·Σ(dy·x̂)·Σw(x − mean)/D)/D),
 * the last term only with a mask (Keras's masked variance is not centred exactly: D = Σw + 1e-7;
 * unmasked, tf.nn.moments stops the variance's gradient through the mean). work: 4c floats.
 */
export function f32_batchnorm_bwd(
  outer: i32, c: i32, inner: i32, x: usize, w: usize, mean: usize, rstd: usize, gamma: usize, dy: usize, training: i32,
  dx: usize, dgamma: usize, dbeta: usize, work: usize,
): void {
  const cbytes = <usize>c << 2;
  const sdy = work;
  const sdyx = work + cbytes;
  const dev = work + 2 * cbytes;
  const shift = work + 3 * cbytes;
  memory.fill(work, 0, 3 * cbytes);
  // Σdy and Σdy·x̂ = rstd·Σdy·(x − mean): the sums of dy and of dy·x through channelSums' shapes
  dyChannelSums(outer, c, inner, x, dy, mean, sdy, sdyx);
  for (let o: usize = 0; o < cbytes; o += 4) store<f32>(sdyx + o, load<f32>(sdyx + o) * load<f32>(rstd + o));
  if (dgamma) for (let o: usize = 0; o < cbytes; o += 4) store<f32>(dgamma + o, load<f32>(dgamma + o) + load<f32>(sdyx + o));
  if (dbeta) for (let o: usize = 0; o < cbytes; o += 4) store<f32>(dbeta + o, load<f32>(dbeta + o) + load<f32>(sdy + o));
  if (!dx) return;
  // per channel: k = gamma·rstd; dx = k·dy + w·(q·(x − mean) + s) with q = −k·rstd·Σ(dy·x̂)/D,
  // s = −k·(Σdy − rstd·Σ(dy·x̂)·Σw(x − mean)/D)/D; inference: q = s = 0
  const d = momentsDivisor(outer, inner, w);
  const sumW: f32 = training && w ? weightSum(outer, inner, w) : 0;
  if (training && w) channelSums(outer, c, inner, x, w, mean, false, dev);
  const k = work;
  const q = work + cbytes;
  for (let o: usize = 0; o < cbytes; o += 4) {
    const rs = load<f32>(rstd + o);
    const kk = param1(gamma, o, 1) * rs;
    const a = load<f32>(sdyx + o);
    const b = load<f32>(sdy + o);
    let qq: f32 = 0;
    let ss: f32 = 0;
    if (training) {
      // Σw(x − mean) = Σw·x − mean·Σw: dev holds Σw·x
      const centred: f32 = w ? load<f32>(dev + o) - load<f32>(mean + o) * sumW : 0;
      qq = -kk * rs * a / d;
      ss = -kk * (b - rs * a * centred / d) / d;
    }
    store<f32>(k + o, kk);
    store<f32>(q + o, qq);
    store<f32>(shift + o, ss - qq * load<f32>(mean + o));
  }
  // dx = k·dy + w·(q·x + (s − q·mean))
  if (inner == 1) {
    for (let r = 0; r < outer; r++) {
      const off = <usize>r * cbytes;
      const wv = splat(w ? load<f32>(w + (<usize>r << 2)) : 1);
      let o: usize = 0;
      for (; o + 16 <= cbytes; o += 16) {
        const lin = f32x4.add(f32x4.mul(v128.load(q + o), v128.load(x + off + o)), v128.load(shift + o));
        v128.store(dx + off + o, f32x4.add(f32x4.mul(v128.load(k + o), v128.load(dy + off + o)), f32x4.mul(wv, lin)));
      }
      for (; o < cbytes; o += 4) {
        const lin = load<f32>(q + o) * load<f32>(x + off + o) + load<f32>(shift + o);
        store<f32>(dx + off + o, load<f32>(k + o) * load<f32>(dy + off + o) + f32x4.extract_lane(wv, 0) * lin);
      }
    }
    return;
  }
  const ibytes = <usize>inner << 2;
  for (let r = 0; r < outer; r++) {
    const wr = w + <usize>r * ibytes;
    for (let ch = 0; ch < c; ch++) {
      const off = (<usize>r * <usize>c + <usize>ch) * ibytes;
      const co = <usize>ch << 2;
      const kk = load<f32>(k + co), qq = load<f32>(q + co), ss = load<f32>(shift + co);
      const kv = splat(kk), qv = splat(qq), sv = splat(ss);
      let o: usize = 0;
      for (; o + 16 <= ibytes; o += 16) {
        let lin = f32x4.add(f32x4.mul(qv, v128.load(x + off + o)), sv);
        if (w) lin = f32x4.mul(v128.load(wr + o), lin);
        v128.store(dx + off + o, f32x4.add(f32x4.mul(kv, v128.load(dy + off + o)), lin));
      }
      for (; o < ibytes; o += 4) {
        let lin = qq * load<f32>(x + off + o) + ss;
        if (w) lin *= load<f32>(wr + o);
        store<f32>(dx + off + o, kk * load<f32>(dy + off + o) + lin);
      }
    }
  }
}

/** sdy[ch] += Σ dy and sdyx[ch] += Σ dy·(x − mean[ch]) over (o, i), for (outer, c, inner) blocks. */
function dyChannelSums(outer: i32, c: i32, inner: i32, x: usize, dy: usize, mean: usize, sdy: usize, sdyx: usize): void {
  const cbytes = <usize>c << 2;
  if (inner == 1) {
    for (let r = 0; r < outer; r++) {
      const off = <usize>r * cbytes;
      let o: usize = 0;
      for (; o + 16 <= cbytes; o += 16) {
        const d = v128.load(dy + off + o);
        const xc = f32x4.sub(v128.load(x + off + o), v128.load(mean + o));
        v128.store(sdy + o, f32x4.add(v128.load(sdy + o), d));
        v128.store(sdyx + o, f32x4.add(v128.load(sdyx + o), f32x4.mul(d, xc)));
      }
      for (; o < cbytes; o += 4) {
        const d = load<f32>(dy + off + o);
        store<f32>(sdy + o, load<f32>(sdy + o) + d);
        store<f32>(sdyx + o, load<f32>(sdyx + o) + d * (load<f32>(x + off + o) - load<f32>(mean + o)));
      }
    }
    return;
  }
  const ibytes = <usize>inner << 2;
  for (let r = 0; r < outer; r++) {
    for (let ch = 0; ch < c; ch++) {
      const off = (<usize>r * <usize>c + <usize>ch) * ibytes;
      const co = <usize>ch << 2;
      const m = load<f32>(mean + co);
      const mv = splat(m);
      let av = splat(0);
      let bv = splat(0);
      let o: usize = 0;
      for (; o + 16 <= ibytes; o += 16) {
        const d = v128.load(dy + off + o);
        av = f32x4.add(av, d);
        bv = f32x4.add(bv, f32x4.mul(d, f32x4.sub(v128.load(x + off + o), mv)));
      }
      let a = hsum(av);
      let b = hsum(bv);
      for (; o < ibytes; o += 4) {
        const d = load<f32>(dy + off + o);
        a += d;
        b += d * (load<f32>(x + off + o) - m);
      }
      store<f32>(sdy + co, load<f32>(sdy + co) + a);
      store<f32>(sdyx + co, load<f32>(sdyx + co) + b);
    }
  }
}

/** moving[i] = moving[i]·momentum + batch[i]·oneMinusMomentum for i < n (Keras's moving statistics). */
export function f32_moving_average(n: i32, moving: usize, batch: usize, momentum: f32, oneMinusMomentum: f32): void {
  const bytes = <usize>n << 2;
  const mv = splat(momentum);
  const bv = splat(oneMinusMomentum);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    v128.store(moving + o, f32x4.add(f32x4.mul(v128.load(moving + o), mv), f32x4.mul(v128.load(batch + o), bv)));
  }
  for (; o < bytes; o += 4) store<f32>(moving + o, load<f32>(moving + o) * momentum + load<f32>(batch + o) * oneMinusMomentum);
}
