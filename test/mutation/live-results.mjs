// A Stryker reporter that appends each tested mutant to reports/mutation/live.jsonl as it finishes,
// so a long run can be read (and its survivors worked on) before it ends.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

const FILE = `reports/mutation/live-${process.env.STRYKER_REPORT ?? 'mutation'}.jsonl`;

class LiveResults {
  onDryRunCompleted() {
    mkdirSync('reports/mutation', { recursive: true });
    writeFileSync(FILE, '');
  }
  onMutantTested(m) {
    const { id, fileName, mutatorName, replacement, status, location, killedBy, coveredBy } = m;
    appendFileSync(FILE, `${JSON.stringify({ id, file: fileName.replace(/^.*?\/src\//, 'src/'), line: location.start.line, column: location.start.column, mutatorName, replacement, status, killedBy: killedBy?.[0], covering: coveredBy?.length })}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'live', LiveResults)];
