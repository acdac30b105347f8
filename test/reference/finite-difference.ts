/**
 * Central finite differences: d f / d p[i] ≈ (f(p + h·e_i) − f(p − h·e_i)) / 2h, in float64.
 * `f` reads the parameter array it is given; the array is restored after each probe.
 */
export function numericGradient(f: () => number, params: Float64Array, h = 1e-6): Float64Array {
  return Float64Array.from(numericGradientAt(f, params, Array.from(params, (_, i) => i), h));
}

/** numericGradient at the entries `indices` of params only (probing a large weight). */
export function numericGradientAt(f: () => number, params: { [i: number]: number }, indices: readonly number[], h = 1e-6): number[] {
  return indices.map((i) => {
    const saved = params[i];
    params[i] = saved + h;
    const plus = f();
    params[i] = saved - h;
    const minus = f();
    params[i] = saved;
    return (plus - minus) / (2 * h);
  });
}

/** Σ w ⊙ y: a scalar loss with a fixed random cotangent w, so dLoss/dy = w. */
export function dot(w: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}
