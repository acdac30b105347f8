/** Activation codes of the kernel ABI; must match assembly/simd.ts (checked by the kernel tests). */
export const ActivationCode = {
  linear: 0,
  relu: 1,
  sigmoid: 2,
  hardSigmoid: 3,
  tanh: 4,
  /** Keras 3's hard sigmoid, clip(x/6 + 0.5, 0, 1); `hardSigmoid` is Keras 2's and tfjs's 0.2x + 0.5. */
  keras3HardSigmoid: 5,
} as const;

export type ActivationCode = (typeof ActivationCode)[keyof typeof ActivationCode];

/** Flag bits of the recurrent kernels; must match assembly/rnn/flags.ts. */
export const RnnFlags = {
  returnSequences: 1,
  /** The GRU's small forward kernel only (the other kernels take x already reversed). */
  goBackwards: 2,
  /** GRU only: the reset gate applies after the recurrent product. */
  resetAfter: 4,
  inference: 8,
  /** The initial state is zero, so the first step's recurrent products are skipped. */
  zeroState: 16,
  /** With a mask: a masked step outputs zeros instead of the previous output. */
  zeroOutputForMask: 32,
} as const;
