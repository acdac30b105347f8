// RESULTS.md keeps a dated history: the newest run goes right under the preamble (the title and the
// hand-written targets section), older runs stay below.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TITLE = '# Benchmark results\n\nWritten by `npm run bench`, newest run first; see README.md for what is measured.\n\n';

export function prependRun(path, section) {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const dated = old.search(/\n## \d{4}-\d\d-\d\d /);
  const preamble = dated >= 0 ? old.slice(0, dated + 1) : old || TITLE;
  const history = dated >= 0 ? old.slice(dated + 1) : '';
  writeFileSync(path, `${preamble}${section.trimEnd()}\n\n${history}`);
}
