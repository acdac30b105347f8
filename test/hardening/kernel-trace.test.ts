// Which kernels a training step runs, per model shape: the fast paths are shown to be the ones
// taken (a broken fusion or dispatch would still compute the right numbers, slower, and pass every
// value test). The process engine's kernel table is wrapped to count calls during one fit.
import { afterEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import type { Kernels } from '../../src/backend/kernels.js';

let restore: (() => void) | null = null;
afterEach(() => restore?.());

/** Calls per kernel during `run` (in process: workers 0). */
async function trace(run: () => Promise<unknown>): Promise<Map<string, number>> {
  const engine = await getEngine();
  const original = engine.kernels;
  const counts = new Map<string, number>();
  // a counting copy of the table (the module's exports object itself is frozen)
  const counting = Object.fromEntries(Object.entries(original as unknown as Record<string, unknown>).map(([name, f]) => [
    name,
    typeof f !== 'function' ? f : (...args: unknown[]) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return (f as (...a: unknown[]) => unknown)(...args);
    },
  ])) as unknown as Kernels;
  (engine as { kernels: Kernels }).kernels = counting;
  restore = () => void ((engine as { kernels: Kernels }).kernels = original);
  try {
    await run();
  } finally {
    restore();
    restore = null;
  }
  return counts;
}

const fitOnce = (m: wl.LayersModel, x: wl.Tensor, y: wl.Tensor) => m.fit(x, y, { batchSize: x.shape[0], epochs: 1, verbose: 0, workers: 0, shuffle: false });

describe('kernel trace of one training step', () => {
  it('softmax + categorical cross-entropy: the fused loss kernel, no softmax backward, no unfused loss', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 8, activation: 'softmax', inputShape: [5] })] });
    m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
    const counts = await trace(() => fitOnce(m, wl.randomUniform([16, 5]), wl.oneHot(wl.tensor(Array.from({ length: 16 }, (_, i) => i % 8), [16], 'int32'), 8)));
    expect(counts.get('f32_softmax_ce')).toBe(1);
    expect(counts.get('f32_categorical_ce')).toBeUndefined();
    expect(counts.get('f32_softmax_rows_bwd')).toBeUndefined();
  });

  it('softmax + sparse cross-entropy: the fused sparse kernel', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 4, inputShape: [5] }), wl.layers.activation({ activation: 'softmax' })] });
    m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd' });
    const counts = await trace(() => fitOnce(m, wl.randomUniform([16, 5]), wl.tensor(Array.from({ length: 16 }, (_, i) => i % 4), [16], 'int32')));
    expect(counts.get('f32_sparse_softmax_ce')).toBe(1);
    expect(counts.get('f32_sparse_ce')).toBeUndefined();
    expect(counts.get('f32_softmax_rows_bwd')).toBeUndefined();
  });

  it('sigmoid + binary cross-entropy: fused (no activation backward); linear + binary cross-entropy: not', async () => {
    const fused = wl.sequential({ layers: [wl.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [5] })] });
    fused.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    const y = wl.tensor(Array.from({ length: 16 }, (_, i) => i % 2), [16, 1]);
    const counts = await trace(() => fitOnce(fused, wl.randomUniform([16, 5]), y));
    expect(counts.get('f32_binary_ce')).toBe(1);
    expect(counts.get('f32_activation_bwd')).toBeUndefined();
    // a sigmoid whose output another layer also reads cannot take the logits' gradient
    const inp = wl.input({ shape: [5] });
    const p = wl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(inp) as wl.SymbolicTensor;
    const twice = wl.model({ inputs: inp, outputs: [p, wl.layers.dense({ units: 1 }).apply(p) as wl.SymbolicTensor] });
    twice.compile({ loss: ['binaryCrossentropy', 'mse'], optimizer: 'sgd' });
    const unfused = await trace(() => twice.fit(wl.randomUniform([16, 5]), [y, y], { batchSize: 16, epochs: 1, verbose: 0, workers: 0 }));
    expect(unfused.get('f32_binary_ce')).toBe(1);
    expect(unfused.get('f32_activation_bwd')).toBeGreaterThanOrEqual(1);
  });

  it('a GRU of 16 units takes the small-units register kernel; one of 64 the general one', async () => {
    const gru = (units: number) => {
      const m = wl.sequential({ layers: [wl.layers.gru({ units, inputShape: [6, 3] }), wl.layers.dense({ units: 2 })] });
      m.compile({ loss: 'mse', optimizer: 'sgd' });
      return m;
    };
    const x = wl.randomUniform([8, 6, 3]);
    const y = wl.randomUniform([8, 2]);
    const small = await trace(() => fitOnce(gru(16), x, y));
    expect(small.get('f32_gru_fwd_small')).toBe(1);
    expect(small.get('f32_gru_seq_fwd')).toBeUndefined();
    const large = await trace(() => fitOnce(gru(64), x, y));
    expect(large.get('f32_gru_fwd_small')).toBeUndefined();
    expect(large.get('f32_gru_seq_fwd')).toBe(1);
  });

  it('an LSTM of 16 units takes the small-units register kernel, with or without dropout; one of 36, or with recurrentDropout, the general one', async () => {
    const lstm = (units: number, args: { dropout?: number; recurrentDropout?: number } = {}) => {
      const m = wl.sequential({ layers: [wl.layers.lstm({ units, inputShape: [6, 3], ...args }), wl.layers.dense({ units: 2 })] });
      m.compile({ loss: 'mse', optimizer: 'sgd' });
      return m;
    };
    const x = wl.randomUniform([8, 6, 3]);
    const y = wl.randomUniform([8, 2]);
    for (const small of [await trace(() => fitOnce(lstm(16), x, y)), await trace(() => fitOnce(lstm(16, { dropout: 0.2 }), x, y))]) {
      expect(small.get('f32_lstm_fwd_small')).toBe(1);
      expect(small.get('f32_rnn_seq_fwd')).toBeUndefined();
    }
    for (const general of [await trace(() => fitOnce(lstm(36), x, y)), await trace(() => fitOnce(lstm(16, { recurrentDropout: 0.2 }), x, y))]) {
      expect(general.get('f32_lstm_fwd_small')).toBeUndefined();
      expect(general.get('f32_rnn_seq_fwd')).toBe(1);
    }
  });

  it('a SimpleRNN of 16 units takes the small-units register kernel; one of 72 the general one', async () => {
    const rnn = (units: number) => {
      const m = wl.sequential({ layers: [wl.layers.simpleRNN({ units, inputShape: [6, 3] }), wl.layers.dense({ units: 2 })] });
      m.compile({ loss: 'mse', optimizer: 'sgd' });
      return m;
    };
    const x = wl.randomUniform([8, 6, 3]);
    const y = wl.randomUniform([8, 2]);
    const small = await trace(() => fitOnce(rnn(16), x, y));
    expect(small.get('f32_simple_rnn_fwd_small')).toBe(1);
    expect(small.get('f32_rnn_seq_fwd')).toBeUndefined();
    const general = await trace(() => fitOnce(rnn(72), x, y));
    expect(general.get('f32_simple_rnn_fwd_small')).toBeUndefined();
    expect(general.get('f32_rnn_seq_fwd')).toBe(1);
  });
});
