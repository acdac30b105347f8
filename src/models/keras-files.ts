/**
 * Keras's own files: `.keras` (Keras 3: a zip of metadata.json, config.json and model.weights.h5)
 * and the legacy `.h5` (Keras 2 / tf.keras, and Keras 3's `save(..., 'h5')`: the config in the
 * root's `model_config` attribute, weights under `model_weights/<layer>/`). The config goes through
 * the dialect translation of io/keras/config.ts into the one model builder; weights are matched by
 * Keras's paths (io/keras/weight-paths.ts), every weight the model has must be in the file with
 * its shape, and every weight in the file must belong to the model.
 */
import { ValueError, checkConfigDepth, describe } from '../errors.js';
import { firstNonFinite, type DecodeOptions } from '../io/artifacts.js';
import { dialectOf, fromKerasConfig, type KerasDialect } from '../io/keras/config.js';
import { Hdf5Reader } from '../io/keras/hdf5-read.js';
import { writeHdf5, type H5GroupSpec } from '../io/keras/hdf5-write.js';
import { modelVarsGroups } from '../io/keras/weight-paths.js';
import { readZip, writeZip } from '../io/keras/zip.js';
import type { Layer } from '../layers/layer.js';
import type { LayerVariable } from '../layers/variable.js';
import { kerasJson } from '../io/keras/optimizer-vars.js';
import { KERAS_FORMAT_VERSION, kerasConfigOf, writtenLayers } from './keras-config.js';
import { kerasTrainingState, restoreKerasTraining } from './keras-training.js';
import type { LayersModel } from './model.js';
import { modelFromConfig, type ModelConfig } from './serialization.js';
import { replaceFilesAtomically, type AtomicFs } from '../io/atomic-files.js';
import type { SaveResult } from '../io/handlers.js';
import type { SaveOptions } from '../io/save.js';
import { downloadFile } from '../io/browser-downloads.js';

/** Which Keras file the bytes hold, from their first bytes: `.keras` (zip) or `.h5` (HDF5), else null. */
export function kerasFileKind(bytes: Uint8Array): 'keras' | 'h5' | null {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'keras';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'h5';
  return null;
}

/** How a Keras file is read: the weight checks, and whether a `.keras` file's training state is restored. */
export interface KerasLoadOptions extends DecodeOptions {
  /** Compile from the file's `compile_config` and restore the optimizer's state (default true, as Keras's `load_model(compile=True)`). */
  compile?: boolean;
}

/**
 * A model from the bytes of a `.keras` or legacy `.h5` file: a `.keras` file with a
 * `compile_config` comes back compiled with its optimizer's state; a legacy `.h5` uncompiled.
 */
export function loadKerasBytes(bytes: Uint8Array, what = 'The Keras file', options: KerasLoadOptions = {}): LayersModel {
  const kind = kerasFileKind(bytes);
  if (kind === 'keras') return loadKerasArchive(bytes, what, options);
  if (kind === 'h5') return loadLegacyH5(bytes, what, options);
  throw new ValueError(`${what} is neither a .keras archive (zip) nor a Keras .h5 file (HDF5): its first bytes are ${describe([...bytes.subarray(0, 8)])}`);
}

/** Parsed JSON, its nesting checked before anything walks it. */
function parseJson(bytes: Uint8Array | string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ValueError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  checkConfigDepth(value, what);
  return value;
}

/** The model of a config, its weights zeros until set (their count bounded by the file's size). */
function buildModel(spec: ModelConfig, fileBytes: number): LayersModel {
  return modelFromConfig(spec, { initialize: false, weightBudget: { floats: fileBytes / 4 } });
}

/** The layers in Keras's order for weight paths: a Sequential's without its InputLayer, a functional model's all. */
function kerasLayerOrder(model: LayersModel, spec: ModelConfig): Layer[] {
  const layers = spec.config.layers as { class_name: string; config: { name?: string } }[];
  const sequential = spec.class_name === 'Sequential';
  return layers.filter((l) => !(sequential && l.class_name === 'InputLayer')).map((l) => model.getLayer(l.config.name as string));
}

function setWeight(v: LayerVariable, shape: number[], values: Float32Array, where: string, options: DecodeOptions): void {
  if (shape.length !== v.shape.length || shape.some((d, i) => d !== v.shape[i])) {
    throw new ValueError(`${where} has shape [${shape.join(', ')}], but the model's ${v.name} has shape [${v.shape.join(', ')}]`);
  }
  const bad = options.allowNonFinite ? null : firstNonFinite(values, shape);
  if (bad) throw new ValueError(`${where} holds ${bad.value} at ${bad.at}; weights must be finite (load with {allowNonFiniteWeights: true} to accept them)`);
  v.write(values);
}

