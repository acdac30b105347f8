// Serves the repository root for the demo page and the browser tests, with the COOP/COEP headers
// that make a page cross-origin isolated (SharedArrayBuffer between the page and its workers).
// Usage: node examples/web/serve.mjs [--port 8080] [--no-isolation]
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the server; resolves to { url, close() }. port 0 picks a free one. */
export function serve({ port = 8080, isolation = true } = {}) {
  const files = sirv(root, {
    dev: true,
    setHeaders(res, path) {
      if (isolation) {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      if (path.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
    },
  });
  const server = createServer((req, res) => files(req, res, () => {
    res.statusCode = 404;
    res.end('not found');
  }));
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({ url: `http://127.0.0.1:${actual}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-isolation': { type: 'boolean', default: false } } });
  const { url } = await serve({ port: Number(values.port), isolation: !values['no-isolation'] });
  console.log(`Demo: ${url}/examples/web/  (${values['no-isolation'] ? 'not ' : ''}cross-origin isolated; Ctrl-C to stop)`);
}
