// The cases the uniform cells' kernel tests (simple-rnn.test.ts, lstm.test.ts) share: their
// shape, random problem and mask, and the lists both cells run, each case with its seed.
import { it } from 'vitest';
import type { Engine } from '../../src/backend/engine.js';
import { testEngine } from '../helpers/engine.js';
import { uniform } from '../helpers/rng.js';

export type MaskKind = 'none' | 'mask' | 'zeroOutput';

/** What every uniform-cell case sets, whatever the cell. */
export interface RnnCase {
  batch: number; steps: number; units: number; features: number;
  returnSequences: boolean; goBackwards: boolean; mask: MaskKind;
  /** Non-zero initial states (else RNN_ZERO_STATE). */
  initial: boolean;
  /** Recurrent dropout: one (B, u) mask per gate (rate 0.3) given to the kernels and the reference. */
  recDropout?: boolean;
}

/**
 * A (B, T) mask in input order: row 0's first step masked (a masked leading step with a non-zero
 * initial state outputs 0), the last row of a batch of more than two masked throughout, the rest
 * random with one step in three masked.
 */
export function makeMask(rng: () => number, batch: number, steps: number): Float64Array {
  const m = new Float64Array(batch * steps);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) {
    const masked = (b === 0 && t === 0) || (batch > 2 && b === batch - 1) || rng() < 1 / 3;
    m[b * steps + t] = masked ? 0 : 1;
  }
  return m;
}

/**
 * A case's random x (B, T, F) and weights for a cell of `gates` column blocks — kernel (F, gates·u)
 * and recurrentKernel (u, gates·u) in ±weight, bias in ±bias — then its mask (null without one),
 * drawn from `rng` in that order.
 */
export function randomProblem(
  rng: () => number, c: Pick<RnnCase, 'batch' | 'steps' | 'features' | 'units' | 'mask'>, gates: number,
  range: { weight: number; bias: number },
) {
  const cols = gates * c.units;
  const x = uniform(rng, c.batch * c.steps * c.features);
  const w = {
    kernel: uniform(rng, c.features * cols, -range.weight, range.weight),
    recurrentKernel: uniform(rng, c.units * cols, -range.weight, range.weight),
    bias: uniform(rng, cols, -range.bias, range.bias),
  };
  const mask = c.mask === 'none' ? null : makeMask(rng, c.batch, c.steps);
  return { x, w, mask };
}

/** A case both cells run, whatever their activations; stateGrads: gradients arrive at the final states. */
export interface SharedCase {
  batch: number; steps: number; units: number; goBackwards?: boolean;
  returnSequences: boolean; mask: MaskKind; initial: boolean; stateGrads: boolean; recDropout?: boolean;
}

/**
 * Dropout masks (B, G·n) with entries 0 (probability `rate`) or 1/(1 − rate), row b's gate g at
 * b·G·n + g·n: the layout of the kernels' recMask and of the reference's RefDropout.
 */
export function dropoutMasks(rng: () => number, batch: number, gates: number, n: number, rate = 0.3): Float64Array {
  return Float64Array.from({ length: batch * gates * n }, () => (rng() < rate ? 0 : 1 / (1 - rate)));
}

/**
 * Recurrent dropout cases, seeds 200 on: the thin products (u 8) and the packed ones (u 40, 130
 * rows), with masks, initial states, go_backwards, returnSequences both ways.
 */
export const recDropoutCases: [SharedCase, number][] = seeded<SharedCase>([
  { batch: 5, steps: 4, units: 8, returnSequences: true, mask: 'none', initial: false, stateGrads: false, recDropout: true },
  { batch: 5, steps: 4, units: 8, returnSequences: false, mask: 'mask', initial: true, stateGrads: true, recDropout: true },
  { batch: 5, steps: 4, units: 43, returnSequences: true, mask: 'zeroOutput', initial: true, stateGrads: true, recDropout: true },
  { batch: 5, steps: 4, units: 40, goBackwards: true, returnSequences: true, mask: 'mask', initial: false, stateGrads: true, recDropout: true },
  { batch: 130, steps: 3, units: 16, returnSequences: true, mask: 'mask', initial: true, stateGrads: true, recDropout: true },
  { batch: 3, steps: 3, units: 3, returnSequences: true, mask: 'none', initial: true, stateGrads: false, recDropout: true },
], 200);

/** Checks one case on a cell's kernels, with its seed. */
export type RunCase<C = SharedCase> = (engine: Engine, c: C, seed: number) => Promise<void>;

/**
 * The size sweep, one test per size (units 3, 8, 16, 40, 43 × batch 1, 5 × steps 1, 4), each over
 * return_sequences both ways, the three mask kinds, zero or given initial states, with and without
 * state gradients, seeded from units·1000 + batch·10 + steps on.
 */
export function itSweepsSizes(run: RunCase): void {
  for (const units of [3, 8, 16, 40, 43]) for (const batch of [1, 5]) for (const steps of [1, 4]) {
    it(`u${units} B${batch} T${steps}: return_sequences both ways, masks, initial states, state gradients`, async () => {
      const engine = await testEngine();
      let seed = units * 1000 + batch * 10 + steps;
      for (const returnSequences of [true, false]) for (const mask of ['none', 'mask', 'zeroOutput'] as const) {
        for (const initial of [false, true]) for (const stateGrads of [false, true]) {
          await run(engine, { batch, steps, units, returnSequences, mask, initial, stateGrads }, seed++);
        }
      }
    });
  }
}

/** go_backwards (the caller reverses the projection and the mask), seeds 5 and 6; the second with `units`. */
export function goBackwardsCases(units: number): [SharedCase, number][] {
  return [
    [{ batch: 5, steps: 4, units: 8, goBackwards: true, returnSequences: true, mask: 'mask', initial: true, stateGrads: false }, 5],
    [{ batch: 5, steps: 4, units, goBackwards: true, returnSequences: false, mask: 'zeroOutput', initial: false, stateGrads: true }, 6],
  ];
}

/** The packed products past one block, seeds 8 to 10: 130 rows (two row blocks), and u = 264. */
export const packedCases: [SharedCase, number][] = [
  [{ batch: 130, steps: 3, units: 13, returnSequences: true, mask: 'mask', initial: true, stateGrads: true }, 8],
  [{ batch: 130, steps: 2, units: 16, returnSequences: false, mask: 'none', initial: false, stateGrads: false }, 9],
  [{ batch: 5, steps: 3, units: 264, returnSequences: true, mask: 'mask', initial: true, stateGrads: true }, 10],
];

/** The case each activation (or pair of them) is checked on: B5 T4, return_sequences, a mask, initial states and state gradients. */
export function activationCase(units: number): SharedCase {
  return { batch: 5, steps: 4, units, returnSequences: true, mask: 'mask', initial: true, stateGrads: true };
}

/** `cases` with their seeds, from `first` on in order. */
export function seeded<C>(cases: C[], first: number): [C, number][] {
  return cases.map((c, i) => [c, first + i]);
}

/** One test running `run` over `cases` in order. */
export function itRunsCases<C>(title: string, cases: [C, number][], run: RunCase<C>): void {
  it(title, async () => {
    const engine = await testEngine();
    for (const [c, seed] of cases) await run(engine, c, seed);
  });
}
