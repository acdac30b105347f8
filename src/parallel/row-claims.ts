/**
 * Chunk claims: how the threads sharing a batch divide it as they go rather than up front. A fixed
 * split waits for its slowest share, and on a shared machine one core can run the same shard half as
 * fast as the other for tens of calls at a time (measured on the 2-core VM: a 500-sample seed predict
 * shard took 5–7 ms on one vCPU and 9–12 ms on the other; GRU(256) training shards of one step
 * 1,056 and 564 ms). The batch is cut into a grid of chunks that shrink towards its end (guided
 * scheduling, as OpenMP's) and each thread claims the next chunk from one shared counter (an
 * Int32Array over a SharedArrayBuffer), so the threads finish within about one small chunk of each
 * other.
 *
 * The grid depends only on the batch size, the number of threads and the model, never on timing, so
 * results summed per chunk in chunk order (gradients, losses) are the same whoever computed which
 * chunk: reruns are bit-identical. Rows are computed independently of the rows around them, so
 * predictions are bit-identical to the in-process ones.
 */

/** How a batch is cut into chunks. */
export interface ChunkPolicy {
  /** Rows in the batch. */
  rows: number;
  /** Threads claiming (this thread and the workers). */
  shares: number;
  /** The smallest chunk (the last one may be smaller). */
  minRows: number;
}

/**
 * Rows in the next chunk when `remaining` are left: half of an even split of what is left, at least
 * `minRows`, rounded up to a multiple of 4 (the recurrent kernels compute rows four at a time).
 */
export function chunkRows(remaining: number, { shares, minRows }: ChunkPolicy): number {
  const guided = Math.ceil(remaining / (2 * shares));
  return Math.min(remaining, Math.ceil(Math.max(guided, minRows) / 4) * 4);
}

/** The chunks' boundaries: [0, end of chunk 0, end of chunk 1, …, rows]. */
export function chunkBounds(policy: ChunkPolicy): number[] {
  const bounds = [0];
  for (let start = 0; start < policy.rows; ) bounds.push((start += chunkRows(policy.rows - start, policy)));
  return bounds;
}

/**
 * A batch's shared counters: [0] the next chunk to claim; [1] how many chunks, from the first, have
 * their rows in the shared batch (the caller copies them in after posting the tasks, so that the
 * workers start while it copies), or -1 when the caller gave up on the batch.
 */
export function claimCounters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/** Marks chunks [0, count) as copied into the shared batch and wakes the workers waiting for them. */
export function publishChunks(counters: Int32Array, count: number): void {
  Atomics.store(counters, 1, count);
  Atomics.notify(counters, 1);
}

/** Tells the workers waiting for rows that none will come (the caller failed while copying). */
export function abandonChunks(counters: Int32Array): void {
  publishChunks(counters, -1);
}

/**
 * Blocks until chunk `index`'s rows are in the shared batch (workers only: a page's main thread
 * cannot block). The caller copies every chunk right after posting the tasks, without yielding, so
 * this waits for at most that copy; the timeout only guards against a caller that died mid-copy.
 */
export function awaitChunk(counters: Int32Array, index: number, timeoutMs = 60_000): void {
  for (;;) {
    const ready = Atomics.load(counters, 1);
    if (ready < 0) throw new Error(`The batch was abandoned before chunk ${index}'s rows arrived`);
    if (ready > index) return;
    if (Atomics.wait(counters, 1, ready, timeoutMs) === 'timed-out') throw new Error(`Chunk ${index}'s rows did not arrive within ${timeoutMs} ms`);
  }
}

/**
 * Claims the next of `chunks` chunks: its index, or -1 when every chunk is claimed. Safe between
 * threads: each index goes to exactly one claimant.
 */
export function claimChunk(counter: Int32Array, chunks: number): number {
  const index = Atomics.add(counter, 0, 1);
  return index < chunks ? index : -1;
}

/**
 * The chunk indices this thread claims, one at a time until none is left: `first` (already claimed,
 * or -1 for none), then each further claim.
 */
export function* claimed(counter: Int32Array, chunks: number, first = claimChunk(counter, chunks)): Generator<number> {
  for (let index = first; index >= 0; index = claimChunk(counter, chunks)) yield index;
}

/**
 * The FLOPs below which a chunk is not worth its claim: a chunk costs one pass through the layers
 * from JS (a scratch arena, x copied into engine memory). On this thread that measured the same per
 * row for predict chunks of 8 to 1000 seed samples (1.7–200 MFLOP) and training chunks of 4 to 128
 * (2.5–80 MFLOP; GRU(256), 32 to 256 samples).
 */
export const MIN_FLOPS_PER_CHUNK = 2e6;

/**
 * The grid for a batch of `rows` split between `shares` threads, for a model whose step costs
 * `flopsPerSample` (3× the forward pass in training): chunks down to MIN_FLOPS_PER_CHUNK, and no
 * more than `maxChunks` of them (training keeps each chunk's gradients in a slot of its own until
 * they are summed in chunk order), which raises the smallest chunk as far as needed.
 */
export function chunkPolicy(rows: number, shares: number, flopsPerSample: number, maxChunks = Infinity): ChunkPolicy {
  const cap = Math.max(maxChunks, shares);
  const fits = (minRows: number) => chunkBounds({ rows, shares, minRows }).length - 1 <= cap;
  let lo = Math.max(4, Math.ceil(MIN_FLOPS_PER_CHUNK / Math.max(flopsPerSample, 1)));
  if (fits(lo)) return { rows, shares, minRows: lo };
  // the smallest minRows that fits, by bisection: chunks of at least ceil(rows / cap) rows always do
  let hi = Math.max(lo, Math.ceil(rows / cap));
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return { rows, shares, minRows: hi };
}
