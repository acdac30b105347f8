/** Contiguous shards of a batch: sizes differ by at most one, larger first; never an empty shard. */
export function shardSizes(batch: number, workers: number): number[] {
  const n = Math.max(1, Math.min(batch, workers));
  const base = Math.floor(batch / n);
  const extra = batch % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Row ranges [start, end) of each shard. */
export function shardRanges(batch: number, workers: number): [number, number][] {
  let start = 0;
  return shardSizes(batch, workers).map((size) => {
    const range: [number, number] = [start, start + size];
    start += size;
    return range;
  });
}