/** A `.keras` archive: config.json through the Keras 3 dialect, weights from model.weights.h5 by path. */
export function loadKerasArchive(bytes: Uint8Array, what = 'The .keras file', options: KerasLoadOptions = {}): LayersModel {
  const entries = readZip(bytes, ['metadata.json', 'config.json', 'model.weights.h5'], what);
  for (const name of ['config.json', 'model.weights.h5']) {
    if (!entries.has(name)) throw new ValueError(`${what} has no ${name} entry; a .keras archive holds metadata.json, config.json and model.weights.h5 (found: ${[...entries.keys()].join(', ') || 'none of them'})`);
  }
  const metadata = entries.has('metadata.json') ? parseJson(entries.get('metadata.json')!, `${what}'s metadata.json`) as { keras_version?: unknown } : {};
  const config = parseJson(entries.get('config.json')!, `${what}'s config.json`);
  const spec = fromKerasConfig(config, dialectOf(metadata?.keras_version, config));
  const h5Bytes = entries.get('model.weights.h5')!;
  const h5 = new Hdf5Reader(h5Bytes, 'model.weights.h5');
  const model = buildModel(spec, h5Bytes.byteLength);
  const layers = kerasLayerOrder(model, spec);
  const used = new Set<string>();
  for (const group of modelVarsGroups(model.name, layers)) {
    const varsPath = group.path ? `${group.path}/vars` : 'vars';
    const names = h5.keys(varsPath);
    if (names.length !== group.vars.length) {
      throw new ValueError(`model.weights.h5: ${varsPath} holds ${names.length} weights (${names.join(', ') || 'none'}), but the model's ${group.name} has ${group.vars.length}${group.vars.length ? ` (${group.vars.map((v) => v.name).join(', ')})` : ''}`);
    }
    group.vars.forEach((v, i) => {
      const path = `${varsPath}/${i}`;
      const { shape, values } = h5.float32(path);
      setWeight(v, shape, values, `model.weights.h5: ${path}`, options);
      used.add(path);
    });
  }
  // the optimizer's state (optimizer/vars/...) is read with the compile_config, or left when not compiling
  const extra = h5.datasets().filter((p) => !used.has(p) && !p.startsWith('optimizer/'));
  if (extra.length) throw new ValueError(`model.weights.h5 holds weights the model does not have: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', …' : ''}`);
  const compileConfig = (config as { compile_config?: unknown }).compile_config;
  const hasCompileConfig = compileConfig != null && !(typeof compileConfig === 'object' && Object.keys(compileConfig).length === 0);
  if (options.compile !== false && hasCompileConfig) restoreKerasTraining(model, compileConfig, h5, layers, `${what}'s config.json`, options);
  return model;
}

/** A string attribute as jsfive gives it (a string, or bytes for a fixed-length one). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

function stringList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new ValueError(`${where} must be a list of strings, got ${describe(value)}`);
  return list as string[];
}

/** A legacy `.h5`: `model_config` through the dialect of its `keras_version`, weights by `model_weights/<layer>/<weight_names>`. */
export function loadLegacyH5(bytes: Uint8Array, what = 'The .h5 file', options: DecodeOptions = {}): LayersModel {
  const h5 = new Hdf5Reader(bytes, what);
  const configText = textOf(h5.attr('', 'model_config'));
  if (configText == null) {
    throw new ValueError(`${what} has no model_config attribute: it holds weights only (save_weights) or is not a Keras model file`);
  }
  const config = parseJson(configText, `${what}'s model_config`);
  const dialect: KerasDialect = dialectOf(textOf(h5.attr('', 'keras_version')), config);
  const spec = fromKerasConfig(config, dialect);
  const model = buildModel(spec, bytes.byteLength);
  if (!h5.isGroup('model_weights')) throw new ValueError(`${what} has no model_weights group`);
  const layerNames = stringList(h5.attr('model_weights', 'layer_names') ?? [], `${what}: model_weights's layer_names`);
  const filled = new Set<string>();
  for (const layerName of layerNames) {
    const layer = model.layers.find((l) => l.name === layerName);
    const weightNames = stringList(h5.attr(`model_weights/${layerName}`, 'weight_names') ?? [], `${what}: model_weights/${layerName}'s weight_names`);
    if (!layer) {
      if (weightNames.length) throw new ValueError(`${what} holds weights for a layer ${describe(layerName)} that the model does not have`);
      continue;
    }
    if (weightNames.length !== layer.weights.length) {
      throw new ValueError(`${what}: model_weights/${layerName} holds ${weightNames.length} weights (${weightNames.join(', ') || 'none'}), but layer ${layerName} has ${layer.weights.length}`);
    }
    layer.weights.forEach((v, i) => {
      const path = `model_weights/${layerName}/${weightNames[i]}`;
      const { shape, values } = h5.float32(path);
      setWeight(v, shape, values, `${what}: ${path}`, options);
    });
    filled.add(layerName);
  }
  const unfilled = model.layers.filter((l) => l.weights.length > 0 && !filled.has(l.name)).map((l) => l.name);
  if (unfilled.length) throw new ValueError(`${what} has no weights for layer${unfilled.length > 1 ? 's' : ''} ${unfilled.join(', ')}`);
  return model;
}

