// The README's browser and Deno examples are the files the browser and Deno suites run; the API
// reference (docs/api/, not committed) builds from the TSDoc without a warning.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

it('README shows examples/web/minimal.html and examples/deno/train.mjs verbatim', () => {
  const readme = read('README.md');
  expect(readme).toContain('```html\n' + read('examples/web/minimal.html') + '```');
  expect(readme).toContain('```js\n' + read('examples/deno/train.mjs') + '```');
});

it('npm run docs builds the API reference from the TSDoc without warnings', () => {
  // typedoc.json's settings, written to a temporary folder, with every warning an error
  // (a TSDoc link that resolves nowhere, a public type that is not exported, a TypeScript error).
  const out = mkdtempSync(join(tmpdir(), 'wasm-layers-docs-'));
  try {
    const run = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--treatWarningsAsErrors'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const log = `${run.stdout}${run.stderr}`;
    expect({ status: run.status, warnings: log.split('\n').filter((l) => /\[(warning|error)\]/.test(l)) }, log).toEqual({ status: 0, warnings: [] });
    expect(existsSync(join(out, 'README.md')), 'the reference\'s index page').toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
