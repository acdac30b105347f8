/**
 * The TF.js layers format (shared/SPEC.md §9): a model.json with the Keras topology and a manifest of
 * weights stored as little-endian float32, concatenated in manifest order. Everything read from a
 * file is checked before use: a bad manifest or buffer is an error naming the entry, never a crash
 * or an allocation beyond what the file declares.
 */
import { ValueError, describe } from '../errors.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** 'optimizer' for optimizer state (tfjs's convention); absent for model weights. */
  group?: string;
}

/** What handlers exchange: tfjs's ModelArtifacts (weights already joined into one buffer). */
export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
}

/** The model.json of a saved model. */
export interface ModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  trainingConfig?: Record<string, unknown>;
}

export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
  group?: string;
}

/** Concatenates the values into one buffer with their specs. */
export function encodeWeights(entries: NamedValues[]): { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } {
  const bytes = entries.reduce((n, e) => n + e.values.length * 4, 0);
  const data = new ArrayBuffer(bytes);
  let offset = 0;
  const weightSpecs = entries.map((e) => {
    const view = e.values instanceof Int32Array ? new Int32Array(data, offset, e.values.length) : new Float32Array(data, offset, e.values.length);
    view.set(e.values);
    offset += e.values.length * 4;
    const spec: WeightSpec = { name: e.name, shape: [...e.shape], dtype: e.values instanceof Int32Array ? 'int32' : 'float32' };
    if (e.group) spec.group = e.group;
    return spec;
  });
  return { weightSpecs, weightData: data };
}

/** What decodeWeights accepts beyond the default checks. */
export interface DecodeOptions {
  /** Accept NaN / ±Infinity in float32 weights (refused by default: a file's weights should be finite). */
  allowNonFinite?: boolean;
}

/** The first non-finite value of `values` as `[i, j, ...]` in `shape`, or null. */
export function firstNonFinite(values: Float32Array, shape: readonly number[]): { value: number; at: string } | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) continue;
    const index: number[] = [];
    for (let d = shape.length - 1, rest = i; d >= 0; d--) {
      index.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    return { value: v, at: `[${index.join(', ')}]` };
  }
  return null;
}

/**
 * Splits a weight buffer by its specs, checking every spec, the buffer's length, unambiguous names
 * (`X` and `X:0` name the same weight) and finite values.
 */
export function decodeWeights(specs: unknown, data: ArrayBuffer, options: DecodeOptions = {}): Map<string, NamedValues> {
  if (!Array.isArray(specs)) throw new ValueError(`The weights manifest must be an array of {name, shape, dtype}, got ${describe(specs)}`);
  if (!(data instanceof ArrayBuffer)) throw new ValueError(`The weight data must be an ArrayBuffer, got ${describe(data)}`);
  const out = new Map<string, NamedValues>();
  let offset = 0;
  for (const [i, spec] of specs.entries()) {
    const where = `weight ${i} (${describe((spec as WeightSpec)?.name)})`;
    if (spec == null || typeof spec !== 'object') throw new ValueError(`The weights manifest's ${where} is not an object`);
    const { name, shape, dtype, group } = spec as WeightSpec;
    if (typeof name !== 'string' || name.length === 0) throw new ValueError(`The weights manifest's ${where} has no name`);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ValueError(`${where}: the shape must be up to 8 non-negative integers, got ${describe(shape)}`);
    }
    if (dtype !== 'float32' && dtype !== 'int32') throw new ValueError(`${where}: dtype ${describe(dtype)} is not supported (float32, or int32 for an optimizer's step count)`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count) || offset + count * 4 > data.byteLength) {
      throw new ValueError(`${where}: shape [${shape.join(', ')}] needs ${count * 4} bytes at offset ${offset}, but the weight data has ${data.byteLength} bytes`);
    }
    if (out.has(name)) throw new ValueError(`The weights manifest names ${describe(name)} twice`);
    const base = name.replace(/:0$/, '');
    const twin = base === name ? `${name}:0` : base;
    if (out.has(twin)) throw new ValueError(`The weights manifest names both ${describe(twin)} and ${describe(name)}, which are the same weight: which one holds its values is ambiguous`);
    const values = dtype === 'int32' ? new Int32Array(data.slice(offset, offset + count * 4)) : new Float32Array(data.slice(offset, offset + count * 4));
    const bad = values instanceof Float32Array && !options.allowNonFinite ? firstNonFinite(values, shape) : null;
    if (bad) throw new ValueError(`Saved weight ${describe(name)} holds ${bad.value} at ${bad.at}; weights must be finite (load with {allowNonFiniteWeights: true} to accept them)`);
    out.set(name, { name, shape: [...shape], values, group: typeof group === 'string' ? group : undefined });
    offset += count * 4;
  }
  if (offset !== data.byteLength) throw new ValueError(`The weight data has ${data.byteLength} bytes, but the manifest describes ${offset}`);
  return out;
}

/** Parses model.json text, checking its outline. */
export function parseModelJSON(text: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`model.json is not valid JSON: ${(e as Error).message}`);
  }
  if (json == null || typeof json !== 'object' || Array.isArray(json)) throw new ValueError('model.json must hold a JSON object');
  const m = json as Partial<ModelJSON>;
  if (m.modelTopology == null || typeof m.modelTopology !== 'object') throw new ValueError('model.json has no modelTopology object');
  if (!Array.isArray(m.weightsManifest) || !m.weightsManifest.every((g) => g && Array.isArray(g.paths) && Array.isArray(g.weights) && g.paths.every((p) => typeof p === 'string'))) {
    throw new ValueError('model.json needs a weightsManifest: [{paths: [string...], weights: [{name, shape, dtype}...]}]');
  }
  return m as ModelJSON;
}
