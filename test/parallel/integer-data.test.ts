// int32 and bool data stay what they are: through the shuffled gathering of fit's batches, and
// through the worker transport — shared buffers split into claimed chunks, and copies split into
// shards — checked with a worker that sends back exactly what it received.
import { describe, it, expect, afterAll } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { Topology } from '../../src/graph/topology.js';
import { ComlinkPool } from '../../src/parallel/comlink-pool.js';
import { nodeWorkerFactory } from '../../src/parallel/node-workers.js';
import { PoolExecutor } from '../../src/runtime/pool-executor.js';
import { ModelProgram } from '../../src/runtime/program.js';
import { gatherRows } from '../../src/training/data.js';

/** Token ids in, float32 of the same shape out (never run here: the echo worker answers). */
class IdsAsFloats extends wl.Layer {
  static readonly className = 'IdsAsFloats';
  static readonly schema = wl.layerSchema<Record<never, never>>()('IdsAsFloats', {});
  protected override acceptsInputDType(): boolean {
    return true;
  }
  computeOutputShapes(shapes: wl.Shape[]): wl.Shape[] {
    return shapes;
  }
  forward(): wl.ForwardResult<unknown> {
    throw new Error('not run in this test');
  }
  backward(): (wl.DeviceTensor | null)[] {
    throw new Error('not run in this test');
  }
}

const ROWS = 203, STEPS = 7;

function ids(): wl.Tensor<'int32'> {
  // values float32 cannot hold exactly: any float round trip would change them
  return wl.tensor(Int32Array.from({ length: ROWS * STEPS }, (_, i) => (i % 2 ? 1 : -1) * (16_777_217 + i * 7919)), [ROWS, STEPS], 'int32');
}

describe('integer data', () => {
  afterAll(() => wl.shutdown());

  it('shuffled batches gather int32 and bool rows as they are, in their own dtype', () => {
    const t = ids();
    const flags = wl.tensor(Array.from({ length: ROWS * 2 }, (_, i) => i % 3 === 0), [ROWS, 2]);
    expect(flags.dtype).toBe('bool');
    wl.setSeed(1);
    const order = Int32Array.from({ length: ROWS }, (_, i) => (i * 37) % ROWS);
    const batch = gatherRows(t, order, 10, 74);
    expect(batch.data).toBeInstanceOf(Int32Array);
    expect(batch.shape).toEqual([64, STEPS]);
    for (let r = 0; r < 64; r++) expect(Array.from(batch.data.subarray(r * STEPS, (r + 1) * STEPS))).toEqual(Array.from(t.dataSync().subarray(order[10 + r] * STEPS, (order[10 + r] + 1) * STEPS)));
    const bools = gatherRows(flags, order, 0, ROWS);
    expect(bools.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(bools.data.subarray(0, 4))).toEqual(Array.from(flags.dataSync().subarray(0, 2)).concat(Array.from(flags.dataSync().subarray(order[1] * 2, order[1] * 2 + 2))));
  });

  for (const shared of [true, false]) {
    it(`the pool delivers int32 rows unchanged (${shared ? 'shared buffers, claimed chunks' : 'copies, shards'})`, async () => {
      const input = wl.input({ shape: [STEPS], dtype: 'int32', name: 'ids' });
      const output = new IdsAsFloats({}).apply(input);
      const program = new ModelProgram({ topology: new Topology([input], [output]), heads: [] });
      const engine = await getEngine();
      const pool = new ComlinkPool(2, nodeWorkerFactory(new URL('../../dist/test-fixtures/echo-worker.js', import.meta.url)), shared, 30_000);
      try {
        const executor = new PoolExecutor(engine, pool, { id: 10_001, config: '{}', program }, { workers: 2, optimizer: null, callerShare: false, flopsPerSample: 1e6 });
        const t = ids();
        const [out] = await executor.predictBatch([{ data: t.dataSync(), shape: t.shape }]);
        expect(out.shape).toEqual([ROWS, STEPS]);
        // each worker saw an Int32Array and echoed its values; as float32 they round like the originals
        expect(Array.from(out.data)).toEqual(Array.from(Float32Array.from(t.dataSync())));
        expect(pool.workerMemory).toEqual(['Int32Array'.length, 'Int32Array'.length]);
        executor.dispose();
      } finally {
        await pool.destroy();
      }
    });
  }
});
