// file:// saves are one change: with a failure injected at every file-system call of a save (write,
// fsync, rename, …), the directory still holds the previous model, which loads and predicts exactly
// as before, and no temporary is left behind; the same save without a failure replaces it.
import { afterAll, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wl from '../../src/index.js';
import type { AtomicFs } from '../../src/io/atomic-files.js';
import { fileHandler } from '../../src/io/handlers.js';
import { expectIdentical } from '../helpers/compare.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** node:fs/promises, counting calls; the call numbered `failAt` throws (ENOSPC) instead. */
function failingFs(failAt: number): AtomicFs & { calls: string[] } {
  const calls: string[] = [];
  const step = <T>(name: string, run: () => Promise<T>): Promise<T> => {
    calls.push(name);
    if (calls.length === failAt) return Promise.reject(Object.assign(new Error(`ENOSPC: injected failure at ${name}`), { code: 'ENOSPC' }));
    return run();
  };
  return {
    calls,
    writeFile: (p, d) => step('writeFile', () => fsp.writeFile(p, d)),
    open: (p, flags) => step('open', async () => {
      const handle = await fsp.open(p, flags);
      return { sync: () => step('sync', () => handle.sync()), close: () => handle.close() };
    }),
    rename: (a, b) => step('rename', () => fsp.rename(a, b)),
    unlink: (p) => fsp.unlink(p),
    access: (p) => fsp.access(p),
    mkdir: (p, o) => step('mkdir', () => fsp.mkdir(p, o)),
  };
}

function model(seed: number): wl.LayersModel {
  wl.setSeed(seed);
  return wl.sequential({ layers: [wl.layers.gru({ units: 3, inputShape: [4, 2] }), wl.layers.dense({ units: 2, activation: 'softmax' })] });
}

const x = wl.randomUniform([2, 4, 2]);
const predictions = async (m: wl.LayersModel) => ((await m.predict(x, { workers: 0 })) as wl.Tensor).dataSync();

describe('atomic file:// saves', () => {
  it('a failure at any step of a save leaves the previous model intact, and no temporary behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-atomic-'));
    dirs.push(dir);
    const old = model(1);
    await old.save(`file://${dir}`);
    const expected = await predictions(old);
    const replacement = model(2);
    // how many calls a save makes, from one that does not fail
    const probe = failingFs(0);
    const probeDir = mkdtempSync(join(tmpdir(), 'wasm-layers-atomic-probe-'));
    dirs.push(probeDir);
    await fileHandler(probeDir, probe).save!(await captured(replacement));
    expect(probe.calls.length).toBeGreaterThanOrEqual(8);
    for (let failAt = 1; failAt <= probe.calls.length; failAt++) {
      const fs = failingFs(failAt);
      await expect(fileHandler(dir, fs).save!(await captured(replacement)), `failure at call ${failAt} (${fs.calls.at(-1)})`).rejects.toThrow('ENOSPC');
      expect(readdirSync(dir).sort(), `files after a failure at call ${failAt} (${fs.calls.at(-1)})`).toEqual(['model.json', 'weights.bin']);
      const loaded = await wl.loadLayersModel(`file://${join(dir, 'model.json')}`);
      expectIdentical(await predictions(loaded), expected, `predictions after a failure at call ${failAt} (${fs.calls.at(-1)})`);
    }
    await replacement.save(`file://${dir}`);
    expectIdentical(await predictions(await wl.loadLayersModel(`file://${join(dir, 'model.json')}`)), await predictions(replacement), 'after a save that succeeds');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });
});

/** The artifacts model.save would hand a handler. */
async function captured(m: wl.LayersModel) {
  const memory = wl.io.fromMemory();
  await m.save(memory);
  return memory.artifacts!;
}

describe('file:// loads stay in the model\'s folder', () => {
  it('a weights file that is a symlink to a file outside the folder is refused', async () => {
    const { symlinkSync, writeFileSync, copyFileSync } = await import('node:fs');
    const outside = mkdtempSync(join(tmpdir(), 'wasm-layers-outside-'));
    const dir = mkdtempSync(join(tmpdir(), 'wasm-layers-link-'));
    dirs.push(outside, dir);
    await model(3).save(`file://${dir}`);
    copyFileSync(join(dir, 'weights.bin'), join(outside, 'secret.bin'));
    rmSync(join(dir, 'weights.bin'));
    symlinkSync(join(outside, 'secret.bin'), join(dir, 'weights.bin'));
    writeFileSync(join(outside, 'unused'), '');
    await expect(wl.loadLayersModel(`file://${join(dir, 'model.json')}`)).rejects.toThrow('model.json\'s weight path "weights.bin" leaves the model\'s directory');
  });
});
