// A layer defined here, in this file alone — nothing else in the repository names it — trains
// (gradients checked against a float64 reference), keeps a moving statistic through the state-update
// path, saves and loads through the registry, and is refused on the pool's workers by name.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { matmul, matmulTransposeB } from '../../src/ops/matmul.js';
import { columnSums } from '../../src/ops/elementwise.js';
import { numericGradient } from '../reference/finite-difference.js';
import { expectClose, expectIdentical } from '../helpers/compare.js';

interface ProjectionArgs extends wl.LayerArgs {
  /** Output size. */
  units: number;
  /** Default glorotUniform. */
  kernelInitializer?: wl.InitializerIdentifier;
}

const SCHEMA = wl.layerSchema<ProjectionArgs>()('Projection', {
  units: wl.arg.positiveInt(),
  kernelInitializer: wl.arg.initializer('glorotUniform'),
});

/** y = x·W (no bias) over the last axis, and a moving mean of its input's columns (momentum 0.9). */
class Projection extends wl.Layer<wl.DeviceTensor> {
  static readonly className = 'Projection';
  static readonly schema = SCHEMA;
  declare protected readonly options: wl.ArgsOf<typeof SCHEMA>;
  kernel: wl.LayerVariable | null = null;
  movingMean: wl.LayerVariable | null = null;

  constructor(args: ProjectionArgs) {
    super(args);
  }

  protected override build([shape]: wl.Shape[]): void {
    const inputDim = shape[shape.length - 1]!;
    this.kernel = this.addWeight('kernel', [inputDim, this.options.units], this.options.kernelInitializer);
    this.movingMean = this.addWeight('moving_mean', [inputDim], wl.initializers.zeros(), false);
  }

  computeOutputShapes([shape]: wl.Shape[]): wl.Shape[] {
    return [[...shape.slice(0, -1), this.options.units]];
  }

  override get stateVariables(): wl.LayerVariable[] {
    return [this.movingMean!];
  }

  override applyStateUpdate(engine: wl.Device, variable: wl.LayerVariable, sumPtr: number, rows: number): void {
    const sums = engine.read(sumPtr, variable.size);
    const old = variable.read();
    variable.write(old.map((m, i) => 0.9 * m + 0.1 * (sums[i] / rows)));
  }

  forward([x]: wl.DeviceTensor[], ctx: wl.ForwardContext): wl.ForwardResult<wl.DeviceTensor> {
    const k = x.shape[x.shape.length - 1], rows = x.size / k, n = this.options.units;
    const y = ctx.scratch.alloc([...x.shape.slice(0, -1), n]);
    matmul(ctx.engine, { m: rows, n, k, a: x.ptr, b: ctx.engine.place(this.kernel!), c: y.ptr });
    const sum = ctx.stateSums?.get(this.movingMean!);
    if (sum != null) columnSums(ctx.engine, rows, k, x.ptr, k, sum);
    return { outputs: [y], cache: x };
  }

  backward([dy]: (wl.DeviceTensor | null)[], x: wl.DeviceTensor, ctx: wl.BackwardContext): (wl.DeviceTensor | null)[] {
    if (!dy) return [null];
    const k = x.shape[x.shape.length - 1], rows = x.size / k, n = this.options.units;
    const grad = ctx.gradients.get(this.kernel!);
    if (grad != null) matmul(ctx.engine, { m: k, n, k: rows, a: x.ptr, transposeA: true, b: dy.ptr, c: grad, accumulate: true });
    if (!ctx.needInputGradients[0]) return [null];
    const dx = ctx.scratch.alloc(x.shape);
    matmulTransposeB(ctx.engine, ctx.scratch, { m: rows, n: k, k: n, a: dy.ptr, b: ctx.engine.place(this.kernel!), c: dx.ptr });
    return [dx];
  }
}

wl.serialization.registerClass(Projection);

const B = 6, F = 3;

