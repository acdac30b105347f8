/**
 * tfjs's model management over the browser stores: list the models saved in IndexedDB and
 * localStorage, remove one, copy or move one between any two URLs.
 */
import { ValueError, describe } from '../errors.js';
import { resolveHandler } from './handlers.js';
import { hasStore, type BrowserStores } from './browser-stores.js';
import type { ModelArtifactsInfo } from './model-json.js';
import { listIndexedDBModels, removeIndexedDBModel } from './indexed-db.js';
import { listLocalStorageModels, removeLocalStorageModel } from './local-storage.js';

const REMOVERS: Record<string, (name: string, stores?: BrowserStores) => Promise<ModelArtifactsInfo>> = {
  'indexeddb://': removeIndexedDBModel,
  'localstorage://': removeLocalStorageModel,
};

function remover(url: unknown, what: string): (name: string, stores?: BrowserStores) => Promise<ModelArtifactsInfo> {
  const scheme = typeof url === 'string' ? Object.keys(REMOVERS).find((s) => url.startsWith(s)) : undefined;
  if (!scheme) throw new ValueError(`${what}: expected an indexeddb://… or localstorage://… URL, got ${describe(url)}`);
  return REMOVERS[scheme];
}

/**
 * The models saved in this browser's IndexedDB and localStorage, by URL, with their info (tfjs's
 * `tf.io.listModels`). A store the environment lacks is skipped: in Node the result is `{}`.
 * @param stores stores to use instead of the global ones (tests)
 * @example console.log(Object.keys(await wl.io.listModels())); // ['indexeddb://my-model', 'localstorage://small']
 */
export async function listModels(stores?: BrowserStores): Promise<Record<string, ModelArtifactsInfo>> {
  const out: Record<string, ModelArtifactsInfo> = {};
  const lists = [['indexeddb://', 'indexedDB', listIndexedDBModels], ['localstorage://', 'localStorage', listLocalStorageModels]] as const;
  for (const [scheme, store, list] of lists) {
    if (!hasStore(store, stores)) continue;
    for (const [name, info] of Object.entries(await list(stores))) out[scheme + name] = info;
  }
  return out;
}

/**
 * Deletes a model saved at an `indexeddb://` or `localstorage://` URL; resolves to its info
 * (tfjs's `tf.io.removeModel`). A missing model is an error naming the models that are there.
 * @param stores stores to use instead of the global ones (tests)
 * @example await wl.io.removeModel('indexeddb://my-model');
 */
export async function removeModel(url: string, stores?: BrowserStores): Promise<ModelArtifactsInfo> {
  const remove = remover(url, 'removeModel');
  return remove(url, stores);
}

/**
 * Copies a model from one URL to another: any URL `loadLayersModel` reads to any URL `model.save`
 * writes (tfjs's `tf.io.copyModel`). Resolves to the copy's info.
 * @param stores stores to use instead of the global ones (tests)
 * @example await wl.io.copyModel('localstorage://my-model', 'indexeddb://my-model');
 */
export async function copyModel(sourceURL: string, destURL: string, stores?: BrowserStores): Promise<ModelArtifactsInfo> {
  for (const [what, url] of [['sourceURL', sourceURL], ['destURL', destURL]] as const) {
    if (typeof url !== 'string') throw new ValueError(`copyModel: expected ${what} as a URL string, got ${describe(url)}`);
  }
  if (sourceURL === destURL) throw new ValueError(`copyModel: the source and destination are the same URL ${describe(sourceURL)}`);
  const source = resolveHandler(sourceURL, 'load', stores);
  const dest = resolveHandler(destURL, 'save', stores);
  return (await dest.save!(await source.load!())).modelArtifactsInfo;
}

/**
 * Moves a model saved at an `indexeddb://` or `localstorage://` URL to another URL (tfjs's
 * `tf.io.moveModel`). The source is removed only once the destination's save has completed, so a
 * failure leaves the model where it was (tfjs removes it first within one scheme).
 * @param stores stores to use instead of the global ones (tests)
 * @example await wl.io.moveModel('localstorage://my-model', 'indexeddb://my-model');
 */
export async function moveModel(sourceURL: string, destURL: string, stores?: BrowserStores): Promise<ModelArtifactsInfo> {
  const remove = remover(sourceURL, 'moveModel');
  const info = await copyModel(sourceURL, destURL, stores);
  await remove(sourceURL, stores);
  return info;
}
