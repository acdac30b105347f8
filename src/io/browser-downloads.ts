/**
 * `downloads://NAME`: the browser downloads NAME.json and NAME.weights.bin, as tfjs's
 * `tf.io.browserDownloads` does (model.json's manifest names `./NAME.weights.bin`). Two separate
 * downloads are no transaction: the browser may block or the user cancel either one, and the page
 * cannot tell; nothing is replaced in place, so no previous model is lost.
 */
import { ValueError, describe } from '../errors.js';
import type { ModelArtifacts } from './artifacts.js';
import type { IOHandler } from './handlers.js';
import { modelArtifactsInfo, toModelJSON, type SaveResult } from './model-json.js';
import { storeFor, type BrowserStores } from './browser-stores.js';

const SCHEME = 'downloads://';
/** How long a download's object URL stays valid: the browser reads the blob after the click returns. */
const REVOKE_AFTER_MS = 40_000;

/** Clicks a download link for `blob` named `fileName`, after a turn of the event loop as tfjs does. */
export async function download(doc: Document, fileName: string, blob: Blob): Promise<void> {
  const url = URL.createObjectURL(blob);
  const anchor = doc.createElement('a');
  anchor.download = fileName;
  anchor.href = url;
  await new Promise((resolve) => setTimeout(resolve));
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/**
 * A handler whose save downloads `<prefix>.json` and `<prefix>.weights.bin` (tfjs's
 * `tf.io.browserDownloads`; `model.save('downloads://NAME')` makes one). Load the two files again
 * from an http(s):// or file:// URL of the .json.
 * @param fileNamePrefix the files' name without extension (a `downloads://` prefix is dropped; empty: `model`)
 * @param stores a Document to use instead of the global `document` (tests)
 * @throws ValueError outside a browser page (Node, web workers: use `file://`)
 * @example await model.save('downloads://my-model'); // my-model.json, my-model.weights.bin
 */
/**
 * Downloads one file (a `.keras` file: `model.save('downloads://NAME.keras')`).
 * @throws ValueError outside a browser page
 */
export async function downloadFile(url: string, bytes: Uint8Array, stores?: BrowserStores): Promise<void> {
  const doc = storeFor(SCHEME, 'document', stores);
  const name = url.startsWith(SCHEME) ? url.slice(SCHEME.length) : url;
  if (!name || name.includes('/')) throw new ValueError(`save: ${describe(url)}: a download is named by a file name without folders, e.g. downloads://my-model.keras`);
  await download(doc, name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
}

export function browserDownloads(fileNamePrefix = 'model', stores?: BrowserStores): IOHandler {
  if (typeof fileNamePrefix !== 'string') throw new ValueError(`browserDownloads: expected the files' name prefix as a string, got ${describe(fileNamePrefix)}`);
  const doc = storeFor(SCHEME, 'document', stores);
  const prefix = (fileNamePrefix.startsWith(SCHEME) ? fileNamePrefix.slice(SCHEME.length) : fileNamePrefix) || 'model';
  const weightsFile = `${prefix}.weights.bin`;
  return {
    async save(artifacts: ModelArtifacts): Promise<SaveResult> {
      const json = JSON.stringify(toModelJSON(artifacts, `./${weightsFile}`));
      await download(doc, `${prefix}.json`, new Blob([json], { type: 'application/json' }));
      await download(doc, weightsFile, new Blob([artifacts.weightData], { type: 'application/octet-stream' }));
      return { modelArtifactsInfo: modelArtifactsInfo(artifacts) };
    },
  };
}
