/**
 * Keras 2 naming: `<snake_case class>_<n>` with one counter per prefix, from 1 (`gru_1`,
 * `time_distributed_1`, then `dense_2` after a first Dense).
 */
const counters = new Map<string, number>();

export function uniqueName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** Resets every name counter (Keras's clear_session), so the next GRU is `gru_1` again. */
export function clearSession(): void {
  counters.clear();
}
