/** wl.io: handlers for saving and loading models (tfjs's tf.io spelling). */
export { fromMemory, withSaveHandler, fileHandler, httpHandler, type IOHandler, type SaveResult } from './handlers.js';
export type { AtomicFs } from './atomic-files.js';
export type { ModelArtifacts, ModelJSON, WeightSpec } from './artifacts.js';
export { browserIndexedDB } from './indexed-db.js';
export { browserLocalStorage } from './local-storage.js';
export { browserDownloads } from './browser-downloads.js';
export { listModels, removeModel, copyModel, moveModel } from './model-management.js';
export type { BrowserStores } from './browser-stores.js';
export type { ModelArtifactsInfo } from './model-json.js';
