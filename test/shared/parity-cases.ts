/**
 * The parity cases every runtime runs — Node (vitest), headless Chromium and Deno — without a test
 * framework: each case resolves to null or to what failed. Kernel cases drive the engine directly
 * (bundled from src/ into the page); model cases use the library the runtime imports (`wl`).
 */
import type * as WL from '../../src/index.js';
import { Engine } from '../../src/backend/engine.js';
import { ActivationCode } from '../../src/backend/activation-codes.js';
import { Scratch } from '../../src/ops/device-tensor.js';
import { gruBackward, gruForward } from '../../src/ops/gru.js';
import { gemmRef } from '../reference/gemm.js';
import { gruBackwardRef, gruForwardRef } from '../reference/gru.js';
import { softmaxRef } from '../reference/losses.js';
import { closeness, sumTolerance } from '../helpers/closeness.js';
import { testRng, uniform } from '../helpers/rng.js';
import { SEED_SUMMARIES } from '../helpers/seed-summaries.js';
import { GOLDEN_GRU, goldenGru } from '../helpers/keras-golden.js';
import { LAYERS_PARITY_CASES } from './layers-parity-cases.js';
import { RECURRENT_PARITY_CASES } from './recurrent-parity-cases.js';

export interface ParityCase {
  name: string;
  run(wl: typeof WL, engine: Engine): Promise<string | null>;
}

const first = (...failures: (string | null)[]) => failures.find((f) => f != null) ?? null;

function put(engine: Engine, values: ArrayLike<number>): number {
  const ptr = engine.allocF32(Math.max(values.length, 1));
  engine.write(ptr, values);
  return ptr;
}

async function gemmGrid(engine: Engine): Promise<string | null> {
  const rng = testRng(5);
  // the direct path (tiles and tails) and the packed path (several K slices, M and N tails)
  const shapes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [13, 20, 17], [9, 27, 64], [131, 9, 300], [6, 523, 257]];
  for (const transposed of [false, true]) {
    for (const [m, n, k] of shapes) {
      const a = uniform(rng, m * k), b = uniform(rng, k * n), c = uniform(rng, m * n), bias = uniform(rng, n);
      const [rsa, csa] = transposed ? [1, m] : [k, 1];
      const pc = put(engine, c);
      engine.kernels.f32_gemm(m, n, k, put(engine, a), rsa, csa, put(engine, b), n, pc, n, 1, put(engine, bias), ActivationCode.linear);
      const failure = closeness(engine.read(pc, m * n), gemmRef({ m, n, k, a, rsa, csa, b, ldb: n, c, ldc: n, bias }),
        { tol: sumTolerance(k), scale: Math.sqrt(k), label: `gemm ${transposed ? 'Aᵀ·B' : 'A·B'} ${m}×${n}×${k}` });
      if (failure) return failure;
    }
  }
  return null;
}

async function softmaxRows(engine: Engine): Promise<string | null> {
  const rng = testRng(6);
  for (const n of [1, 3, 8, 13]) {
    const x = uniform(rng, 4 * n, -6, 6);
    const p = put(engine, x);
    engine.kernels.f32_softmax_rows(4, n, p, p);
    const failure = closeness(engine.read(p, 4 * n), softmaxRef(x, 4, n), { tol: 1e-6, scale: 1e-7, label: `softmax n=${n}` });
    if (failure) return failure;
  }
  return null;
}

