// RESULTS.md keeps a dated history: the newest run goes right under the title, older runs stay below.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TITLE = '# Benchmark results\n\nWritten by `npm run bench`, newest run first; see README.md for what is measured.\n\n';

export function prependRun(path, section) {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const at = old.indexOf('\n## ');
  const history = at >= 0 ? old.slice(at + 1) : '';
  writeFileSync(path, `${TITLE}${section.trimEnd()}\n\n${history}`);
}
