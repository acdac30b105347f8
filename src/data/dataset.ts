/**
 * tf.data as tfjs spells it: a Dataset is a recipe for a stream of elements, read afresh by each
 * iteration (an epoch), lazily, one element at a time — so a dataset larger than memory streams.
 * Elements are Tensors, numbers, arrays or objects of them (`{xs, ys}` for fitDataset).
 * @example const ds = wl.data.array(rows).map((r) => ({ xs: r.x, ys: r.y })).shuffle(100, 7).batch(32);
 */
import { ValueError, describe } from '../errors.js';
import { randomFor } from '../random.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../tensor-creation.js';
import { stack } from '../tensor-ops/shape.js';
import { tfjsNamespace } from '../not-implemented.js';

type Source<T> = () => AsyncIterator<T> | Iterator<T>;

/** A positive integer argument, or a clear error naming it. */
function positive(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValueError(`${owner}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** A stream of elements, opened afresh by each iteration. */
export class Dataset<T> {
  /** @internal */
  constructor(private readonly source: Source<T>) {}

  /** An iterator over one pass of the elements (tfjs's `await ds.iterator()`). */
  async iterator(): Promise<AsyncIterator<T>> {
    return this[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const it = this.source();
    return { next: async () => it.next() };
  }

  /** Each element through `fn` (which may be async). */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    if (typeof fn !== 'function') throw new ValueError(`Dataset.map: expected a function, got ${describe(fn)}`);
    return this.derive(async function* (input) {
      for await (const x of input) yield await fn(x);
    });
  }

  /** The elements for which `predicate` is true. */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    return this.derive(async function* (input) {
      for await (const x of input) if (await predicate(x)) yield x;
    });
  }

  /**
   * Consecutive elements stacked along a new first axis: Tensors stacked, numbers and numeric arrays
   * made tensors, objects and lists batched entry by entry. The last batch may be smaller
   * (`smallLastBatch`, default true, as tfjs).
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<Batched<T>> {
    const size = positive('Dataset.batch', 'batchSize', batchSize);
    return this.derive(async function* (input) {
      let rows: T[] = [];
      for await (const x of input) {
        rows.push(x);
        if (rows.length === size) {
          yield stackElements(rows) as Batched<T>;
          rows = [];
        }
      }
      if (rows.length > 0 && smallLastBatch) yield stackElements(rows) as Batched<T>;
    });
  }

  /**
   * Elements drawn at random from a buffer of `bufferSize` (a full shuffle when it holds the whole
   * dataset). Seeded by `seed`, or by one draw of the global stream (wl.setSeed) when the dataset is
   * made; `reshuffleEachIteration` (default true) gives each epoch its own order.
   */
  shuffle(bufferSize: number, seed?: number, reshuffleEachIteration = true): Dataset<T> {
    const capacity = positive('Dataset.shuffle', 'bufferSize', bufferSize);
    const base = randomFor(seed);
    const first = base.int(2 ** 31 - 1);
    return this.derive(async function* (input) {
      const random = randomFor(reshuffleEachIteration ? base.int(2 ** 31 - 1) : first);
      const buffer: T[] = [];
      for await (const x of input) {
        if (buffer.length < capacity) {
          buffer.push(x);
          continue;
        }
        const i = random.int(capacity);
        yield buffer[i];
        buffer[i] = x;
      }
      random.shuffle(buffer);
      yield* buffer;
    });
  }

  /** The first `count` elements (all when count is negative, as tfjs). */
  take(count: number): Dataset<T> {
    return this.derive(async function* (input) {
      if (count < 0) return yield* input;
      let n = 0;
      if (n >= count) return;
      for await (const x of input) {
        yield x;
        if (++n >= count) return;
      }
    });
  }

  /** All but the first `count` elements. */
  skip(count: number): Dataset<T> {
    return this.derive(async function* (input) {
      let n = 0;
      for await (const x of input) if (n++ >= count) yield x;
    });
  }

  /** The elements `count` times over (forever when count is undefined or negative). */
  repeat(count?: number): Dataset<T> {
    const self = this;
    return new Dataset(async function* () {
      for (let pass = 0; count == null || count < 0 || pass < count; pass++) {
        let any = false;
        for await (const x of self) {
          any = true;
          yield x;
        }
        if (!any) return; // an empty dataset repeated is empty, not an endless loop
      }
    });
  }

  /**
   * Accepted for tfjs scripts; elements are produced on demand here (the next element is read while
   * the step that needs it waits), so there is nothing to buffer ahead.
   */
  prefetch(bufferSize: number): Dataset<T> {
    positive('Dataset.prefetch', 'bufferSize', bufferSize);
    return this;
  }

  /** Calls `fn` on every element, in order. */
  async forEachAsync(fn: (element: T) => void | Promise<void>): Promise<void> {
    for await (const x of this) await fn(x);
  }

  /** Every element, in order (the whole dataset in memory). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }

  private derive<U>(step: (input: AsyncIterable<T>) => AsyncGenerator<U>): Dataset<U> {
    return new Dataset(() => step(this));
  }
}

/** What batch() makes of an element type: Tensors for its leaves. */
export type Batched<T> = T extends Tensor | number | number[] | number[][] | Float32Array | Int32Array ? Tensor : T extends readonly unknown[] ? { [K in keyof T]: Batched<T[K]> } : T extends object ? { [K in keyof T]: Batched<T[K]> } : Tensor;

const isNumeric = (v: unknown): boolean => typeof v === 'number' || (Array.isArray(v) && v.every(isNumeric));

/** Stacks a batch of elements of one structure. */
function stackElements(rows: unknown[]): unknown {
  const first = rows[0];
  if (first instanceof Tensor) {
    if (!rows.every((r) => r instanceof Tensor)) throw new ValueError('Dataset.batch: every element must have the structure of the first (a Tensor)');
    return stack(rows as Tensor[]);
  }
  if (isNumeric(first)) return tensor(rows as number[]);
  if (ArrayBuffer.isView(first)) return stackTypedArrays(rows);
  if (Array.isArray(first)) return first.map((_, i) => stackElements(rows.map((r) => (r as unknown[])[i])));
  if (first != null && typeof first === 'object') {
    return Object.fromEntries(Object.keys(first).map((k) => [k, stackElements(rows.map((r) => (r as Record<string, unknown>)[k]))]));
  }
  throw new ValueError(`Dataset.batch: cannot batch elements like ${describe(first)} (Tensors, numbers, arrays and objects of them)`);
}

/** Typed arrays of one length as rows of one tensor (as tfjs-data, which takes them as leaves): int32 kept, others float32. */
function stackTypedArrays(rows: unknown[]): Tensor {
  const first = rows[0] as ArrayLike<number>;
  const values = first instanceof Int32Array ? new Int32Array(rows.length * first.length) : new Float32Array(rows.length * first.length);
  rows.forEach((row, i) => {
    if (!ArrayBuffer.isView(row) || (row as unknown as ArrayLike<number>).length !== first.length) {
      throw new ValueError(`Dataset.batch: every element must have the structure of the first (a typed array of ${first.length}); element ${i} is ${describe(row)}`);
    }
    values.set(row as unknown as ArrayLike<number>, i * first.length);
  });
  return tensor(values, [rows.length, first.length]);
}

/** A dataset of the items of an array. */
export function array<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new ValueError(`data.array: expected an array, got ${describe(items)}`);
  return new Dataset(() => items[Symbol.iterator]());
}

/**
 * A dataset of what a generator function yields (sync or async; called again for each epoch).
 * @example wl.data.generator(function* () { for (let i = 0; i < 100; i++) yield { xs: x(i), ys: y(i) }; })
 */
export function generator<T>(make: () => Iterator<T> | AsyncIterator<T>): Dataset<T> {
  if (typeof make !== 'function') throw new ValueError(`data.generator: expected a generator function, got ${describe(make)}`);
  return new Dataset(() => {
    const it = make();
    if (it == null || typeof (it as Iterator<T>).next !== 'function') {
      throw new ValueError(`data.generator: the function must return an iterator (a generator), got ${describe(it)}`);
    }
    return it;
  });
}

/**
 * Datasets read side by side: a list of datasets gives lists, an object of datasets objects; it
 * ends with the shortest.
 * @example wl.data.zip({ xs: inputs, ys: labels })
 */
export function zip<T extends Record<string, Dataset<unknown>> | Dataset<unknown>[]>(datasets: T): Dataset<{ [K in keyof T]: T[K] extends Dataset<infer E> ? E : never }> {
  const entries = Object.entries(datasets) as [string, Dataset<unknown>][];
  if (entries.length === 0 || !entries.every(([, d]) => d instanceof Dataset)) throw new ValueError(`data.zip: expected a list or an object of Datasets, got ${describe(datasets)}`);
  const asList = Array.isArray(datasets);
  return new Dataset(async function* () {
    const iterators = entries.map(([, d]) => d[Symbol.asyncIterator]());
    for (;;) {
      const results = await Promise.all(iterators.map((it) => it.next()));
      if (results.some((r) => r.done)) return;
      const values = results.map((r) => r.value);
      yield (asList ? values : Object.fromEntries(entries.map(([k], i) => [k, values[i]]))) as never;
    }
  });
}

/** tfjs's `tf.data` namespace. */
export const data = tfjsNamespace('data', { array, generator, zip, Dataset });
