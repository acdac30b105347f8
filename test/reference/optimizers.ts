/** Float64 one-step optimizer updates, Keras 3 formulas (shared/SPEC.md §5). */
export interface RmspropRefState { v: Float64Array; m: Float64Array; mg: Float64Array }

export function rmspropRef(
  p: Float64Array, g: ArrayLike<number>, s: RmspropRefState,
  { lr, rho, eps, momentum, centered }: { lr: number; rho: number; eps: number; momentum: number; centered: boolean },
): void {
  for (let i = 0; i < p.length; i++) {
    s.v[i] = rho * s.v[i] + (1 - rho) * g[i] * g[i];
    let denom = s.v[i] + eps;
    if (centered) {
      s.mg[i] = rho * s.mg[i] + (1 - rho) * g[i];
      denom -= s.mg[i] * s.mg[i];
    }
    const step = (lr * g[i]) / Math.sqrt(denom);
    if (momentum > 0) {
      s.m[i] = momentum * s.m[i] + step;
      p[i] -= s.m[i];
    } else p[i] -= step;
  }
}

export function adamRef(
  p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number,
  { lr, beta1, beta2, eps }: { lr: number; beta1: number; beta2: number; eps: number },
): void {
  const alpha = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
  for (let i = 0; i < p.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - beta1);
    v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
    p[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
  }
}

export function sgdRef(
  p: Float64Array, g: ArrayLike<number>, m: Float64Array,
  { lr, momentum, nesterov }: { lr: number; momentum: number; nesterov: boolean },
): void {
  for (let i = 0; i < p.length; i++) {
    if (momentum > 0) {
      m[i] = momentum * m[i] - lr * g[i];
      p[i] += nesterov ? momentum * m[i] - lr * g[i] : m[i];
    } else p[i] -= lr * g[i];
  }
}
