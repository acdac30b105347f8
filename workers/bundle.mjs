// esbuild bundles of the runtime entry points, so they load from dist/ in Node (piscina), browsers and
// Deno (Web Workers), and under vitest (which cannot start a worker from a .ts file):
//   dist/workers/node-worker.js   piscina worker (Node)
//   dist/workers/web-worker.js    comlink worker (browsers, Deno)
//   dist/browser/wasm-layers.js   the library as one ESM file for browsers and Deno
// The kernels stay in build/*.wasm; the bundles find them (and the workers) relative to
// import.meta.url, two directories up, as the unbundled dist/ does.
// Usage: node workers/bundle.mjs  (run by `npm run build`)
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function bundle({ outdir, name, src, platform }) {
  return build({
    absWorkingDir: root,
    entryPoints: { [name]: src },
    outdir,
    bundle: true,
    // with splitting, lazily imported Node-only code (piscina, worker_threads) stays in chunks that a
    // browser or Deno never loads
    splitting: true,
    format: 'esm',
    platform,
    target: 'es2022',
    // Node-only modules are imported lazily, only when running in Node
    external: ['node:*', 'piscina'],
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** Empties `outdir`: chunk names are content hashes, so earlier builds' chunks would pile up there (and ship). */
function clean(outdir) {
  return rm(join(root, outdir), { recursive: true, force: true });
}

/** Bundles `entries` ({ out name: { src, platform } }) into `outdir`, emptied first. */
export async function bundleWorkers({ outdir = 'dist/workers', entries } = {}) {
  const all = entries ?? {
    'node-worker': { src: 'workers/node-worker.ts', platform: 'node' },
    'web-worker': { src: 'workers/web-worker.ts', platform: 'browser' },
  };
  await clean(outdir);
  // one build per entry, so each entry's chunks are its own
  for (const [name, { src, platform }] of Object.entries(all)) await bundle({ outdir, name, src, platform });
}

/** The library as one ESM file for browsers and Deno, into `outdir`, emptied first. */
export async function bundleBrowser({ outdir = 'dist/browser' } = {}) {
  await clean(outdir);
  await bundle({ outdir, name: 'wasm-layers', src: 'src/index.ts', platform: 'browser' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await Promise.all([bundleWorkers(), bundleBrowser()]);
}
