// The README's browser and Deno examples are the files the browser and Deno suites run.
import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

it('README shows examples/web/minimal.html and examples/deno/train.mjs verbatim', () => {
  const readme = read('README.md');
  expect(readme).toContain('```html\n' + read('examples/web/minimal.html') + '```');
  expect(readme).toContain('```js\n' + read('examples/deno/train.mjs') + '```');
});

it('docs/api is the API reference generated from the current TSDoc (run npm run docs after changing the API)', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, readdirSync, rmSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join, relative } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'wasm-layers-docs-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: root });
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const generated = files(out).map((f) => relative(out, f)).sort();
    expect(files(join(root, 'docs/api')).map((f) => relative(join(root, 'docs/api'), f)).sort()).toEqual(generated);
    for (const f of generated) expect(read(`docs/api/${f}`), f).toBe(readFileSync(join(out, f), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
