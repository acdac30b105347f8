// The Deno suite: the library's ESM bundle under Deno (Web Workers via comlink), running the shared
// parity cases, training the seed model1 on 2 workers, and the README's Deno example.
import { PARITY_CASES } from '../shared/parity-cases.js';
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { MIN_FLOPS_PER_SHARE } from '../../src/runtime/plan.js';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The seed model1's forward FLOPs per sample: the GRU(16) over 64 steps of 15 features, then Dense(8) per step. */
const SEED_MODEL1_FLOPS = 2 * 64 * (15 + 16) * 48 + 2 * 64 * 16 * 8;
const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));

async function denoRun(script: string): Promise<string> {
  const { stdout } = await promisify(execFile)(deno, ['run', '--allow-read', script], { cwd: root, timeout: 60_000 });
  return stdout;
}

describe('in Deno', () => {
  it("passes the shared parity cases, trains the seed model1 on 2 Web Workers with shared memory, and 'auto' shares steps with this thread", async () => {
    const report = JSON.parse((await denoRun('dist/test-deno/deno-entry.js')).trim().split('\n').at(-1)!);
    for (const r of report.results) expect(r.failure, r.name).toBeNull();
    expect(report.results).toHaveLength(PARITY_CASES.length);
    expect(report.training.error).toBeNull();
    expect(report.training.pool).toMatchObject({ size: 2, transport: 'comlink', sharedMemory: true });
    expect(report.training.losses).toHaveLength(2);
    expect(report.training.losses[1]).toBeLessThan(report.training.losses[0]);
    // 'auto' off a page: this thread takes a share of the training step (79 MFLOP) and workers the
    // rest; predict with a share here gives the in-process predictions
    const cores = availableParallelism();
    expect(report.auto.error).toBeNull();
    expect(report.auto.trainingPool).toBe(cores >= 2 ? Math.min(cores, Math.floor(3 * 128 * SEED_MODEL1_FLOPS / MIN_FLOPS_PER_SHARE)) - 1 : null);
    expect(report.auto.predictShape).toEqual([256, 64, 8]);
    expect(report.auto.predictDiff).toBe(0); // each sample's prediction is the same computation wherever it runs
  }, 90_000);

  it('loads a Keras 3 .keras file from its bytes and a Blob, predicting Keras\'s outputs within 2e-5', async () => {
    const out = JSON.parse((await denoRun('test/deno/keras-file.mjs')).trim().split('\n').at(-1)!);
    expect(out.diffs).toHaveLength(2);
    for (const d of out.diffs) expect(d).toBeLessThanOrEqual(2e-5);
  }, 90_000);

  it('runs the README example: the summary, two epochs, two workers', async () => {
    const out = await denoRun('examples/deno/train.mjs');
    expect(out).toContain('time_distributed_1 (TimeDist (None, 64, 8)             136       ');
    expect(out).toContain('Total params: 1,720');
    expect(out).toMatch(/loss per epoch: \d+\.\d{4}, \d+\.\d{4}/);
    expect(out).toContain('"size":2');
  }, 90_000);
});
