// Flag bits shared by every recurrent sequence kernel (GRU, LSTM, SimpleRNN), and the cell codes of
// the uniform cells' loop (sequence.ts). src/backend/activation-codes.ts mirrors these (RnnFlags).

/** out is (B, T, u), every processed step in processing order; else (B, u), the last output. */
export const RNN_RETURN_SEQUENCES: i32 = 1;
/** Kernels that read x (B, T, F) as the model gives it (the small paths) read it from its end. */
export const RNN_GO_BACKWARDS: i32 = 2;
/** GRU only: the reset gate applies after the recurrent product (Keras 3's default). */
export const RNN_RESET_AFTER: i32 = 4;
/** Keep nothing for backward: states ping-pong in (2, B, u), gates and aux hold one step. */
export const RNN_INFERENCE: i32 = 8;
/**
 * The caller's promise that the initial states are zero (no initial_state, not stateful): the first
 * step's recurrent products are zero and skipped, forward and backward (no gradient of the initial
 * state is formed).
 */
export const RNN_ZERO_STATE: i32 = 16;
/** With a mask: a masked step outputs zeros instead of the previous output (Keras's zero_output_for_mask). */
export const RNN_ZERO_OUTPUT_FOR_MASK: i32 = 32;

/** Cell codes of f32_rnn_seq_fwd / f32_rnn_seq_bwd. */
export const CELL_SIMPLE_RNN: i32 = 0;
export const CELL_LSTM: i32 = 1;
