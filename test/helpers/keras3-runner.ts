/**
 * The Keras 3 golden-value runner shared by test/keras3/*.test.ts: each case (a model built with the
 * JS API, given the case's initial weights) is checked within 2e-5 (absolute) against
 *   outputs                model.predict(inputs)                       (inference)
 *   loss_value             model.evaluate(inputs, targets)
 *   weights_after_sgd      one fit step, SGD(sgd_learning_rate), batch = B, shuffle off
 *                          (w − lr·g: checks the gradients)
 *   weights_after_rmsprop  one fit step from the initial weights, RMSprop() at Keras's defaults
 * and countParams() against the case's weight sizes. Every case runs in process (workers: 0); those
 * marked `pool` also run on the worker pool (workers: 2), checked against the fixture and against the
 * in-process run. Cases that need a layer or an option the library does not have are skipped with
 * the reason, found when the file is collected (so they run once the library gains it).
 */
import { describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import {
  expectCaseClose, expectWeightsClose, inputTensors, loadCase, modelData, paramCount, targetTensors, weightTensors, type Keras3Case,
} from './keras3-case.js';

export type Factory = (args?: Record<string, unknown>) => wl.Layer;
export type Workers = 0 | 2;

/** A layer factory the library may not have yet (tfjs spelling), or undefined. */
export const optionalLayer = (name: string): Factory | undefined => (wl.layers as unknown as Record<string, Factory | undefined>)[name];

/** The error message a construction throws, or null when it succeeds. */
function refusal(make: () => unknown): string | null {
  try {
    make();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why a case cannot be built now: the missing layer factories and the refused constructions. */
export function missing(layers: string[], refusals: [string, () => unknown][] = []): string | null {
  const reasons = layers.filter((n) => !optionalLayer(n)).map((n) => `the library has no wl.layers.${n}`);
  for (const [what, make] of refusals) {
    const message = refusal(make);
    if (message !== null) reasons.push(`${what} is refused: "${message}"`);
  }
  return reasons.length ? reasons.join('; ') : null;
}

export const layer = (name: string, args?: Record<string, unknown>): wl.Layer => optionalLayer(name)!(args);

/**
 * A call's outputs as a list. (`apply(x)` on one tensor is typed as returning one tensor, so
 * `apply(x) as wl.SymbolicTensor[]` does not type-check for a layer with returnState.)
 */
export function outputsOf(outputs: wl.SymbolicTensor | wl.SymbolicTensor[]): wl.SymbolicTensor[] {
  if (!Array.isArray(outputs)) throw new Error(`expected a list of outputs, got one tensor ${outputs.name}`);
  return outputs;
}

export interface CaseSpec {
  name: string;
  build: () => wl.LayersModel;
  /** Why the case is skipped (computed at collection), or null. */
  skip?: string | null;
  /** Why the RMSprop step is not comparable, or undefined. */
  skipRmsprop?: string;
  /** Also run on the worker pool (workers: 2). */
  pool?: boolean;
}


/** A fresh model with the case's initial weights, compiled with the case's loss. */
function freshModel(spec: CaseSpec, c: Keras3Case, optimizer: wl.Optimizer): wl.LayersModel {
  const model = spec.build();
  model.setWeights(weightTensors(c));
  model.compile({ loss: c.loss as wl.LossIdentifier | wl.LossIdentifier[], lossWeights: c.loss_weights, optimizer });
  return model;
}

export async function disposing<T>(model: wl.LayersModel, body: (m: wl.LayersModel) => Promise<T>): Promise<T> {
  try {
    return await body(model);
  } finally {
    await model.dispose();
  }
}

interface Results {
  outputs: Float32Array[];
  outputShapes: number[][];
  loss: number;
}

/** What predict and evaluate give on the case's batch. */
function inference(spec: CaseSpec, c: Keras3Case, workers: Workers): Promise<Results> {
  const batchSize = c.sizes.B;
  return disposing(freshModel(spec, c, wl.optimizers.sgd({ learningRate: 0.1 })), async (model) => {
    const predicted = await model.predict(modelData(inputTensors(c)), { workers, batchSize });
    const outs = Array.isArray(predicted) ? predicted : [predicted];
    const evaluated = await model.evaluate(modelData(inputTensors(c)), modelData(targetTensors(c)), { workers, batchSize });
    const loss = (Array.isArray(evaluated) ? evaluated[0] : evaluated).dataSync()[0];
    return { outputs: outs.map((t) => Float32Array.from(t.dataSync() as Float32Array)), outputShapes: outs.map((t) => t.shape), loss };
  });
}

/** The weights after one fit step on the whole batch (batch size B, no shuffling). */
function oneStep(spec: CaseSpec, c: Keras3Case, optimizer: 'sgd' | 'rmsprop', workers: Workers): Promise<wl.Tensor[]> {
  const opt = optimizer === 'sgd' ? wl.optimizers.sgd({ learningRate: c.sgd_learning_rate! }) : wl.optimizers.rmsprop();
  return disposing(freshModel(spec, c, opt), async (model) => {
    await model.fit(modelData(inputTensors(c)), modelData(targetTensors(c)), { batchSize: c.sizes.B, epochs: 1, shuffle: false, verbose: 0, workers });
    return model.getWeights();
  });
}

/** Failure detail for an SGD step: the gradient the step implies, (w0 − w1)/lr, against Keras's. */
function impliedGradient(c: Keras3Case) {
  const lr = c.sgd_learning_rate!;
  const trainable = c.weights.map((w, k) => (w.trainable ? c.weights.slice(0, k).filter((v) => v.trainable).length : -1));
  return (k: number, flat: number, got: number, expected: number) => {
    const g = trainable[k] >= 0 ? c.gradients[trainable[k]].data[flat] : NaN;
    const w0 = c.weights[k].data[flat];
    return `initial weight ${w0}: implied gradient ${((w0 - got) / lr).toPrecision(7)}, Keras's ${g} (its step gives ${((w0 - expected) / lr).toPrecision(7)})`;
  };
}

/** Memoised runs, so the workers-2 parity test reuses the in-process and pool results. */
const runs = new Map<string, Promise<unknown>>();
function memo<T>(key: string, run: () => Promise<T>): Promise<T> {
  if (!runs.has(key)) runs.set(key, run());
  return runs.get(key) as Promise<T>;
}


/** One describe block per case: params, predict, evaluate, an SGD and an RMSprop step (and the pool). */
export function defineKeras3Cases(cases: CaseSpec[]): void {
for (const spec of cases) {
  const c = loadCase(spec.name);
  describe(spec.name, () => {
    if (spec.skip) {
      it.skip(`skipped: ${spec.skip}`, () => {});
      return;
    }

    it('countParams() is the sum of the case weights, and the weight shapes follow get_weights()', () => {
      const model = spec.build();
      expect(model.countParams()).toBe(paramCount(c));
      expect(model.getWeights().map((w) => w.shape), `${c.name}: weight shapes`).toEqual(c.weights.map((w) => w.shape));
    });

    for (const workers of spec.pool ? [0, 2] as const : [0] as const) {
      const label = `${c.name}${workers ? ' [workers: 2]' : ''}`;
      const at = workers ? ' (workers: 2)' : '';

      it(`predict == outputs${at}`, async () => {
        const r = await memo(`${c.name}/inference/${workers}`, () => inference(spec, c, workers));
        expect(r.outputs.length, `${label}: number of outputs`).toBe(c.outputs.length);
        c.outputs.forEach((o, k) => {
          expect(r.outputShapes[k], `${label}: outputs[${k}] shape`).toEqual(o.shape);
          expectCaseClose(r.outputs[k], o.data, { caseName: label, field: 'outputs', index: k, shape: o.shape });
        });
      });

      it(`evaluate == loss_value${at}`, async () => {
        const r = await memo(`${c.name}/inference/${workers}`, () => inference(spec, c, workers));
        expectCaseClose([r.loss], [c.loss_value], { caseName: label, field: 'loss_value' });
      });

      if (!c.training_fields) {
        it.skip(`training steps: the fixture gives no training fields (${c.note ?? 'training_fields false'})`, () => {});
        continue;
      }

      it(`one SGD(${c.sgd_learning_rate}) step == weights_after_sgd (gradients)${at}`, async () => {
        const weights = await memo(`${c.name}/sgd/${workers}`, () => oneStep(spec, c, 'sgd', workers));
        expectWeightsClose({ ...c, name: label }, 'weights_after_sgd', weights, impliedGradient(c));
      });

      if (spec.skipRmsprop) {
        it.skip(`one RMSprop() step: skipped: ${spec.skipRmsprop}`, () => {});
      } else {
        it(`one RMSprop() step == weights_after_rmsprop${at}`, async () => {
          const weights = await memo(`${c.name}/rmsprop/${workers}`, () => oneStep(spec, c, 'rmsprop', workers));
          expectWeightsClose({ ...c, name: label }, 'weights_after_rmsprop', weights);
        });
      }
    }

    if (spec.pool) {
      it('workers: 2 gives the in-process results (within 2e-5)', async () => {
        const name = `${c.name} [workers 2 vs 0]`;
        const [r0, r2] = await Promise.all([0, 2].map((w) => memo(`${c.name}/inference/${w}`, () => inference(spec, c, w as Workers))));
        r0.outputs.forEach((o, k) => expectCaseClose(r2.outputs[k], o, { caseName: name, field: 'outputs', index: k, shape: c.outputs[k].shape }));
        expectCaseClose([r2.loss], [r0.loss], { caseName: name, field: 'loss_value' });
        for (const opt of ['sgd', 'rmsprop'] as const) {
          const [w0, w2] = await Promise.all([0, 2].map((w) => memo(`${c.name}/${opt}/${w}`, () => oneStep(spec, c, opt, w as Workers))));
          w0.forEach((w, k) => expectCaseClose(w2[k].dataSync(), w.dataSync(), {
            caseName: name, field: `weights_after_${opt}`, index: k, path: c.weights[k].path, shape: w.shape,
          }));
        }
      });
    }
  });
}
}
