/**
 * Central finite differences: d f / d p[i] ≈ (f(p + h·e_i) − f(p − h·e_i)) / 2h, in float64.
 * `f` reads the parameter array it is given; the array is restored after each probe.
 */
export function numericGradient(f: () => number, params: Float64Array, h = 1e-6): Float64Array {
  const grad = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const saved = params[i];
    params[i] = saved + h;
    const plus = f();
    params[i] = saved - h;
    const minus = f();
    params[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/** Σ w ⊙ y: a scalar loss with a fixed random cotangent w, so dLoss/dy = w. */
export function dot(w: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}
