// The README's browser and Deno examples are the files the browser and Deno suites run.
import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

it('README shows examples/web/minimal.html and examples/deno/train.mjs verbatim', () => {
  const readme = read('README.md');
  expect(readme).toContain('```html\n' + read('examples/web/minimal.html') + '```');
  expect(readme).toContain('```js\n' + read('examples/deno/train.mjs') + '```');
});