async function gruVsReference(engine: Engine): Promise<string | null> {
  const rng = testRng(8);
  const [batch, steps, features, units] = [6, 5, 7, 5];
  for (const resetAfter of [true, false]) for (const goBackwards of [false, true]) {
    const u3 = 3 * units;
    const x = uniform(rng, batch * steps * features);
    const w = { kernel: uniform(rng, features * u3, -0.6, 0.6), recurrentKernel: uniform(rng, units * u3, -0.6, 0.6), bias: uniform(rng, (resetAfter ? 2 : 1) * u3, -0.3, 0.3) };
    const cfg = { units, resetAfter, returnSequences: true, goBackwards, recurrentActivation: 'sigmoid' as const, activation: 'tanh' as const };
    const ref = gruForwardRef(x, [batch, steps, features], w, cfg);
    const dOut = uniform(rng, ref.out.length);
    const grads = gruBackwardRef(ref, dOut, w, cfg);
    const scratch = new Scratch(engine);
    try {
      const wp = { kernel: scratch.from(w.kernel, [w.kernel.length]).ptr, recurrentKernel: scratch.from(w.recurrentKernel, [w.recurrentKernel.length]).ptr, bias: scratch.from(w.bias, [w.bias.length]).ptr };
      const gp = { kernel: scratch.zeros([w.kernel.length]).ptr, recurrentKernel: scratch.zeros([w.recurrentKernel.length]).ptr, bias: scratch.zeros([w.bias.length]).ptr };
      const opCfg = { ...cfg, zeroOutputForMask: false, recurrentActivation: ActivationCode.sigmoid, activation: ActivationCode.tanh };
      const { output: y, cache } = gruForward(engine, scratch, { x: scratch.from(x, [batch, steps, features]), initialStates: null, mask: null }, wp, opCfg, true);
      const dx = gruBackward(engine, scratch, cache!, scratch.from(dOut, y.shape), [], wp, gp, opCfg, true, []).dx!;
      const label = `GRU resetAfter=${resetAfter} goBackwards=${goBackwards}`;
      const tol = sumTolerance(batch * steps * u3);
      const failure = first(
        closeness(engine.read(y.ptr, y.size), ref.out, { tol: 1e-5, scale: 1, label: `${label} output` }),
        closeness(engine.read(dx.ptr, dx.size), grads.dx, { tol, scale: 1, label: `${label} dx` }),
        closeness(engine.read(gp.kernel, w.kernel.length), grads.dKernel, { tol, scale: 5, label: `${label} dKernel` }),
        closeness(engine.read(gp.recurrentKernel, w.recurrentKernel.length), grads.dRecurrentKernel, { tol, scale: 5, label: `${label} dRecurrentKernel` }),
        closeness(engine.read(gp.bias, w.bias.length), grads.dBias!, { tol, scale: 5, label: `${label} dBias` }),
      );
      if (failure) return failure;
    } finally {
      scratch.release();
    }
  }
  return null;
}

/** The seed's three models, in the seed's order (Keras 2 GRU). */
export function seedModels(wl: typeof WL) {
  wl.clearSession();
  const gru = (returnSequences: boolean) => wl.layers.gru({ units: 16, returnSequences, inputShape: [64, 15], resetAfter: false, recurrentActivation: 'hard_sigmoid' });
  const softmax = () => wl.layers.activation({ activation: 'softmax' });
  const models = {
    model1: wl.sequential({ layers: [gru(true), wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 8 }) }), softmax()] }),
    model2: wl.sequential({ layers: [gru(true), wl.layers.dense({ units: 8 }), softmax()] }),
    model3: wl.sequential({ layers: [gru(false), wl.layers.dense({ units: 8 }), softmax()] }),
  };
  for (const m of Object.values(models)) m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  return models;
}

async function seedSummaries(wl: typeof WL): Promise<string | null> {
  const models = seedModels(wl);
  for (const [name, model] of Object.entries(models)) {
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    const expected = SEED_SUMMARIES[name as keyof typeof SEED_SUMMARIES];
    const bad = expected.findIndex((line, i) => lines[i] !== line);
    if (bad >= 0 || lines.length !== expected.length) return `${name} summary line ${bad}: got ${JSON.stringify(lines[bad])}, expected ${JSON.stringify(expected[bad])}`;
  }
  return null;
}

async function kerasGolden(wl: typeof WL): Promise<string | null> {
  for (const [name, variant, perRow] of GOLDEN_GRU) {
    const { out, expected } = await goldenGru(wl, variant, perRow);
    const failure = closeness(out.dataSync(), expected, { tol: 1e-5, scale: 1, label: `Keras gru_test golden, ${name}` });
    if (failure) return failure;
  }
  return null;
}

/**
 * A two-input, two-output model with a layer shared by both inputs and a GRU: trained in process and
 * on 2 workers (the runtime's transport) from the same weights, then saved and loaded.
 */
