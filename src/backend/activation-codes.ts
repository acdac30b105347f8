/** Activation codes of the kernel ABI; must match assembly/simd.ts (checked by the kernel tests). */
export const ActivationCode = {
  linear: 0,
  relu: 1,
  sigmoid: 2,
  hardSigmoid: 3,
  tanh: 4,
} as const;

export type ActivationCode = (typeof ActivationCode)[keyof typeof ActivationCode];

/** Flag bits of the GRU kernels; must match assembly/gru.ts. */
export const GruFlags = {
  returnSequences: 1,
  /** f32_gru_fwd_small only (the other kernels take x already reversed). */
  goBackwards: 2,
  resetAfter: 4,
  inference: 8,
  /** The sequence kernels: the initial state is zero, so the first step's recurrent products are skipped. */
  zeroState: 16,
} as const;
