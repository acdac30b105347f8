/**
 * The kernel module's exports, typed. Pointers are byte offsets into the engine's memory, sizes
 * and strides are in elements; see the doc comment of each kernel in assembly/ for its contract.
 */
export interface Kernels {
  heap_base(): number;
  workspace_bytes(): number;
  f32_set_workspace(ptr: number, bytes: number): void;
  f32_gemm(
    m: number, n: number, k: number,
    a: number, rsa: number, csa: number,
    b: number, ldb: number,
    c: number, ldc: number,
    accumulate: number, bias: number, act: number,
  ): void;
  f32_transpose(rows: number, cols: number, src: number, dst: number): void;
  f32_colsum(rows: number, cols: number, src: number, ld: number, dst: number, accumulate: number): void;
  /** 1 when f32_gemm takes its direct path for (m, n, k, rsa), 0 when the packed one (tests). */
  gemm_takes_direct(m: number, n: number, k: number, rsa: number): number;
  /** Test hook: 1 forces every dispatch onto its general kernel (packed GEMM, no small-units kernels), 0 restores. */
  kernels_force_general(on: number): void;
  /** The GRU's sequence forward (assembly/rnn/gru.ts); mask 0 or (T, B) in processing order. */
  f32_gru_seq_fwd(
    batch: number, steps: number, units: number,
    xproj: number, recKernel: number, recBias: number,
    hs: number, gates: number, aux: number, out: number, mask: number, work: number,
    flags: number, recAct: number, act: number, recMask: number, recWork: number,
  ): void;
  /** 1 when f32_gru_fwd_small takes this hidden size. */
  gru_small_units(units: number): number;
  f32_gru_fwd_small(
    batch: number, steps: number, units: number, features: number,
    x: number, kernel: number, bias: number, recKernel: number,
    hs: number, gates: number, aux: number, out: number, mask: number, work: number,
    flags: number, recAct: number, act: number,
  ): void;
  /** Scratch floats of both GRU forwards: round4(B·u) + round8(2u)·u + round8(u)·u + round8(3u)·u. */
  gru_fwd_work_floats(batch: number, units: number): number;
  /** Scratch floats of f32_gru_seq_bwd: 4·round4(B·u) + 3u·u + round8(u)·2u + round8(u)·u. */
  gru_bwd_work_floats(batch: number, units: number): number;
  /** Backward through time of the GRU: dxproj (T, B, 3u), duh (T, B, u; reset_after), dh0 (B, u) or 0. */
  f32_gru_seq_bwd(
    batch: number, steps: number, units: number,
    recKernel: number, hs: number, gates: number, aux: number, dOut: number, dhT: number, mask: number,
    dxproj: number, duh: number, dh0: number, work: number,
    flags: number, recAct: number, act: number, recMask: number, recWork: number,
  ): void;
  /** Scratch floats of f32_rnn_seq_fwd: round8(G·u)·u + round4(B·u), G = 4 for the LSTM (cell 1), 1 for SimpleRNN (0). */
  rnn_fwd_work_floats(cell: number, batch: number, units: number): number;
  /** Scratch floats of f32_rnn_seq_bwd: round8(u)·G·u + (2·S + 1)·round4(B·u) + G·u·u, S = 2 states for the LSTM, 1 for SimpleRNN. */
  rnn_bwd_work_floats(cell: number, batch: number, units: number): number;
  /** The uniform cells' sequence forward (assembly/rnn/sequence.ts): cell 0 SimpleRNN, 1 LSTM. */
  f32_rnn_seq_fwd(
    cell: number, batch: number, steps: number, units: number,
    xproj: number, recKernel: number, hs: number, cs: number, gates: number, aux: number, out: number, mask: number, work: number,
    flags: number, recAct: number, act: number, recMask: number, recWork: number,
  ): void;
  /** Backward through time of f32_rnn_seq_fwd: dxproj (T, B, G·u), dh0 and dc0. */
  f32_rnn_seq_bwd(
    cell: number, batch: number, steps: number, units: number,
    recKernel: number, hs: number, cs: number, gates: number, aux: number, dOut: number, dhT: number, dcT: number, mask: number,
    dxproj: number, dh0: number, dc0: number, work: number,
    flags: number, recAct: number, act: number, recMask: number, recWork: number,
  ): void;
  /** 1 when f32_lstm_fwd_small takes this hidden size. */
  lstm_small_units(units: number): number;
  /** The LSTM's forward for small hidden sizes, the input projection fused into each step: x (B, T, F) as given, kernel, bias or 0, recKernel. */
  f32_lstm_fwd_small(
    batch: number, steps: number, units: number, features: number,
    x: number, kernel: number, bias: number, recKernel: number,
    hs: number, cs: number, gates: number, aux: number, out: number, mask: number, work: number,
    flags: number, recAct: number, act: number,
  ): void;
  /** 1 when f32_simple_rnn_fwd_small takes this hidden size. */
  simple_rnn_small_units(units: number): number;
  /** SimpleRNN's forward for small hidden sizes, the input projection fused into each step: x (B, T, F) as given, kernel, bias or 0, recKernel. */
  f32_simple_rnn_fwd_small(
    batch: number, steps: number, units: number, features: number,
    x: number, kernel: number, bias: number, recKernel: number, hs: number, out: number, mask: number, work: number,
    flags: number, act: number,
  ): void;
  /** Scratch floats of recurrent dropout (recWork of the sequence kernels): G·round8(u)·u + 2·round4(B·u). */
  rec_dropout_work_floats(gates: number, batch: number, units: number): number;
  /** dst (T, B, n) [+]= src (T, B, n) ⊙ gate g's dropout mask (masks (B, G·n)): dU_g's left operand, a gate's masked input. */
  f32_rnn_masked_states(steps: number, batch: number, n: number, gates: number, g: number, src: number, masks: number, dst: number, accumulate: number): void;
  f32_softmax_rows(rows: number, n: number, src: number, dst: number): void;
  f32_softmax_rows_bwd(rows: number, n: number, y: number, dy: number, dx: number): void;
  f32_softmax_ce(rows: number, n: number, probs: number, targets: number, dlogits: number, scale: number): number;
  f32_categorical_ce(rows: number, n: number, probs: number, targets: number, dprobs: number, scale: number): number;
  f32_mse(n: number, probs: number, targets: number, dprobs: number, scale: number): number;
  f32_argmax_matches(rows: number, n: number, pred: number, target: number): number;
  /** Sparse CE fused with softmax (targets: one class index per row, as f32); gradient w.r.t. the logits. */
  f32_sparse_softmax_ce(rows: number, n: number, probs: number, targets: number, dlogits: number, scale: number): number;
  /** Sparse CE of probabilities (Keras's clip), gradient w.r.t. them. */
  f32_sparse_ce(rows: number, n: number, probs: number, targets: number, dprobs: number, scale: number): number;
  /** Σ of binary CE terms over n elements; gradient w.r.t. the sigmoid's logits when fusedSigmoid, else w.r.t. p. */
  f32_binary_ce(n: number, probs: number, targets: number, grad: number, scale: number, fusedSigmoid: boolean): number;
  f32_mae(n: number, probs: number, targets: number, grad: number, scale: number): number;
  f32_huber(n: number, probs: number, targets: number, grad: number, scale: number, delta: number): number;
  /** Rows whose argmax equals the target's class index. */
  f32_sparse_argmax_matches(rows: number, n: number, pred: number, target: number): number;
  f32_rmsprop(
    n: number, p: number, g: number, v: number, m: number, mg: number,
    lr: number, rho: number, oneMinusRho: number, eps: number, momentum: number, centered: number,
  ): void;
  f32_adam(n: number, p: number, g: number, m: number, v: number, alpha: number, oneMinusBeta1: number, oneMinusBeta2: number, eps: number): void;
  f32_sgd(n: number, p: number, g: number, m: number, lr: number, momentum: number, nesterov: number): void;
  f32_activation(n: number, src: number, dst: number, act: number): void;
  f32_activation_bwd(n: number, y: number, dy: number, dx: number, act: number): void;
  f32_add_inplace(n: number, dst: number, src: number): void;
  f32_all_finite(n: number, src: number): number;
  f32_swap_axes01(d0: number, d1: number, inner: number, src: number, dst: number, flags: number): void;
  /** LayerNormalization over the rows of x (rows, n); mean and rstd saved per row (assembly/normalization.ts). */
  f32_layernorm_fwd(rows: number, n: number, x: number, gamma: number, beta: number, eps: number, y: number, mean: number, rstd: number): void;
  f32_layernorm_bwd(rows: number, n: number, x: number, gamma: number, mean: number, rstd: number, dy: number, dx: number, dgamma: number, dbeta: number): void;
  /** BatchNormalization's batch moments per channel of x (outer, c, inner); w 0 or a mask of outer·inner weights. */
  f32_batchnorm_moments(outer: number, c: number, inner: number, x: number, w: number, mean: number, variance: number): void;
  f32_batchnorm_fwd(
    outer: number, c: number, inner: number, x: number, mean: number, variance: number, gamma: number, beta: number, eps: number,
    y: number, rstd: number, work: number,
  ): void;
  f32_batchnorm_bwd(
    outer: number, c: number, inner: number, x: number, w: number, mean: number, rstd: number, gamma: number, dy: number, training: number,
    dx: number, dgamma: number, dbeta: number, work: number,
  ): void;
  f32_moving_average(n: number, moving: number, batch: number, momentum: number, oneMinusMomentum: number): void;
  /** 0 when the n ids (int32, or float32 with idsF32 1) are integers in [0, rows), else 1 + the first bad position. */
  embedding_bad_id(n: number, ids: number, idsF32: number, rows: number): number;
  /** out (n, dim) = table rows ids; mask (n) = ids ≠ 0 when mask ≠ 0. */
  f32_embedding_gather(n: number, ids: number, idsF32: number, table: number, dim: number, out: number, mask: number): void;
  /** grad rows ids += dOut rows (only the rows named are touched). */
  f32_embedding_scatter_add(n: number, ids: number, idsF32: number, dOut: number, dim: number, grad: number): void;
  /** The distinct ids of (batch, steps) ids read time-major: unique (count), slots (steps·batch); returns count (assembly/distinct-rows.ts). */
  distinct_ids(batch: number, steps: number, ids: number, idsF32: number, goBackwards: number, seen: number, unique: number, slots: number): number;
  /** rows (n, dim), in place: row r = row slots[r] (the distinct rows first). */
  f32_rows_expand(n: number, slots: number, rows: number, dim: number): void;
  /** rows (n, dim), in place: row s < count = Σ of the rows r with slots[r] = s. */
  f32_rows_fold(n: number, slots: number, count: number, rows: number, dim: number): void;
  /** Rows scaled to unit L2 norm (floor 1e-7); scales[r] = 1/max(‖row‖, ε), negated where floored (assembly/normalize.ts). */
  f32_l2norm_rows(rows: number, n: number, x: number, y: number, scales: number): void;
  f32_l2norm_rows_bwd(rows: number, n: number, y: number, scales: number, dy: number, dx: number): void;
  /** A window of each sample's rows: zero-padded (offset < 0) or cropped (offset > 0); assembly/conv1d.ts. */
  f32_rows_window(batch: number, srcSteps: number, dstSteps: number, inner: number, offset: number, src: number, dst: number): void;
  /** 1-D max pooling (assembly/pooling1d.ts); argmax 0 or (batch, outSteps, channels) i32. */
  f32_max_pool1d(
    batch: number, steps: number, channels: number, pool: number, stride: number, padBefore: number, outSteps: number,
    x: number, y: number, argmax: number,
  ): void;
  f32_max_pool1d_bwd(batch: number, steps: number, channels: number, outSteps: number, dy: number, argmax: number, dx: number): void;
  /** 1-D average pooling over real (and, with a (batch, steps) mask, unmasked) cells. */
  f32_avg_pool1d(
    batch: number, steps: number, channels: number, pool: number, stride: number, padBefore: number, outSteps: number,
    x: number, mask: number, y: number,
  ): void;
  f32_avg_pool1d_bwd(
    batch: number, steps: number, channels: number, pool: number, stride: number, padBefore: number, outSteps: number,
    dy: number, mask: number, dx: number,
  ): void;
  /** The tensor ops' float32 kernels (assembly/tensor-ops.ts): out = a (op) b, mode 1/2 = a/b is the scalar s. */
  f32_binary(op: number, n: number, a: number, b: number, out: number, mode: number, s: number): void;
  f32_unary(op: number, n: number, src: number, dst: number): void;
  /** Σ of n float32 values, accumulated in float64. */
  f32_sum(n: number, src: number): number;
  /** The largest (max = 1) or smallest of n ≥ 1 values, NaN if any is. */
  f32_extreme(n: number, src: number, max: number): number;
  /** Row-sparse gradients (assembly/grad-rows.ts): flags and lists the rows of n ids not listed yet; returns the new count. */
  rows_mark(n: number, ids: number, idsF32: number, flags: number, list: number, count: number): number;
  /** Zeroes the listed rows of x (rows, dim) and clears their flags. */
  f32_rows_clear(count: number, list: number, flags: number, dim: number, x: number): void;
  f32_rows_all_finite(count: number, list: number, dim: number, x: number): number;
  /** x = f32(x·factor), the product in f64 (as `x[i] *= factor` in JS). */
  f32_scale(n: number, x: number, factor: number): void;
  f32_rows_scale(count: number, list: number, dim: number, x: number, factor: number): void;
  /** Plain SGD (no momentum) over the listed rows. */
  f32_rows_sgd(count: number, list: number, dim: number, p: number, g: number, lr: number): void;
}

