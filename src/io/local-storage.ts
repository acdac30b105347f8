/**
 * `localstorage://NAME`: models in the browser's localStorage under tfjs's keys
 * (`tensorflowjs_models/NAME/{info, model_topology, weight_specs, weight_data, model_metadata}`,
 * the weights as base64), so a model saved by TensorFlow.js loads here and the other way round.
 * localStorage has no transactions: a save remembers the previous values of the five keys and, when
 * a write throws (QuotaExceededError), puts them back before rethrowing, so the previous model
 * stays. The info key is written last, since load and listModels look for it first.
 */
import { ValueError, describe } from '../errors.js';
import type { ModelArtifacts } from './artifacts.js';
import type { IOHandler } from './handlers.js';
import { modelArtifactsInfo, type ModelArtifactsInfo, type SaveResult } from './model-json.js';
import { modelName, storeFor, type BrowserStores } from './browser-stores.js';

const SCHEME = 'localstorage://';
const PREFIX = 'tensorflowjs_models/';
const INFO_SUFFIX = '/info';

function keysOf(name: string) {
  const key = (suffix: string) => `${PREFIX}${name}/${suffix}`;
  return { topology: key('model_topology'), weightSpecs: key('weight_specs'), weightData: key('weight_data'), modelMetadata: key('model_metadata'), info: key('info') };
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string, key: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ValueError(`localStorage key ${describe(key)} does not hold base64 weight data (${text.length} characters)`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function parseItem(storage: Storage, key: string, name: string): unknown {
  const text = storage.getItem(key);
  if (text == null) throw new ValueError(`localStorage holds a model ${describe(name)}, but its key ${describe(key)} is missing`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValueError(`localStorage key ${describe(key)} does not hold JSON: ${(e as Error).message}`);
  }
}

/**
 * Sets every entry or, when a setItem throws, none: the keys' previous values are put back (the
 * new values removed first, freeing their space, so the old ones fit as they did) and the error is
 * rethrown, with the restore's own failure attached if that failed too.
 */
function replaceItems(storage: Storage, entries: [string, string][]): void {
  const previous = entries.map(([key]) => [key, storage.getItem(key)] as const);
  try {
    for (const [key, value] of entries) storage.setItem(key, value);
  } catch (error) {
    try {
      for (const [key] of previous) storage.removeItem(key);
      for (const [key, value] of previous) if (value != null) storage.setItem(key, value);
    } catch (restoreError) {
      throw Object.assign(error as Error, { restoreError });
    }
    throw error;
  }
}

const names = (stored: Record<string, unknown>) => (Object.keys(stored).length ? `it holds ${describe(Object.keys(stored))}` : 'it holds no models');

/**
 * A handler saving to and loading from localStorage under `modelPath`, with tfjs's keys (tfjs's
 * `tf.io.browserLocalStorage`; `model.save('localstorage://NAME')` makes one). A save that fails
 * (QuotaExceededError: localStorage holds a few MB per origin) restores every key it touched and
 * says how big the model is.
 * @param modelPath the model's name (a `localstorage://` prefix is dropped)
 * @param stores a Storage to use instead of the global `localStorage` (tests)
 * @throws ValueError when the environment has no localStorage (Node, web workers: use `file://` or `indexeddb://`) or the name is empty
 * @example await model.save('localstorage://my-model'); const again = await wl.loadLayersModel('localstorage://my-model');
 */
export function browserLocalStorage(modelPath: string, stores?: BrowserStores): IOHandler {
  if (typeof modelPath !== 'string') throw new ValueError(`browserLocalStorage: expected the model's name as a string, got ${describe(modelPath)}`);
  const name = modelName(modelPath, SCHEME);
  const storage = storeFor(SCHEME, 'localStorage', stores);
  const keys = keysOf(name);
  return {
    async save(artifacts: ModelArtifacts): Promise<SaveResult> {
      const info = modelArtifactsInfo(artifacts);
      const { format, generatedBy, convertedBy, trainingConfig } = artifacts;
      const entries: [string, string][] = [
        [keys.topology, JSON.stringify(artifacts.modelTopology)],
        [keys.weightSpecs, JSON.stringify(artifacts.weightSpecs)],
        [keys.weightData, toBase64(artifacts.weightData)],
        [keys.modelMetadata, JSON.stringify({ format, generatedBy, convertedBy, trainingConfig })],
        [keys.info, JSON.stringify(info)],
      ];
      try {
        replaceItems(storage, entries);
      } catch (error) {
        const e = error as Error & { restoreError?: Error };
        const characters = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
        const restored = e.restoreError
          ? `restoring the previous values failed too (${e.restoreError.name}: ${e.restoreError.message})`
          : 'the previous values of its 5 keys are restored';
        throw new Error(
          `Saving ${SCHEME}${name} failed (${e?.name}: ${e?.message}); ${restored}. The model takes ${characters} characters of localStorage ` +
            `(weightDataBytes=${info.weightDataBytes} as ${entries[2][1].length} base64 characters, modelTopologyBytes=${info.modelTopologyBytes}, weightSpecsBytes=${info.weightSpecsBytes}); ` +
            `localStorage holds a few MB per origin, indexeddb://${name} holds larger models`,
          { cause: error },
        );
      }
      return { modelArtifactsInfo: info };
    },
    async load(): Promise<ModelArtifacts> {
      if (storage.getItem(keys.info) == null) throw new ValueError(`No model named ${describe(name)} in localStorage (no key ${describe(keys.info)}); ${names(listIn(storage))}`);
      const modelTopology = parseItem(storage, keys.topology, name);
      const weightSpecs = parseItem(storage, keys.weightSpecs, name);
      if (modelTopology == null || typeof modelTopology !== 'object' || Array.isArray(modelTopology)) throw new ValueError(`localStorage key ${describe(keys.topology)} does not hold a JSON object`);
      if (!Array.isArray(weightSpecs)) throw new ValueError(`localStorage key ${describe(keys.weightSpecs)} does not hold a JSON array`);
      const data = storage.getItem(keys.weightData);
      if (data == null) throw new ValueError(`localStorage holds a model ${describe(name)}, but its key ${describe(keys.weightData)} is missing`);
      const metadata = (storage.getItem(keys.modelMetadata) == null ? {} : parseItem(storage, keys.modelMetadata, name)) as Partial<ModelArtifacts>;
      return {
        modelTopology: modelTopology as Record<string, unknown>,
        weightSpecs,
        weightData: fromBase64(data, keys.weightData),
        format: metadata.format,
        generatedBy: metadata.generatedBy,
        convertedBy: metadata.convertedBy,
        trainingConfig: metadata.trainingConfig,
      };
    },
  };
}

function listIn(storage: Storage): Record<string, ModelArtifactsInfo> {
  const out: Record<string, ModelArtifactsInfo> = {};
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key == null || !key.startsWith(PREFIX) || !key.endsWith(INFO_SUFFIX) || key.length <= PREFIX.length + INFO_SUFFIX.length) continue;
    try {
      const info = JSON.parse(storage.getItem(key) ?? 'null') as ModelArtifactsInfo;
      out[key.slice(PREFIX.length, -INFO_SUFFIX.length)] = { ...info, dateSaved: new Date(info.dateSaved) };
    } catch {
      // an info value that is not JSON was not written by a save: not listed
    }
  }
  return out;
}

/** The models in localStorage by name, with their info (tfjs's BrowserLocalStorageManager.listModels). */
export async function listLocalStorageModels(stores?: BrowserStores): Promise<Record<string, ModelArtifactsInfo>> {
  return listIn(storeFor(SCHEME, 'localStorage', stores));
}

/** Removes a model's five keys; returns its info, or throws naming what is there. */
export async function removeLocalStorageModel(modelPath: string, stores?: BrowserStores): Promise<ModelArtifactsInfo> {
  const name = modelName(modelPath, SCHEME);
  const storage = storeFor(SCHEME, 'localStorage', stores);
  const keys = keysOf(name);
  const stored = listIn(storage);
  const info = stored[name];
  if (info == null) throw new ValueError(`Cannot remove ${SCHEME}${name}: localStorage has no model of that name; ${names(stored)}`);
  for (const key of Object.values(keys)) storage.removeItem(key);
  return info;
}
