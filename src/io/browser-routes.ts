/** Which browser handler an `indexeddb://`, `localstorage://` or `downloads://` URL names. */
import { ValueError, describe } from '../errors.js';
import type { IOHandler } from './handlers.js';
import { modelName, type BrowserStores } from './browser-stores.js';
import { browserIndexedDB } from './indexed-db.js';
import { browserLocalStorage } from './local-storage.js';
import { browserDownloads } from './browser-downloads.js';

/** The handler for a browser-store URL, or null when `url` names none of them. */
export function browserHandler(url: string, mode: 'save' | 'load', stores?: BrowserStores): IOHandler | null {
  if (url.startsWith('indexeddb://')) return browserIndexedDB(modelName(url, 'indexeddb://'), stores);
  if (url.startsWith('localstorage://')) return browserLocalStorage(modelName(url, 'localstorage://'), stores);
  if (url.startsWith('downloads://')) {
    if (mode === 'load') throw new ValueError(`${describe(url)}: downloads:// can only save; load the downloaded files from an http(s):// or file:// URL of their .json`);
    return browserDownloads(url.slice('downloads://'.length), stores);
  }
  return null;
}
