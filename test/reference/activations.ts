/** Float64 activations and their derivatives (from the output), the kernels' reference. */
export type RefActivation = 'linear' | 'relu' | 'sigmoid' | 'hardSigmoid' | 'tanh';

export function act(x: number, name: RefActivation): number {
  switch (name) {
    case 'relu': return Math.max(x, 0);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'hardSigmoid': return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case 'tanh': return Math.tanh(x);
    default: return x;
  }
}

/** d act / dx expressed through y = act(x). */
export function actGrad(y: number, name: RefActivation): number {
  switch (name) {
    case 'relu': return y > 0 ? 1 : 0;
    case 'sigmoid': return y * (1 - y);
    case 'hardSigmoid': return y > 0 && y < 1 ? 0.2 : 0;
    case 'tanh': return 1 - y * y;
    default: return 1;
  }
}
