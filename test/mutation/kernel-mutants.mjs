// Hand mutants of the assembly/ kernels (npm run test:mutation:kernels; opt-in, not part of npm test).
// Each mutant is one textual change to an assembly/ file, applied in a scratch copy of the project
// (the working tree and its build/ are never touched): the simd target is built there, the node
// tests named for the mutant run against that build, and the mutant counts as killed when a test
// fails. Results go to reports/kernel-mutants.json and the console; docs/RELIABILITY.md records them.
//
// Usage: node test/mutation/kernel-mutants.mjs [--only id,id...] [--converge]
//   --converge: build exactly as the simd target does (binaryen re-optimizes until nothing changes);
//   by default the scratch config turns only that off (same -O3, ~4× faster, same semantics).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS } from './kernel-mutant-list.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1].split(',')) : null;
const converge = args.includes('--converge');
const selected = MUTANTS.filter((m) => !only || only.has(m.id));

/** A scratch copy of what a build and the node tests read; node_modules is linked, not copied. */
function scratchProject() {
  const dir = mkdtempSync(join(tmpdir(), 'kernel-mutants-'));
  for (const entry of ['assembly', 'src', 'test', 'workers', 'package.json', 'tsconfig.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'build'));
  cpSync(join(root, 'build/kernels-relaxed.wasm'), join(dir, 'build/kernels-relaxed.wasm'));
  const config = JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8'));
  config.targets = { simd: { ...config.targets.simd, converge } };
  writeFileSync(join(dir, 'asconfig.json'), JSON.stringify(config, null, 2));
  // one node project, no relaxed-SIMD project (the mutants are of the simd build)
  writeFileSync(join(dir, 'vitest.config.ts'), `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { globalSetup: ['test/setup/bundle-workers.ts'], testTimeout: 120_000, hookTimeout: 120_000, include: ['test/**/*.test.ts'] } });
`);
  return dir;
}

function build(dir) {
  const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
  const r = spawnSync(process.execPath, [asc, 'assembly/index.ts', '--target', 'simd'], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, log: `${r.stdout}${r.stderr}` };
}

function runTests(dir, tests) {
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const r = spawnSync(process.execPath, [vitest, 'run', '--bail', '1', ...tests], { cwd: dir, encoding: 'utf8', timeout: 15 * 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = `${r.stdout}${r.stderr}`;
  const failed = [...out.matchAll(/(?:FAIL|×)\s+(test\/\S+\.test\.ts)(?: > (.*))?/g)].map((m) => (m[2] ? `${m[1]} > ${m[2]}` : m[1]).replace(/ \d+ms$/, ''));
  return { passed: r.status === 0, timedOut: r.error?.code === 'ETIMEDOUT', failed: [...new Set(failed)].slice(0, 3), tail: out.slice(-2000) };
}

function apply(dir, m) {
  const path = join(dir, m.file);
  const original = readFileSync(path, 'utf8');
  let text = original;
  for (const [from, to] of m.edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`mutant ${m.id}: ${JSON.stringify(from)} occurs ${count} times in ${m.file}, expected once`);
    text = text.replace(from, () => to);
  }
  writeFileSync(path, text);
  return () => writeFileSync(path, original);
}

const results = [];
const started = Date.now();

/** Writes reports/kernel-mutants.json (after every mutant, so an interrupted run keeps its results). */
function report(done) {
  const valid = results.filter((r) => r.status !== 'compile error' && r.status !== 'equivalent');
  const killed = valid.filter((r) => r.status.startsWith('killed')).length;
  const summary = { done, killed, survived: valid.length - killed, equivalent: results.filter((r) => r.status === 'equivalent').length, invalid: results.filter((r) => r.status === 'compile error').length, score: valid.length ? killed / valid.length : 0, converge, minutes: (Date.now() - started) / 60_000 };
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports/kernel-mutants.json'), JSON.stringify({ summary, results }, null, 2));
  return summary;
}

const dir = scratchProject();
try {
  console.log(`scratch project: ${dir} (converge: ${converge})`);
  const base = build(dir);
  if (!base.ok) throw new Error(`the unmutated build failed:\n${base.log}`);
  const allTests = [...new Set(selected.flatMap((m) => m.tests))];
  const baseline = runTests(dir, allTests);
  if (!baseline.passed) throw new Error(`the unmutated tests fail in the scratch project:\n${baseline.tail}`);
  console.log(`baseline: ${allTests.length} test files pass on the unmutated build (${Math.round((Date.now() - started) / 1000)} s)`);
  for (const m of selected) {
    const t0 = Date.now();
    const restore = apply(dir, m);
    let status, detail;
    try {
      const b = build(dir);
      if (!b.ok) [status, detail] = ['compile error', b.log.split('\n').find((l) => /ERROR/.test(l)) ?? ''];
      else {
        const r = runTests(dir, m.tests);
        [status, detail] = r.timedOut ? ['killed (timeout)', ''] : !r.passed ? ['killed', r.failed.join('; ')] : m.equivalent ? ['equivalent', m.equivalent] : ['survived', ''];
      }
    } finally {
      restore();
    }
    const seconds = Math.round((Date.now() - t0) / 1000);
    results.push({ id: m.id, file: m.file, what: m.what, status, by: detail, seconds });
    console.log(`${status.padEnd(16)} ${m.id.padEnd(28)} ${seconds} s  ${detail}`);
    report(false);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const summary = report(true);
console.log(`\n${summary.killed} of ${summary.killed + summary.survived} non-equivalent kernel mutants killed (${(summary.score * 100).toFixed(1)}%), ${summary.equivalent} equivalent, ${summary.invalid} did not compile; ${summary.minutes.toFixed(1)} min`);
for (const r of results.filter((x) => x.status === 'survived')) console.log(`survived: ${r.id} (${r.file}): ${r.what}`);