/**
 * Every kernel's name, to check a module before use. The names are kept in one place that cannot
 * drift: this object must have exactly the keys of `Kernels` (`satisfies` rejects a missing name and
 * an extra one at compile time), and test/kernels/kernel-list.test.ts checks that both kernel builds
 * export exactly these functions. A new kernel: export it from assembly/index.ts, type it in
 * `Kernels`, name it here.
 */
const KERNEL_NAME_SET = {
  heap_base: true, workspace_bytes: true, f32_set_workspace: true,
  f32_gemm: true, f32_transpose: true, f32_colsum: true, gemm_takes_direct: true, kernels_force_general: true,
  f32_gru_seq_fwd: true, f32_gru_seq_bwd: true, gru_fwd_work_floats: true, gru_bwd_work_floats: true,
  gru_small_units: true, f32_gru_fwd_small: true,
  f32_rnn_seq_fwd: true, f32_rnn_seq_bwd: true, rnn_fwd_work_floats: true, rnn_bwd_work_floats: true,
  rec_dropout_work_floats: true, f32_rnn_masked_states: true,
  lstm_small_units: true, f32_lstm_fwd_small: true, simple_rnn_small_units: true, f32_simple_rnn_fwd_small: true,
  f32_softmax_rows: true, f32_softmax_rows_bwd: true, f32_softmax_ce: true, f32_categorical_ce: true, f32_mse: true,
  f32_argmax_matches: true,
  f32_sparse_softmax_ce: true, f32_sparse_ce: true, f32_binary_ce: true, f32_mae: true, f32_huber: true, f32_sparse_argmax_matches: true,
  f32_rmsprop: true, f32_adam: true, f32_sgd: true,
  f32_activation: true, f32_activation_bwd: true, f32_add_inplace: true, f32_all_finite: true, f32_swap_axes01: true,
  f32_layernorm_fwd: true, f32_layernorm_bwd: true, f32_batchnorm_moments: true, f32_batchnorm_fwd: true, f32_batchnorm_bwd: true,
  f32_moving_average: true,
  embedding_bad_id: true, f32_embedding_gather: true, f32_embedding_scatter_add: true,
  distinct_ids: true, f32_rows_expand: true, f32_rows_fold: true,
  f32_l2norm_rows: true, f32_l2norm_rows_bwd: true,
  f32_rows_window: true, f32_max_pool1d: true, f32_max_pool1d_bwd: true, f32_avg_pool1d: true, f32_avg_pool1d_bwd: true,
  f32_binary: true, f32_unary: true, f32_sum: true, f32_extreme: true,
  rows_mark: true, f32_rows_clear: true, f32_rows_all_finite: true, f32_scale: true, f32_rows_scale: true, f32_rows_sgd: true,
} satisfies Record<keyof Kernels, true>;

/** Names of every kernel (see KERNEL_NAME_SET). */
export const KERNEL_NAMES = Object.freeze(Object.keys(KERNEL_NAME_SET) as (keyof Kernels)[]);
