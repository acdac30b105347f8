/**
 * Keras 3 reference fixtures (shared/keras3/<name>/case.json, format in shared/keras3/README.md):
 * loads a case into tensors and compares computed values with Keras's within an absolute tolerance,
 * failing with the case, the field, the array (and its Keras variable path) and the element's index.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as wl from '../../src/index.js';

/**
 * The fixtures' case files, copied into the repository from shared/keras3 (made by Keras 3.15.1;
 * test/fixtures/keras3/README.md says how), so a clean clone runs them; WASM_LAYERS_KERAS3_DIR
 * points at another copy (e.g. a regenerated shared/keras3).
 */
export const KERAS3_DIR = process.env.WASM_LAYERS_KERAS3_DIR
  ? new URL(`file://${process.env.WASM_LAYERS_KERAS3_DIR.replace(/\/?$/, '/')}`)
  : new URL('../fixtures/keras3/', import.meta.url);

/** Absolute tolerance of every comparison with the fixtures (shared/keras3/README.md). */
export const KERAS3_TOL = 2e-5;

export interface CaseArray {
  shape: number[];
  data: number[];
  dtype?: 'float32' | 'int32';
  path?: string;
  trainable?: boolean;
}

export interface Keras3Case {
  name: string;
  keras_code: string;
  sizes: Record<string, number>;
  config: unknown;
  weights: (CaseArray & { path: string; trainable: boolean })[];
  inputs: CaseArray[];
  outputs: CaseArray[];
  targets: CaseArray[];
  loss: string | string[];
  loss_weights?: number[];
  loss_value: number;
  output_loss_values?: number[];
  gradients: (CaseArray & { path: string })[];
  training_fields: boolean;
  sgd_learning_rate?: number;
  weights_after_sgd?: CaseArray[];
  rmsprop?: { learning_rate: number; rho: number; epsilon: number; momentum: number; centered: boolean };
  weights_after_rmsprop?: CaseArray[];
  note?: string;
}

const cache = new Map<string, Keras3Case>();

/** Reads shared/keras3/<name>/case.json (once per file). */
export function loadCase(name: string): Keras3Case {
  let c = cache.get(name);
  if (!c) {
    const url = new URL(`${name}/case.json`, KERAS3_DIR);
    c = JSON.parse(readFileSync(url, 'utf8')) as Keras3Case;
    if (c.name !== name) throw new Error(`${url.pathname}: the case is named ${c.name}, expected ${name}`);
    cache.set(name, c);
  }
  return c;
}

const toTensor = (a: CaseArray) =>
  a.dtype === 'int32' ? wl.tensor(Int32Array.from(a.data), a.shape, 'int32') : wl.tensor(Float32Array.from(a.data), a.shape, 'float32');

/** The initial weights in get_weights() order, as tensors for model.setWeights(). */
export const weightTensors = (c: Keras3Case): wl.Tensor[] => c.weights.map(toTensor);
/** The model inputs in order (float32, or int32 token ids). */
export const inputTensors = (c: Keras3Case): wl.Tensor[] => c.inputs.map(toTensor);
/** The targets, one per output. */
export const targetTensors = (c: Keras3Case): wl.Tensor[] => c.targets.map(toTensor);
/** The case's sum of weight sizes (what countParams() should give). */
export const paramCount = (c: Keras3Case): number => c.weights.reduce((n, w) => n + w.data.length, 0);

/** x or y as model data: the tensor itself for one input/output, else the list. */
export const modelData = (ts: wl.Tensor[]): wl.Tensor | wl.Tensor[] => (ts.length === 1 ? ts[0] : ts);

/** Row-major multi-index of flat element `i` in `shape`, e.g. [2,5,1]. */
export function multiIndex(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Largest |actual − expected| (NaN anywhere counts as Infinity); lengths must match. */
export function maxAbsError(actual: ArrayLike<number>, expected: ArrayLike<number>): { max: number; at: number; over: number } {
  let max = 0;
  let at = 0;
  let over = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const e = Number.isNaN(err) ? Infinity : err;
    if (e > KERAS3_TOL) over++;
    if (e > max || (i === 0 && e === max)) {
      max = e;
      at = i;
    }
  }
  return { max, at, over };
}

