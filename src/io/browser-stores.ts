/**
 * The browser's stores behind `indexeddb://`, `localstorage://` and `downloads://` URLs: the store
 * itself (the global one, or one injected for tests), with a clear error where the environment has
 * none (Node, a web worker without localStorage), and the model name a URL gives.
 */
import { ValueError, describe } from '../errors.js';

/**
 * The stores the browser handlers use instead of the global `indexedDB`, `localStorage` and
 * `document` (tests inject fakes, e.g. fake-indexeddb's IDBFactory, in Node).
 */
export interface BrowserStores {
  indexedDB?: IDBFactory;
  localStorage?: Storage;
  document?: Document;
}

/** The URL schemes of the browser stores. */
export const BROWSER_SCHEMES = ['indexeddb://', 'localstorage://', 'downloads://'] as const;

const NEEDS = {
  'indexeddb://': 'a browser (IndexedDB)',
  'localstorage://': 'a browser page (localStorage)',
  'downloads://': 'a browser page (document)',
} as const;

function global<K extends keyof BrowserStores>(key: K): BrowserStores[K] | undefined {
  try {
    return (globalThis as BrowserStores)[key] ?? undefined;
  } catch {
    // a page whose storage access is denied (sandboxed frame, opaque origin) throws on the read
    return undefined;
  }
}

/** The store `scheme` uses, or a ValueError naming what it needs and what to use in Node. */
export function storeFor<K extends keyof BrowserStores>(scheme: (typeof BROWSER_SCHEMES)[number], key: K, stores: BrowserStores = {}): NonNullable<BrowserStores[K]> {
  const store = stores[key] ?? global(key);
  if (store == null) throw new ValueError(`${scheme} needs ${NEEDS[scheme]}, which this environment does not have; in Node use file://<directory>`);
  return store;
}

/** Whether this environment (or `stores`) provides the store `key`. */
export function hasStore(key: keyof BrowserStores, stores: BrowserStores = {}): boolean {
  return (stores[key] ?? global(key)) != null;
}

/** The model name after a browser scheme, refusing an empty one. */
export function modelName(url: string, scheme: string): string {
  const name = url.startsWith(scheme) ? url.slice(scheme.length) : url;
  if (name.length === 0) throw new ValueError(`${scheme} needs a model name after the scheme (e.g. ${scheme}my-model), got ${describe(url)}`);
  return name;
}