async function multiInputOutput(wl: typeof WL): Promise<string | null> {
  const build = () => {
    wl.clearSession();
    const seq = wl.input({ shape: [6, 3], name: 'seq' });
    const side = wl.input({ shape: [3], name: 'side' });
    const shared = wl.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
    const tags = wl.layers.dense({ units: 2, activation: 'softmax', name: 'tags' }).apply(wl.layers.gru({ units: 5 }).apply(shared.apply(seq)));
    const score = wl.layers.dense({ units: 1, name: 'score' }).apply(shared.apply(side));
    const model = wl.model({ inputs: [seq, side], outputs: [tags, score] });
    model.compile({ loss: ['categoricalCrossentropy', 'mse'], lossWeights: [1, 0.5], optimizer: 'rmsprop' });
    return model;
  };
  wl.setSeed(12);
  const x = [wl.randomUniform([40, 6, 3], -1, 1), wl.randomUniform([40, 3], -1, 1)];
  const y = { tags: wl.oneHot(Array.from({ length: 40 }, (_, i) => i % 2), 2), score: wl.randomUniform([40, 1]) };
  const train = async (workers: number) => {
    const model = build();
    wl.setSeed(3);
    model.setWeights(model.getWeights().map((w) => wl.randomUniform(w.shape, -0.5, 0.5)));
    const history = await model.fit(x, y, { batchSize: 20, epochs: 2, shuffle: false, verbose: 0, workers });
    return { model, history };
  };
  const here = await train(0);
  const pool = await train(2);
  const weights = here.model.getWeights();
  const failure = first(
    closeness(pool.history.history.score_loss, here.history.history.score_loss, { tol: 1e-5, scale: 0.1, label: 'score_loss on 2 workers' }),
    ...pool.model.getWeights().map((w, i) => closeness(w.dataSync(), weights[i].dataSync(), { tol: 1e-5, scale: 1, label: `weight ${i} on 2 workers` })),
  );
  if (failure) return failure;
  const handler = wl.io.fromMemory();
  await here.model.save(handler);
  const loaded = await wl.loadLayersModel(handler);
  const [a, b] = (await here.model.predict(x, { workers: 0 })) as WL.Tensor[];
  const [c, d] = (await loaded.predict(x, { workers: 0 })) as WL.Tensor[];
  await Promise.all([here.model.dispose(), pool.model.dispose(), loaded.dispose()]);
  return first(
    closeness(c.dataSync(), a.dataSync(), { tol: 0, scale: 0, label: 'loaded tags' }),
    closeness(d.dataSync(), b.dataSync(), { tol: 0, scale: 0, label: 'loaded score' }),
  );
}

export const PARITY_CASES: ParityCase[] = [
  { name: 'GEMM over a shape grid (direct and packed paths) vs float64', run: (_, e) => gemmGrid(e) },
  { name: 'softmax rows vs float64', run: (_, e) => softmaxRows(e) },
  { name: 'GRU forward and gradients vs the float64 reference (both reset_after, go_backwards)', run: (_, e) => gruVsReference(e) },
  { name: 'seed model summaries, exact text', run: (wl) => seedSummaries(wl) },
  { name: "Keras's GRU golden values (gru_test.py, four variants)", run: (wl) => kerasGolden(wl) },
  { name: 'a two-input, two-output model with a shared layer: 2 workers match in process; save and load', run: (wl) => multiInputOutput(wl) },
  ...RECURRENT_PARITY_CASES,
  ...LAYERS_PARITY_CASES,
];

/** Runs every case; never throws (a thrown error is that case's failure). */
export async function runParity(wl: typeof WL): Promise<{ name: string; failure: string | null }[]> {
  const engine = await Engine.create();
  const results = [];
  for (const c of PARITY_CASES) {
    let failure: string | null;
    try {
      failure = await c.run(wl, engine);
    } catch (e) {
      failure = `threw ${(e as Error)?.stack ?? String(e)}`;
    }
    results.push({ name: c.name, failure });
  }
  engine.dispose();
  return results;
}
