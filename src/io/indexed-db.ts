/**
 * `indexeddb://NAME`: models in the browser's IndexedDB, in tfjs's layout (database `tensorflowjs`
 * version 1, object stores `models_store` and `model_info_store` keyed by `modelPath`), so a model
 * saved by TensorFlow.js loads here and the other way round. Unlike tfjs (one transaction per
 * store), a save writes both stores in ONE readwrite transaction with strict durability: when it
 * aborts (quota, a closed tab, any failure) neither store changes and the previous model stays.
 */
import { ValueError, describe } from '../errors.js';
import type { ModelArtifacts } from './artifacts.js';
import type { IOHandler } from './handlers.js';
import { modelArtifactsInfo, type ModelArtifactsInfo, type SaveResult } from './model-json.js';
import { modelName, storeFor, type BrowserStores } from './browser-stores.js';

const DATABASE = 'tensorflowjs';
const VERSION = 1;
const MODELS = 'models_store';
const INFO = 'model_info_store';
const SCHEME = 'indexeddb://';

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, VERSION);
    request.onupgradeneeded = () => {
      for (const store of [MODELS, INFO]) if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs `body` in one transaction over `stores`. Resolves with what the getter `body` returns gives
 * once the transaction has committed; rejects with the transaction's error when it aborts (then
 * nothing `body` wrote remains), also when `body` itself throws (the transaction is aborted).
 */
async function transaction<T>(factory: IDBFactory, stores: string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => () => T): Promise<T> {
  const db = await openDatabase(factory);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(stores, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
      let result: (() => T) | undefined;
      tx.oncomplete = () => resolve(result!());
      tx.onabort = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted', 'AbortError'));
      try {
        result = body(tx);
      } catch (error) {
        reject(error);
        tx.abort();
      }
    });
  } finally {
    db.close();
  }
}

/** The names IndexedDB holds models under, for "not found" messages. */
function held(names: IDBValidKey[] | undefined): string {
  return names?.length ? `it holds ${describe(names.map(String))}` : 'it holds no models';
}

/** The artifacts of a models_store record, checked: tfjs's layout or ours. */
function artifactsOf(record: unknown, name: string): ModelArtifacts {
  const a = (record as { modelArtifacts?: Partial<ModelArtifacts> }).modelArtifacts;
  const bad = (what: string) => new ValueError(`IndexedDB's record for ${SCHEME}${name} is not a saved layers model: ${what}`);
  if (a == null || typeof a !== 'object') throw bad('it has no modelArtifacts object');
  if (a.modelTopology == null || typeof a.modelTopology !== 'object' || a.modelTopology instanceof ArrayBuffer) throw bad('its modelTopology is not a JSON object');
  if (!Array.isArray(a.weightSpecs)) throw bad(`its weightSpecs is ${describe(a.weightSpecs)}, expected an array`);
  if (!(a.weightData instanceof ArrayBuffer)) throw bad(`its weightData is ${describe(a.weightData)}, expected an ArrayBuffer`);
  return a as ModelArtifacts;
}

/**
 * A handler saving to and loading from IndexedDB under `modelPath` (tfjs's `tf.io.browserIndexedDB`;
 * `model.save('indexeddb://NAME')` makes one). A save writes the model and its info in one
 * transaction: when it fails, the previous model under that name is unchanged and loads.
 * @param modelPath the model's name (an `indexeddb://` prefix is dropped)
 * @param stores an IndexedDB factory to use instead of the global `indexedDB` (tests)
 * @throws ValueError when the environment has no IndexedDB (Node: use `file://`) or the name is empty
 * @example await model.save(wl.io.browserIndexedDB('my-model')); // as model.save('indexeddb://my-model')
 */
export function browserIndexedDB(modelPath: string, stores?: BrowserStores): IOHandler {
  if (typeof modelPath !== 'string') throw new ValueError(`browserIndexedDB: expected the model's name as a string, got ${describe(modelPath)}`);
  const name = modelName(modelPath, SCHEME);
  const factory = storeFor(SCHEME, 'indexedDB', stores);
  return {
    async save(artifacts: ModelArtifacts): Promise<SaveResult> {
      const info = modelArtifactsInfo(artifacts);
      try {
        await transaction(factory, [MODELS, INFO], 'readwrite', (tx) => {
          tx.objectStore(INFO).put({ modelPath: name, modelArtifactsInfo: info });
          tx.objectStore(MODELS).put({ modelPath: name, modelArtifacts: { ...artifacts }, modelArtifactsInfo: info });
          return () => undefined;
        });
      } catch (error) {
        const e = error as Error;
        throw new Error(
          `Saving ${SCHEME}${name} failed (${e?.name}: ${e?.message}); nothing was written, the previous model under that name (if any) is unchanged. ` +
            `The model has ${info.weightDataBytes} bytes of weights, ${info.modelTopologyBytes} of topology and ${info.weightSpecsBytes} of weight specs`,
          { cause: error },
        );
      }
      return { modelArtifactsInfo: info };
    },
    async load(): Promise<ModelArtifacts> {
      const { record, names } = await transaction(factory, [MODELS], 'readonly', (tx) => {
        const store = tx.objectStore(MODELS);
        const get = store.get(name);
        let keys: IDBRequest<IDBValidKey[]> | null = null;
        get.onsuccess = () => {
          if (get.result == null) keys = store.getAllKeys();
        };
        return () => ({ record: get.result as unknown, names: (keys as IDBRequest<IDBValidKey[]> | null)?.result });
      });
      if (record == null) throw new ValueError(`No model named ${describe(name)} in IndexedDB (${SCHEME}${name}); ${held(names)}`);
      return artifactsOf(record, name);
    },
  };
}

/** The models in IndexedDB by name, with their info (tfjs's BrowserIndexedDBManager.listModels). */
export async function listIndexedDBModels(stores?: BrowserStores): Promise<Record<string, ModelArtifactsInfo>> {
  const factory = storeFor(SCHEME, 'indexedDB', stores);
  const items = await transaction(factory, [INFO], 'readonly', (tx) => {
    const all = tx.objectStore(INFO).getAll();
    return () => all.result as { modelPath: string; modelArtifactsInfo: ModelArtifactsInfo }[];
  });
  return Object.fromEntries(items.map((item) => [item.modelPath, item.modelArtifactsInfo]));
}

/** Deletes a model and its info in one transaction; returns its info, or throws naming what is there. */
export async function removeIndexedDBModel(modelPath: string, stores?: BrowserStores): Promise<ModelArtifactsInfo> {
  const name = modelName(modelPath, SCHEME);
  const factory = storeFor(SCHEME, 'indexedDB', stores);
  const { info, names } = await transaction(factory, [MODELS, INFO], 'readwrite', (tx) => {
    const infoStore = tx.objectStore(INFO);
    const get = infoStore.get(name);
    let keys: IDBRequest<IDBValidKey[]> | null = null;
    get.onsuccess = () => {
      if (get.result == null) {
        keys = infoStore.getAllKeys();
        return;
      }
      infoStore.delete(name);
      tx.objectStore(MODELS).delete(name);
    };
    return () => ({ info: (get.result as { modelArtifactsInfo: ModelArtifactsInfo } | undefined)?.modelArtifactsInfo, names: (keys as IDBRequest<IDBValidKey[]> | null)?.result });
  });
  if (info == null) throw new ValueError(`Cannot remove ${SCHEME}${name}: IndexedDB has no model of that name; ${held(names)}`);
  return info;
}
