// Untrusted model files: every malformed or hostile model.json / weight buffer is refused with a
// ValueError naming what is wrong — no crash, no hang, no prototype pollution, no allocation beyond
// what the file declares — checked case by case and by fuzzing (fast-check, fixed seed).
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import * as wl from '../../src/index.js';
import type { ModelArtifacts } from '../../src/io/artifacts.js';

let good: ModelArtifacts;

beforeAll(async () => {
  wl.clearSession();
  wl.setSeed(1);
  const m = wl.sequential({
    layers: [
      wl.layers.gru({ units: 3, returnSequences: true, inputShape: [4, 2], resetAfter: false }),
      wl.layers.timeDistributed({ layer: wl.layers.dense({ units: 2 }) }),
      wl.layers.activation({ activation: 'softmax' }),
    ],
  });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'rmsprop' });
  // one step, so the file holds the optimizer's slots
  await m.fit(wl.randomUniform([2, 4, 2]), wl.oneHot(wl.tensor([[0, 1, 0, 1], [1, 0, 1, 0]], [2, 4], 'int32'), 2), { epochs: 1, verbose: 0, workers: 0 });
  const handler = wl.io.fromMemory();
  await m.save(handler, { includeOptimizer: true });
  good = handler.artifacts!;
});

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/** The index (in floats) of the first value of the first float32 optimizer slot in the weight data. */
const firstOptimizerFloat = () => {
  let offset = 0;
  for (const spec of good.weightSpecs) {
    if (spec.group === 'optimizer' && spec.dtype === 'float32') return offset;
    offset += spec.shape.reduce((a, b) => a * b, 1);
  }
  throw new Error('the file has no float32 optimizer slot');
};
/** The index (in 4-byte values) of the optimizer's step count in the weight data. */
const iterIndex = () => {
  let offset = 0;
  for (const spec of good.weightSpecs) {
    if (spec.name === 'iter') return offset;
    offset += spec.shape.reduce((a, b) => a * b, 1);
  }
  throw new Error('the file has no iter');
};
/** A copy of a weight buffer with int32 `index` set to `value`. */
const withInt = (data: ArrayBuffer, index: number, value: number) => {
  const copy = data.slice(0);
  new Int32Array(copy)[index] = value;
  return copy;
};
/** A copy of a weight buffer with float `index` set to `value`. */
const withValue = (data: ArrayBuffer, index: number, value: number) => {
  const copy = data.slice(0);
  new Float32Array(copy)[index] = value;
  return copy;
};
const load = (a: Partial<ModelArtifacts>) => wl.loadLayersModel({ ...good, ...a } as ModelArtifacts);
const layersOf = (topology: Record<string, unknown>) => (topology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;

describe('hostile model files, case by case', () => {
  it('loads the unmodified file (the baseline)', async () => {
    const m = await load({});
    expect(m.countParams()).toBe(3 * (2 * 3 + 3 * 3 + 3) + 3 * 2 + 2);
  });

  const cases: [string, () => Partial<ModelArtifacts>, string | RegExp][] = [
    ['truncated weights', () => ({ weightData: good.weightData.slice(0, good.weightData.byteLength - 8) }), /but the weight data has \d+ bytes/],
    ['oversized weights', () => ({ weightData: new ArrayBuffer(good.weightData.byteLength + 64) }), /The weight data has \d+ bytes, but the manifest describes \d+/],
    ['a shape that disagrees with the model', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [9, 2] } : s)) }), "Saved weight gru_1/kernel has shape [9, 2], but the model's gru_1/kernel has shape [2, 9]"],
    ['a negative dimension', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [-2, 9] } : s)) }), 'the shape must be up to 8 non-negative integers, got [-2, 9]'],
    ['a fractional dimension', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [2.5, 9] } : s)) }), 'got [2.5, 9]'],
    ['an astronomically large shape', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 0 ? { ...s, shape: [1e9, 1e9] } : s)) }), /needs \d+ bytes at offset 0, but the weight data has \d+ bytes/],
    ['a wrong dtype', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 1 ? { ...s, dtype: 'float16' } : s)) }) as never, 'dtype "float16" is not supported'],
    ['an unknown layer class', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[2].class_name = 'Lambda';
      return { modelTopology: t };
    }, 'Unknown layer class: "Lambda". Expected one of: InputLayer, Dense, GRU, LSTM, SimpleRNN, Activation, TimeDistributed'],
    ['a __proto__ key in a layer config', () => {
      const t = JSON.parse(JSON.stringify(good.modelTopology).replace('"units":3', '"units":3,"__proto__":{"polluted":true}'));
      return { modelTopology: t };
    }, 'GRU config: __proto__={"polluted":true} is not supported'],
    ['a constructor class name', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[1].class_name = 'constructor';
      return { modelTopology: t };
    }, 'Unknown layer class: "constructor"'],
    ['a __proto__ initializer', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[1].config.kernel_initializer = { class_name: '__proto__', config: {} };
      return { modelTopology: t };
    }, 'Unknown initializer: "__proto__"'],
    ['deeply nested TimeDistributed wrappers', () => {
      const t = clone(good.modelTopology);
      let layer: Record<string, unknown> = { class_name: 'Dense', config: { units: 2 } };
      for (let i = 0; i < 10_000; i++) layer = { class_name: 'TimeDistributed', config: { layer } };
      layersOf(t)[2] = layer as never;
      return { modelTopology: t };
    }, 'The model config nests objects and arrays more than 100 deep'],
    ['TimeDistributed nested 20 deep (within the JSON bound, past the layer bound)', () => {
      const t = clone(good.modelTopology);
      let layer: Record<string, unknown> = { class_name: 'Dense', config: { units: 2 } };
      for (let i = 0; i < 20; i++) layer = { class_name: 'TimeDistributed', config: { layer } };
      layersOf(t)[2] = layer as never;
      return { modelTopology: t };
    }, /[Ll]ayer configs are nested more than 16 deep/],
    ['an argument nested 100,000 deep (no stack overflow)', () => {
      const t = clone(good.modelTopology);
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      layersOf(t)[1].config.units = deep as never;
      return { modelTopology: t };
    }, 'The model config nests objects and arrays more than 100 deep'],
    ['a topology that is not an object', () => ({ modelTopology: 42 as never }), /A model config must be \{class_name, config\}/],
    ['layers that are not an array', () => ({ modelTopology: { class_name: 'Sequential', config: { layers: 'gru' } } }), 'The model config has no layers array, got "gru"'],
    ['a non-array manifest', () => ({ weightSpecs: { name: 'x' } as never }), 'The weights manifest must be an array'],
    ['a duplicated weight name', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 1 ? { ...s, name: good.weightSpecs[0].name } : s)) }), /names "gru_1\/kernel" twice/],
    ['a NaN weight value', () => ({ weightData: withValue(good.weightData, 4, Number.NaN) }), 'Saved weight "gru_1/kernel" holds NaN at [0, 4]; weights must be finite (load with {allowNonFiniteWeights: true} to accept them)'],
    ['an infinite optimizer slot', () => ({ weightData: withValue(good.weightData, firstOptimizerFloat(), Number.POSITIVE_INFINITY) }), /Saved weight ".+" holds Infinity at \[0(, 0)*\]; weights must be finite/],
    ['an optimizer slot of another shape (same size)', () => ({ weightSpecs: good.weightSpecs.map((s) => (s.group === 'optimizer' && s.name === 'gru_1/kernel/rms' ? { ...s, shape: [9, 2] } : s)) }), 'Optimizer state gru_1/kernel/rms has shape [9, 2], but gru_1/kernel has shape [2, 9]'],
    ['an optimizer slot stored as int32', () => ({ weightSpecs: good.weightSpecs.map((s) => (s.group === 'optimizer' && s.name === 'gru_1/kernel/rms' ? { ...s, dtype: 'int32' } : s)) }), 'Optimizer state gru_1/kernel/rms must be float32 values, got Int32Array'],
    ['a negative step count', () => ({ weightData: withInt(good.weightData, iterIndex(), -5) }), 'Optimizer state iter must be one non-negative integer (the step count), got 1 value(s) starting -5'],
    ['X and X:0 for one weight', () => ({ weightSpecs: good.weightSpecs.map((s, i) => (i === 1 ? { ...s, name: `${good.weightSpecs[0].name}:0` } : s)) }), 'The weights manifest names both "gru_1/kernel" and "gru_1/kernel:0", which are the same weight'],
    ['a 1 MB layer name: the message quotes 200 characters of it', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[1].class_name = 'x'.repeat(1 << 20);
      return { modelTopology: t };
    }, /^Unknown layer class: "x{200}"… \(1048576 characters\)\. Expected one of/],
    ['units of 1e5: more weights than the file holds', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[1].config.units = 1e5;
      return { modelTopology: t };
    }, /The model config declares a weight of shape \[2, 300000\] \(600000 values\), more than the \d+ values the weight data has left/],
    ['units of 1e12: more than the engine could ever hold', () => {
      const t = clone(good.modelTopology);
      layersOf(t)[1].config.units = 1e12;
      return { modelTopology: t };
    }, /Weight gru_1\/kernel of shape \[2, 3000000000000\] needs [\d.]+ GiB, more than the engine's limit of 4\.0 GiB/],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, async () => {
      const error = await load(mutate()).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(wl.ValueError);
      expect((error as Error).message).toMatch(typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe('non-finite weights on request', () => {
  it('{allowNonFiniteWeights: true} loads them as they are', async () => {
    const m = await wl.loadLayersModel({ ...good, weightData: withValue(good.weightData, 4, Number.NaN) } as ModelArtifacts, { allowNonFiniteWeights: true });
    expect(m.getWeights()[0].dataSync()[4]).toBeNaN();
  });
});

describe('fuzzing model.json and the weight buffer (fast-check, fixed seed)', () => {
  /** Every path to a value in a JSON tree. */
  function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    out.push(prefix);
    if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) paths(child, [...prefix, Array.isArray(v) ? Number(k) : k], out);
    return out;
  }
  const hostile = fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 31, '', '__proto__', 'constructor', 'NaN', [], {}, [[[]]], { __proto__: { x: 1 } }),
    fc.integer({ min: -5, max: 100 }),
    fc.string({ maxLength: 8 }),
    fc.jsonValue({ maxDepth: 3 }),
  );

  it('1,000 mutated files: each loads (and predicts) or is refused with a ValueError; nothing hangs', async () => {
    const topologyPaths = paths(good.modelTopology).filter((p) => p.length > 0);
    const outcomes = { loaded: 0, refused: 0 };
    const specPaths = paths(good.weightSpecs).filter((p) => p.length > 0);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(topologyPaths.length - 1), fc.nat(specPaths.length - 1), hostile, fc.integer({ min: 0, max: 3 }), fc.integer({ min: -64, max: 64 }),
        async (ti, si, value, what, cut) => {
          const topology = clone(good.modelTopology);
          const specs = clone(good.weightSpecs);
          let data = good.weightData;
          const set = (root: unknown, path: (string | number)[]) => {
            let node = root as Record<string | number, unknown>;
            for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
            node[path.at(-1)!] = clone(value);
          };
          if (what === 0) set(topology, topologyPaths[ti]);
          else if (what === 1) set(specs, specPaths[si]);
          else if (what === 2) data = cut < 0 ? data.slice(0, Math.max(0, data.byteLength + cut * 4)) : (() => { const d = new Uint8Array(data.byteLength + cut * 4); d.set(new Uint8Array(data)); return d.buffer; })();
          else {
            set(topology, topologyPaths[ti]);
            set(specs, specPaths[si]);
          }
          const result = await wl.loadLayersModel({ modelTopology: topology, weightSpecs: specs, weightData: data, trainingConfig: good.trainingConfig } as ModelArtifacts)
            .then(async (m) => {
              const inputShape = m.inputs[0].shape.map((d) => d ?? 2);
              inputShape[0] = 2;
              try {
                m.predict(wl.zeros(inputShape as number[]));
              } catch (e) {
                if (!(e instanceof wl.ValueError)) throw e;
              }
              return null;
            }, (e: unknown) => e);
          if (result !== null && !(result instanceof wl.ValueError)) throw new Error(`not a ValueError: ${(result as Error)?.stack ?? String(result)}`);
          outcomes[result === null ? 'loaded' : 'refused']++;
          if (({} as Record<string, unknown>).x !== undefined || ({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
        },
      ),
      { numRuns: 1000, seed: 20261127, interruptAfterTimeLimit: 120_000 },
    );
    // the mutations reach both outcomes: harmless ones load, hostile ones are refused (48 of these
    // load since layer configs check `trainable`'s type and refuse InputLayer keys by name)
    expect(outcomes.loaded + outcomes.refused).toBe(1000);
    expect(outcomes.loaded).toBeGreaterThan(40);
    expect(outcomes.refused).toBeGreaterThan(200);
  }, 180_000);
});
