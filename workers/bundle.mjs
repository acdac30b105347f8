// Bundles the worker entry points with esbuild so they load from dist/ in Node (piscina), browsers and
// Deno (Web Workers), and under vitest (which cannot start a worker from a .ts file).
// Usage: node workers/bundle.mjs  (run by `npm run build`)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `entries` ({ out name: source path relative to the repo }) into `outdir`. */
export async function bundleWorkers({ outdir = 'dist/workers', entries } = {}) {
  const all = entries ?? {
    'node-worker': { src: 'workers/node-worker.ts', platform: 'node' },
    'web-worker': { src: 'workers/web-worker.ts', platform: 'browser' },
  };
  await Promise.all(Object.entries(all).map(([name, { src, platform }]) => build({
    absWorkingDir: root,
    entryPoints: { [name]: src },
    outdir,
    bundle: true,
    format: 'esm',
    platform,
    target: 'es2022',
    // the kernel loader imports node:fs only when it runs in Node
    external: ['node:*'],
    sourcemap: true,
    logLevel: 'warning',
  })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleWorkers();
