/**
 * Seeded randomness for initializers, shuffling and random tensors. `setSeed(n)` makes a whole run
 * reproducible; an initializer given its own seed draws the same values every time (Keras 3).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { invalidArgument } from './errors.js';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** A seeded stream of random numbers (xoroshiro128+). */
export class Random {
  private readonly gen: Generator;
  private spare: number | null = null;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return uniformInt(this.gen, 0, n - 1);
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (this.spare != null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A fresh 32-bit seed drawn from this stream. */
  seed(): number {
    return uniformInt(this.gen, -0x80000000, 0x7fffffff);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

let global = new Random(Math.floor(Math.random() * 0x7fffffff));

/**
 * Seeds the engine's global random stream (initializers without their own seed, shuffling in fit,
 * random tensors), so a run is reproducible.
 * @example wl.setSeed(42);
 */
export function setSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw invalidArgument('setSeed', 'seed', 'an integer', seed);
  global = new Random(seed);
}

/** The global stream. */
export function globalRandom(): Random {
  return global;
}

/** A stream for one use: from `seed` when given, else split off the global stream. */
export function randomFor(seed?: number | null): Random {
  return new Random(seed ?? global.seed());
}
