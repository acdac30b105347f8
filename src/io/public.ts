/** wl.io: handlers for saving and loading models (tfjs's tf.io spelling). */
export { fromMemory, withSaveHandler, fileHandler, httpHandler, type IOHandler, type SaveResult } from './handlers.js';
export type { AtomicFs } from './atomic-files.js';
export type { ModelArtifacts, ModelJSON, WeightSpec } from './artifacts.js';
