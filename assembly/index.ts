// Kernel module entry: every export is a kernel of the flat numeric ABI (byte offsets, sizes in
// elements). The module allocates nothing: JS owns the imported memory above heap_base().

export { f32_gemm, f32_transpose, f32_colsum, gemm_takes_direct } from "./gemm";
export { kernels_force_general } from "./variants";
export { f32_set_workspace } from "./workspace";
export { f32_gru_seq_fwd, gru_fwd_work_floats, f32_gru_fwd_small, gru_small_units } from "./rnn/gru";
export { f32_gru_seq_bwd, gru_bwd_work_floats } from "./rnn/gru-bwd";
export { f32_rnn_seq_fwd, f32_rnn_seq_bwd, rnn_fwd_work_floats, rnn_bwd_work_floats } from "./rnn/sequence";
export { rec_dropout_work_floats, f32_rnn_masked_states } from "./rnn/rec-dropout";
export { f32_lstm_fwd_small, lstm_small_units, f32_simple_rnn_fwd_small, simple_rnn_small_units } from "./rnn/sequence";
export { f32_softmax_rows, f32_softmax_rows_bwd } from "./softmax";
export { f32_softmax_ce, f32_categorical_ce, f32_mse, f32_sparse_softmax_ce, f32_sparse_ce, f32_binary_ce, f32_mae, f32_huber } from "./loss";
export { f32_argmax_matches, f32_sparse_argmax_matches } from "./metrics";
export { f32_rmsprop, f32_adam, f32_sgd } from "./optimizers";
export { f32_activation, f32_activation_bwd, f32_add_inplace, f32_all_finite, f32_swap_axes01 } from "./elementwise";
export { f32_layernorm_fwd, f32_layernorm_bwd, f32_batchnorm_moments, f32_batchnorm_fwd, f32_batchnorm_bwd, f32_moving_average } from "./normalization";
export { embedding_bad_id, f32_embedding_gather, f32_embedding_scatter_add } from "./embedding";
export { distinct_ids, f32_rows_expand, f32_rows_fold } from "./distinct-rows";
export { f32_l2norm_rows, f32_l2norm_rows_bwd } from "./normalize";
export { f32_rows_window } from "./conv1d";
export { f32_max_pool1d, f32_max_pool1d_bwd, f32_avg_pool1d, f32_avg_pool1d_bwd } from "./pooling1d";

import { PACKED_WORKSPACE_BYTES } from "./gemm-packed";

/** Scratch the host should hand to f32_set_workspace for the packed GEMM path. */
export function workspace_bytes(): usize {
  return PACKED_WORKSPACE_BYTES;
}

/** First byte JS may use: everything below belongs to the module's static data. */
export function heap_base(): usize {
  return __heap_base;
}
export { f32_binary, f32_unary, f32_sum, f32_extreme } from "./tensor-ops";
export { rows_mark, f32_rows_clear, f32_rows_all_finite, f32_scale, f32_rows_scale, f32_rows_sgd } from "./grad-rows";