/** model.weights.h5's tree: every saveable's `vars` group (named by its `name` attribute) with its variables 0..n-1. */
function weightsTree(model: LayersModel, optimizerGroup?: H5GroupSpec): H5GroupSpec {
  const root: H5GroupSpec = { members: new Map() };
  const groupAt = (path: string): H5GroupSpec => {
    let g = root;
    for (const part of path.split('/').filter(Boolean)) {
      let next = g.members.get(part) as H5GroupSpec | undefined;
      if (!next) g.members.set(part, (next = { members: new Map() }));
      g = next;
    }
    return g;
  };
  for (const group of modelVarsGroups(model.name, writtenLayers(model))) {
    const vars = groupAt(group.path ? `${group.path}/vars` : 'vars');
    vars.attrs = { name: group.name };
    group.vars.forEach((v, i) => vars.members.set(String(i), { shape: [...v.shape], data: v.read() }));
  }
  if (optimizerGroup) root.members.set('optimizer', optimizerGroup);
  return root;
}

/**
 * The bytes of a `.keras` file of `model`, which Keras 3 loads with `keras.saving.load_model`: its
 * config and weights, and with `includeOptimizer` (of a compiled model) its `compile_config` and
 * optimizer state, so training resumes here or in Keras with the same next step.
 */
export function kerasBytesOf(model: LayersModel, options: SaveOptions = {}): Uint8Array {
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const date = new Date().toISOString().replace('T', '@').slice(0, 19);
  const training = options.includeOptimizer && model.optimizer ? kerasTrainingState(model, writtenLayers(model)) : undefined;
  const config = kerasConfigOf(model);
  return writeZip([
    ['metadata.json', json({ keras_version: KERAS_FORMAT_VERSION, date_saved: date })],
    ['config.json', new TextEncoder().encode(kerasJson(training ? { ...config, compile_config: training.compileConfig } : config))],
    ['model.weights.h5', writeHdf5(weightsTree(model, training?.optimizerGroup))],
  ]);
}

/**
 * model.save('file://…/m.keras'): the Keras 3 file written to a temporary sibling and renamed in, so a
 * failure leaves the previous file intact (io/atomic-files.ts). Legacy .h5 is read, not written.
 */
export async function saveKerasFile(model: LayersModel, target: string, options: SaveOptions): Promise<SaveResult> {
  if (!/\.keras$/i.test(target)) throw new ValueError(`save: ${describe(target)}: legacy .h5 files are read but not written; save as .keras`);
  const info = (): SaveResult => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: model.weights.reduce((n, v) => n + v.size * 4, 0) } });
  if (target.startsWith('downloads://')) {
    // in a browser page: the file is downloaded (nothing replaced in place, so nothing lost)
    await downloadFile(target, kerasBytesOf(model, options));
    return info();
  }
  if (!target.startsWith('file://')) throw new ValueError(`save: ${describe(target)}: a .keras file is saved to a file:// path (Node, Deno) or downloaded (downloads://NAME.keras in a browser page)`);
  const bytes = kerasBytesOf(model, options);
  const [fs, { basename, dirname }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const path = target.slice('file://'.length);
  await replaceFilesAtomically(fs as unknown as AtomicFs, dirname(path), [{ name: basename(path), data: bytes }]);
  return info();
}