/** Max abs errors seen per case and field (for the summary printed with KERAS3_REPORT=1). */
export const errorReport = new Map<string, Map<string, number>>();

function record(caseName: string, field: string, err: number): void {
  let row = errorReport.get(caseName);
  if (!row) errorReport.set(caseName, (row = new Map()));
  row.set(field, Math.max(row.get(field) ?? 0, err));
}

export interface CompareOptions {
  /** The case, named in messages. */
  caseName: string;
  /** The fixture field, e.g. 'outputs', 'loss_value', 'weights_after_sgd'. */
  field: string;
  /** The position in the field's list (weights, outputs), named in messages. */
  index?: number;
  /** The array's Keras variable path, named in messages. */
  path?: string;
  /** Shape of the expected array, for the element's multi-index. */
  shape?: readonly number[];
  /** Extra text for the failure message (e.g. the gradient the difference implies). */
  explain?: (flat: number, actual: number, expected: number) => string;
  /** The key the error is reported under (default: the field). */
  reportAs?: string;
}

/**
 * Asserts |actual − expected| ≤ 2e-5 elementwise and returns the largest difference. A failure
 * names the case, the field, the list index and path, the worst element's index, both values, and
 * how many elements are out of tolerance.
 */
export function expectCaseClose(actual: ArrayLike<number>, expected: ArrayLike<number>, o: CompareOptions): number {
  const where = `${o.caseName}: ${o.field}${o.index === undefined ? '' : `[${o.index}]`}${o.path ? ` (${o.path})` : ''}`;
  expect(actual.length, `${where}: number of elements`).toBe(expected.length);
  const { max, at, over } = maxAbsError(actual, expected);
  record(o.caseName, o.reportAs ?? o.field, max);
  if (over > 0) {
    const idx = o.shape && o.shape.length > 1 ? `[${multiIndex(at, o.shape).join(', ')}] (flat ${at})` : `[${at}]`;
    expect.fail(
      `${where}, element ${idx}: got ${actual[at]}, expected ${expected[at]}; |difference| ${max.toExponential(3)} > ${KERAS3_TOL}` +
        ` (${over} of ${expected.length} elements out of tolerance)${o.explain ? `; ${o.explain(at, actual[at], expected[at])}` : ''}`,
    );
  }
  return max;
}

/**
 * Compares a model's weights with a fixture list (get_weights() order): shapes, then values, each
 * weight named by its Keras path. `explain` adds detail to a failure (e.g. the implied gradient).
 */
export function expectWeightsClose(
  c: Keras3Case,
  field: 'weights' | 'weights_after_sgd' | 'weights_after_rmsprop',
  actual: wl.Tensor[],
  explain?: (weight: number, flat: number, actual: number, expected: number) => string,
): number {
  const expected = c[field];
  if (!expected) throw new Error(`${c.name}: the fixture has no ${field}`);
  expect(actual.length, `${c.name}: ${field}: number of weights`).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const path = c.weights[k].path;
    expect(actual[k].shape, `${c.name}: ${field}[${k}] (${path}): shape`).toEqual(expected[k].shape);
    worst = Math.max(worst, expectCaseClose(actual[k].dataSync(), expected[k].data, {
      caseName: c.name, field, index: k, path, shape: expected[k].shape,
      explain: explain && ((flat, a, e) => explain(k, flat, a, e)),
    }));
  }
  return worst;
}

/** The report as a markdown table: one row per case, one column per field (max abs error). */
export function formatErrorReport(): string {
  const fields = [...new Set([...errorReport.values()].flatMap((row) => [...row.keys()]))];
  const lines = [`| case | ${fields.join(' | ')} |`, `|---|${fields.map(() => '---').join('|')}|`];
  for (const [name, row] of errorReport) {
    lines.push(`| ${name} | ${fields.map((f) => (row.has(f) ? row.get(f)!.toExponential(1) : '')).join(' | ')} |`);
  }
  return lines.join('\n');
}
