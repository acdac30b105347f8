/**
 * Where a Keras file comes from: a `file://…/m.keras` or `.h5` path (Node), an `http(s)://` URL
 * ending in `.keras` / `.h5` (fetch: browsers, Deno, Node), or the bytes themselves (ArrayBuffer,
 * a typed array, a Blob or File).
 */
import { ValueError } from '../../errors.js';

/** A path or URL naming a Keras file: `.keras`, or `.h5` / `.hdf5` (a query or fragment aside). */
export const KERAS_FILE = /\.(keras|h5|hdf5)$/i;

/** Whether `target` is a URL string naming a Keras file. */
export function isKerasFileUrl(target: unknown): target is string {
  return typeof target === 'string' && KERAS_FILE.test(target.replace(/[?#].*$/, ''));
}

/** The bytes of a Keras file source with a name for messages, or null when `source` is not one. */
export async function kerasFileBytes(source: unknown): Promise<{ bytes: Uint8Array; what: string } | null> {
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), what: 'The model file' };
  if (ArrayBuffer.isView(source)) return { bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength), what: 'The model file' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { bytes: new Uint8Array(await source.arrayBuffer()), what: `The model file${'name' in source && source.name ? ` ${source.name}` : ''}` };
  }
  if (!isKerasFileUrl(source)) return null;
  if (source.startsWith('file://')) {
    const { readFile } = await import('node:fs/promises');
    const path = source.slice('file://'.length);
    const data = await readFile(path);
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), what: path };
  }
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`Loading ${source} failed: HTTP ${response.status}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), what: source };
  }
  throw new ValueError(`Unsupported URL ${JSON.stringify(source)}: expected file://… (Node) or http(s)://…`);
}
