/**
 * Where saved models go and come from, as in tfjs's io: `file://` paths (Node), `http(s)://` URLs
 * (fetch: browsers, Deno, Node), in-memory handlers, and the browser stores (`indexeddb://`,
 * `localstorage://`, `downloads://`: io/browser-routes.ts).
 */
import { replaceFilesAtomically, type AtomicFs } from './atomic-files.js';
import { ValueError, describe } from '../errors.js';
import { parseModelJSON, type ModelArtifacts, type ModelJSON, type WeightSpec } from './artifacts.js';
import { modelArtifactsInfo, toModelJSON, type SaveResult } from './model-json.js';
import { browserHandler } from './browser-routes.js';
import type { BrowserStores } from './browser-stores.js';

export type { SaveResult };

/** A save and/or load implementation (tfjs's IOHandler). */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

const WEIGHTS_FILE = 'weights.bin';
const info = (a: ModelArtifacts): SaveResult => ({ modelArtifactsInfo: modelArtifactsInfo(a) });

function fromModelJSON(json: ModelJSON, weightData: ArrayBuffer): ModelArtifacts {
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights as WeightSpec[]),
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
  };
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0];
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/**
 * Artifacts held in memory: load returns them, save replaces them.
 * @example const handler = wl.io.fromMemory(); await model.save(handler); await wl.loadLayersModel(handler);
 */
export function fromMemory(artifacts?: { modelTopology: Record<string, unknown>; weightSpecs: WeightSpec[]; weightData: ArrayBuffer; trainingConfig?: Record<string, unknown> }): IOHandler & { artifacts: ModelArtifacts | null } {
  const handler = {
    artifacts: (artifacts as ModelArtifacts | undefined) ?? null,
    async save(a: ModelArtifacts) {
      handler.artifacts = a;
      return info(a);
    },
    async load() {
      if (!handler.artifacts) throw new ValueError('This in-memory handler holds no model yet');
      return handler.artifacts;
    },
  };
  return handler;
}

/** A handler that passes the artifacts to `fn` on save. */
export function withSaveHandler(fn: (artifacts: ModelArtifacts) => Promise<SaveResult> | SaveResult | Promise<void> | void): IOHandler {
  return { save: async (a) => (await fn(a)) ?? info(a) };
}

/**
 * `file://dir`: saves dir/weights.bin and dir/model.json as one change (a failure leaves the
 * previous model intact: io/atomic-files.ts); loads `file://dir/model.json` (Node).
 * @param fs the file-system calls (tests inject failures); node:fs/promises by default
 */
export function fileHandler(path: string, fs?: AtomicFs): IOHandler {
  return {
    async save(a) {
      const files = fs ?? ((await import('node:fs/promises')) as unknown as AtomicFs);
      // model.json last: it is the commit point that names the weights
      await replaceFilesAtomically(files, path, [
        { name: WEIGHTS_FILE, data: new Uint8Array(a.weightData) },
        { name: 'model.json', data: JSON.stringify(toModelJSON(a, WEIGHTS_FILE)) },
      ]);
      return info(a);
    },
    async load() {
      const { readFile, realpath } = await import('node:fs/promises');
      const { dirname, resolve, relative, isAbsolute } = await import('node:path');
      const json = parseModelJSON(await readFile(path, 'utf8'));
      const dir = await realpath(dirname(resolve(path)));
      const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map(async (p) => {
        // resolved through symlinks: a weights file that is a link out of the folder is refused too
        const file = await realpath(resolve(dir, p)).catch(() => resolve(dir, p));
        const rel = relative(dir, file);
        if (rel.startsWith('..') || isAbsolute(rel)) throw new ValueError(`model.json's weight path ${describe(p)} leaves the model's directory`);
        const bytes = await readFile(file);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      }));
      return fromModelJSON(json, concat(buffers));
    },
  };
}

/** `http(s)://…/model.json`: loads with fetch; saves by POSTing multipart form data (tfjs's layout). */
export function httpHandler(url: string, init: RequestInit = {}): IOHandler {
  return {
    async save(a) {
      const form = new FormData();
      form.append('model.json', new Blob([JSON.stringify(toModelJSON(a, 'model.weights.bin'))], { type: 'application/json' }), 'model.json');
      form.append('model.weights.bin', new Blob([a.weightData], { type: 'application/octet-stream' }), 'model.weights.bin');
      const response = await fetch(url, { method: 'POST', body: form, ...init });
      if (!response.ok) throw new Error(`Saving to ${url} failed: HTTP ${response.status}`);
      return info(a);
    },
    async load() {
      const response = await fetch(url, init);
      if (!response.ok) throw new Error(`Loading ${url} failed: HTTP ${response.status}`);
      const json = parseModelJSON(await response.text());
      const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map(async (p) => {
        const r = await fetch(new URL(p, url), init);
        if (!r.ok) throw new Error(`Loading the weights ${new URL(p, url).href} failed: HTTP ${r.status}`);
        return r.arrayBuffer();
      }));
      return fromModelJSON(json, concat(buffers));
    },
  };
}

/**
 * A handler for a URL string, or the handler / in-memory artifacts given.
 * @param stores the browser stores behind `indexeddb://` and `localstorage://` (the global ones by default)
 */
export function resolveHandler(target: unknown, mode: 'save' | 'load', stores?: BrowserStores): IOHandler {
  if (typeof target === 'string') {
    if (target.startsWith('file://')) return fileHandler(target.slice('file://'.length));
    if (/^https?:\/\//.test(target)) return httpHandler(target);
    const browser = browserHandler(target, mode, stores);
    if (browser) return browser;
    throw new ValueError(`Unsupported URL ${describe(target)}: expected file://… (Node), http(s)://…, indexeddb://…, localstorage://…, downloads://… (browsers) or an IO handler`);
  }
  if (target && typeof target === 'object') {
    const t = target as Partial<IOHandler & ModelArtifacts>;
    if (typeof t[mode] === 'function') return t as IOHandler;
    if (mode === 'load' && t.modelTopology && t.weightSpecs && t.weightData) return fromMemory(t as ModelArtifacts);
  }
  throw new ValueError(`Cannot ${mode} with ${describe(target)}: expected a URL string or a handler with a ${mode}() method`);
}