function build() {
  wl.setSeed(2);
  return wl.sequential({ layers: [new Projection({ units: 4, inputShape: [F] }), wl.layers.dense({ units: 2, activation: 'tanh' })] });
}

describe('a layer defined in one test file', () => {
  afterAll(() => wl.shutdown());

  it('has a config, a summary row and its parameter count', () => {
    const model = build();
    expect(model.layers[0].getConfig()).toMatchObject({ units: 4, kernel_initializer: { class_name: 'GlorotUniform' } });
    expect(model.layers[0].countParams()).toBe(F * 4 + F);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    expect(lines.find((l) => l.startsWith('projection'))).toMatch(/\(Projection\)\s+\(None, 4\)\s+15/);
    expect(lines).toContain('Non-trainable params: 3');
  });

  it('trains: its gradient is the float64 one, and its moving mean follows the batches', async () => {
    const model = build();
    model.compile({ loss: 'mse', optimizer: wl.optimizers.sgd({ learningRate: 1 }) });
    wl.setSeed(4);
    const x = wl.randomUniform([B, F], -1, 1), y = wl.randomUniform([B, 2], -1, 1);
    const [W, V, c] = [0, 1, 2].map((i) => Float64Array.from(model.getWeights()[[0, 2, 3][i]].dataSync()));
    const xs = x.dataSync(), ys = y.dataSync();
    const loss = () => {
      let total = 0;
      for (let r = 0; r < B; r++) {
        for (let j = 0; j < 2; j++) {
          let s = c[j];
          for (let h = 0; h < 4; h++) {
            let p = 0;
            for (let f = 0; f < F; f++) p += xs[r * F + f] * W[f * 4 + h];
            s += p * V[h * 2 + j];
          }
          total += (Math.tanh(s) - ys[r * 2 + j]) ** 2;
        }
      }
      return total / (B * 2);
    };
    const expected = numericGradient(loss, W);
    await model.fit(x, y, { batchSize: B, epochs: 1, shuffle: false, verbose: 0, workers: 0 });
    const after = model.getWeights();
    expectClose(Array.from(after[0].dataSync(), (v, i) => W[i] - v), expected, { tol: 1e-4, scale: 0.05, label: 'kernel gradient' });
    // moving mean: 0.9·0 + 0.1·(column means of x)
    const means = Array.from({ length: F }, (_, f) => 0.1 * Array.from({ length: B }, (_, r) => xs[r * F + f]).reduce((a, b) => a + b, 0) / B);
    expectClose(after[1].dataSync(), means, { tol: 1e-6, scale: 0.1, label: 'moving mean' });
    await model.dispose();
  });

  it('saves and loads through the registry, weights and state included', async () => {
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'adam' });
    wl.setSeed(6);
    await model.fit(wl.randomUniform([B, F]), wl.randomUniform([B, 2]), { epochs: 2, verbose: 0 });
    const handler = wl.io.fromMemory();
    await model.save(handler, { includeOptimizer: true });
    const loaded = await wl.loadLayersModel(handler);
    expect(loaded.layers[0]).toBeInstanceOf(Projection);
    model.getWeights().forEach((w, i) => expectIdentical(loaded.getWeights()[i].dataSync(), w.dataSync(), `weight ${i}`));
    const x = wl.randomUniform([B, F]);
    expectIdentical((await loaded.predict(x) as wl.Tensor).dataSync(), (await model.predict(x)).dataSync(), 'predictions');
    await model.dispose();
    await loaded.dispose();
  });

  it("stays on this thread with 'auto', and an explicit worker count is refused by name", async () => {
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const x = wl.randomUniform([256, F]), y = wl.randomUniform([256, 2]);
    await model.fit(x, y, { batchSize: 256, verbose: 0 });
    await expect(model.fit(x, y, { batchSize: 256, verbose: 0, workers: 2 })).rejects.toThrow('uses layer class Projection, registered on this thread only');
    await model.dispose();
  });
});
