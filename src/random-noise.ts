/**
 * Counter-based randomness for training noise (dropout masks). A value is a pure function of
 * (seed, row, index) — a hash, not a stream — so any chunk of a batch computes its own rows' values
 * alone, and a seeded step draws the same masks whichever worker computed which rows.
 *
 * The hash is Chris Wellons' `lowbias32` (a murmur3-style finaliser with better constants: xorshift,
 * multiply, xorshift, multiply, xorshift), applied to the row's key and then to each element.
 */

/** A 32-bit integer hash with full avalanche (lowbias32); a bijection on uint32. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;

/**
 * A new 32-bit seed from `seed` and `salt` (a step index, a node index, a layer's own seed...).
 * @example mixSeed(stepSeed, nodeIndex)
 */
export function mixSeed(seed: number, salt: number): number {
  return mix32((seed ^ mix32((salt + GOLDEN) | 0)) >>> 0);
}

/** The key of one row's values: computed once per row, then `noiseAt` per element. */
export function rowKey(seed: number, row: number): number {
  return mixSeed(seed, row);
}

/**
 * A uniform value in [0, 1) (a multiple of 2⁻³²) for element `index` of the row whose key is `key`.
 * @example noiseAt(rowKey(seed, row), j) < rate   // dropped
 */
export function noiseAt(key: number, index: number): number {
  return mix32((key ^ mix32(Math.imul(index, GOLDEN) >>> 0)) >>> 0) / 4294967296;
}

/** uniform(seed, row, index) in [0, 1): `noiseAt(rowKey(seed, row), index)`. */
export function noiseUniform(seed: number, row: number, index: number): number {
  return noiseAt(rowKey(seed, row), index);
}

/**
 * The seeds of a model's training steps. The base is derived from the layers' own seeds when every
 * layer that draws noise has one (Keras's `seed` argument), so such a run repeats by itself; else it
 * is drawn once per fit from the global stream (`wl.setSeed(n)` before building and fitting makes
 * that reproducible). Steps are counted across fits on the model, so a second fit continues the
 * sequence rather than repeating the first fit's masks.
 */
export function stepSeedBase(layerSeeds: readonly (number | null)[], draw: () => number): number {
  if (layerSeeds.length === 0 || layerSeeds.some((s) => s == null)) return draw() >>> 0;
  return layerSeeds.reduce<number>((base, s) => mixSeed(base, s!), 0x5eed);
}
