/** Float64 activations and their derivatives (from the output), the kernels' reference. */
export type RefActivation = 'linear' | 'relu' | 'sigmoid' | 'hardSigmoid' | 'tanh';
/** RefActivation and Keras 3's hard sigmoid, clip(x/6 + 0.5, 0, 1) (kernel code 5). */
export type RefActivationK3 = RefActivation | 'keras3HardSigmoid';

export function act(x: number, name: RefActivationK3): number {
  switch (name) {
    case 'relu': return Math.max(x, 0);
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'hardSigmoid': return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case 'keras3HardSigmoid': return Math.min(Math.max(x / 6 + 0.5, 0), 1);
    case 'tanh': return Math.tanh(x);
    default: return x;
  }
}

/** d act / dx expressed through y = act(x). */
export function actGrad(y: number, name: RefActivationK3): number {
  switch (name) {
    case 'relu': return y > 0 ? 1 : 0;
    case 'sigmoid': return y * (1 - y);
    case 'hardSigmoid': return y > 0 && y < 1 ? 0.2 : 0;
    case 'keras3HardSigmoid': return y > 0 && y < 1 ? 1 / 6 : 0;
    case 'tanh': return 1 - y * y;
    default: return 1;
  }
}
