/**
 * Row claims: how the threads sharing a predict batch divide it as they go rather than up front.
 * A static split waits for its slowest share, and on a shared machine one core can run the same
 * shard half as fast as the other for tens of calls at a time (measured on the 2-core VM: a
 * 500-sample seed shard took 5–7 ms on one vCPU and 9–12 ms on the other). Each thread instead
 * claims its next rows from one shared counter (an Int32Array over a SharedArrayBuffer), in chunks
 * that shrink as the batch runs out (guided scheduling, as OpenMP's), so the threads finish within
 * about one small chunk of each other. Rows are computed independently of the rows around them, so
 * the predictions are bit-identical whoever computes which rows.
 */

/** How a batch is claimed. */
export interface ClaimPolicy {
  /** Rows in the batch. */
  rows: number;
  /** Threads claiming (this thread and the workers). */
  shares: number;
  /** The smallest chunk (the last one may be smaller). */
  minRows: number;
}

/**
 * Rows claimed at a time when `remaining` are left: half of an even split of what is left, at least
 * `minRows`, rounded up to a multiple of 4 (the recurrent kernels compute rows four at a time).
 */
export function chunkRows(remaining: number, { shares, minRows }: ClaimPolicy): number {
  const guided = Math.ceil(remaining / (2 * shares));
  return Math.min(remaining, Math.ceil(Math.max(guided, minRows) / 4) * 4);
}

/**
 * Claims the next chunk of rows [start, end) from `counter[0]` (the first unclaimed row), or returns
 * null when every row is claimed. Safe between threads: a chunk goes to exactly one claimant.
 */
export function claimRows(counter: Int32Array, policy: ClaimPolicy): [number, number] | null {
  for (;;) {
    const start = Atomics.load(counter, 0);
    if (start >= policy.rows) return null;
    const end = start + chunkRows(policy.rows - start, policy);
    if (Atomics.compareExchange(counter, 0, start, end) === start) return [start, end];
  }
}

/**
 * The FLOPs below which a chunk is not worth its claim: a chunk costs one forward pass through the
 * layers from JS (a scratch arena, x copied into engine memory), which measured the same per row for
 * chunks of 8 to 1000 seed samples (1.7–200 MFLOP) on this thread.
 */
export const MIN_FLOPS_PER_CHUNK = 2e6;

/** The smallest chunk worth claiming for a model whose forward pass costs `flopsPerSample`. */
export function minChunkRows(flopsPerSample: number): number {
  return Math.max(4, Math.ceil(MIN_FLOPS_PER_CHUNK / Math.max(flopsPerSample, 1)));
}
