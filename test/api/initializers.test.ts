import { describe, it, expect } from 'vitest';
import * as wl from '../../src/index.js';

describe('initializers (Keras 3 semantics)', () => {
  const sd = (v: Float32Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
  const absMax = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

  it('heNormal and leCunNormal are truncated at 2σ with σ = sqrt(2 / fan_in) and sqrt(1 / fan_in)', () => {
    for (const [init, scale] of [[wl.initializers.heNormal({ seed: 2 }), 2], [wl.initializers.leCunNormal({ seed: 2 }), 1]] as const) {
      const v = init.generate([200, 100]);
      const sigma = Math.sqrt(scale / 200);
      expect(absMax(v)).toBeLessThanOrEqual((2 * sigma * (1 + 1e-6)) / 0.87962566103423978);
      expect(Math.abs(sd(v) - sigma)).toBeLessThan(0.03 * sigma);
    }
  });

  it('leCunUniform draws from U(−l, l), l = sqrt(3 / fan_in); truncatedNormal from N(0, 0.05²) cut at 2σ; identity', () => {
    const u = wl.initializers.leCunUniform({ seed: 3 }).generate([50, 40]);
    expect(absMax(u)).toBeLessThanOrEqual(Math.sqrt(3 / 50));
    expect(absMax(u)).toBeGreaterThan(0.95 * Math.sqrt(3 / 50));
    const t = wl.initializers.truncatedNormal({ seed: 4 }).generate([100, 100]);
    expect(absMax(t)).toBeLessThanOrEqual(0.1 + 1e-7);
    expect(Math.abs(sd(t) - 0.05 * 0.87962566103423978)).toBeLessThan(0.002);
    expect(Array.from(wl.initializers.identity({ gain: 2 }).generate([2, 3]))).toEqual([2, 0, 0, 0, 2, 0]);
  });

  it('the new initializers round-trip through a layer config by their Keras names', async () => {
    const names = { heNormal: 'HeNormal', leCunNormal: 'LecunNormal', leCunUniform: 'LecunUniform', truncatedNormal: 'TruncatedNormal', identity: 'Identity' };
    for (const [tfjsName, kerasName] of Object.entries(names)) {
      const layer = wl.layers.dense({ units: 3, kernelInitializer: tfjsName, inputShape: [3] });
      const config = layer.getConfig() as { kernel_initializer: { class_name: string } };
      expect(config.kernel_initializer.class_name).toBe(kerasName);
      const model = wl.sequential({ layers: [layer] });
      const handler = wl.io.fromMemory();
      await model.save(handler);
      const loaded = await wl.loadLayersModel(handler);
      expect((loaded.layers[0].getConfig() as { kernel_initializer: { class_name: string } }).kernel_initializer.class_name).toBe(kerasName);
    }
  });

  it('glorotUniform draws from U(−l, l), l = sqrt(6 / (fan_in + fan_out))', () => {
    const v = wl.initializers.glorotUniform({ seed: 1 }).generate([15, 48]);
    const l = Math.sqrt(6 / (15 + 48));
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(l);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.95 * l);
  });

  it('glorotNormal is truncated at 2σ with Keras\'s σ', () => {
    const v = wl.initializers.glorotNormal({ seed: 1 }).generate([100, 100]);
    const sigma = Math.sqrt(2 / 200) / 0.87962566103423978;
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
    const sd = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    expect(Math.abs(sd - Math.sqrt(2 / 200))).toBeLessThan(0.005);
  });

  for (const [rows, cols] of [[16, 48], [48, 16], [7, 7], [256, 768]]) {
    it(`orthogonal (${rows}, ${cols}) has orthonormal ${rows <= cols ? 'rows' : 'columns'}`, () => {
      const q = wl.initializers.orthogonal({ seed: 3 }).generate([rows, cols]);
      const n = Math.min(rows, cols);
      let worst = 0;
      for (let a = 0; a < n; a++) {
        for (let b = a; b < n; b++) {
          let dot = 0;
          for (let k = 0; k < Math.max(rows, cols); k++) {
            dot += rows <= cols ? q[a * cols + k] * q[b * cols + k] : q[k * cols + a] * q[k * cols + b];
          }
          worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('a seeded initializer repeats itself; an unseeded one follows wl.setSeed', () => {
    const seeded = wl.initializers.orthogonal({ seed: 4 });
    expect(seeded.generate([4, 12])).toEqual(seeded.generate([4, 12]));
    wl.setSeed(10);
    const a = wl.initializers.glorotUniform().generate([3, 3]);
    const b = wl.initializers.glorotUniform().generate([3, 3]);
    wl.setSeed(10);
    expect(wl.initializers.glorotUniform().generate([3, 3])).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('names resolve in tfjs and Keras spellings, and {className, config} objects', () => {
    for (const name of ['glorotUniform', 'glorot_uniform', 'GlorotUniform']) {
      expect(wl.layers.dense({ units: 2, kernelInitializer: name }).getConfig().kernel_initializer).toMatchObject({ class_name: 'GlorotUniform' });
    }
    const d = wl.layers.dense({ units: 2, kernelInitializer: { className: 'Constant', config: { value: 0.5 } }, inputShape: [3] });
    const m = wl.sequential({ layers: [d] });
    expect(Array.from(m.getWeights()[0].dataSync())).toEqual(new Array(6).fill(0.5));
  });

  it('the GRU defaults: glorot-uniform kernel, orthogonal recurrent kernel, zero bias', () => {
    wl.setSeed(1);
    const m = wl.sequential({ layers: [wl.layers.gru({ units: 16, inputShape: [64, 15] })] });
    const [kernel, recurrent, bias] = m.getWeights();
    expect(kernel.shape).toEqual([15, 48]);
    expect(recurrent.shape).toEqual([16, 48]);
    expect(bias.shape).toEqual([2, 48]);
    expect(bias.dataSync().every((v) => v === 0)).toBe(true);
    const r = recurrent.dataSync();
    let dot = 0;
    for (let k = 0; k < 48; k++) dot += r[k] * r[k];
    expect(dot).toBeCloseTo(1, 5);
  });
});
