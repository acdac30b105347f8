// Bad input to the recurrent layers: each refused with a clear error before any work, naming what
// was expected and what was received: initial states of the wrong count or shape, stateful layers
// without a fixed batch size or run on batches of another size, Bidirectional around a layer that is
// not recurrent, an unknown mergeMode, dropout and recurrentDropout outside [0, 1),
// unknown call options, a Masking layer on a 2-D input.
import { beforeEach, describe, expect, it } from 'vitest';
import * as wl from '../../src/index.js';

beforeEach(() => {
  wl.clearSession();
  wl.setSeed(99);
});

const [T, F] = [5, 3];
const x = () => wl.input({ shape: [T, F] });
const state = (units: number) => wl.input({ shape: [units] });

/** The error `f` throws (sync or async); fails when it throws none. */
async function errorOf(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error, none was thrown');
}

async function expectValueError(f: () => unknown, ...patterns: RegExp[]): Promise<void> {
  const e = await errorOf(f);
  expect(e).toBeInstanceOf(wl.ValueError);
  for (const p of patterns) expect(e.message).toMatch(p);
}

describe('initial states', () => {
  it('the wrong count names the layer\'s states and the count given (apply option and input list)', async () => {
    await expectValueError(() => wl.layers.lstm({ units: 4 }).apply(x(), { initialState: [state(4)] }), /LSTM\) has 2 states \[h, c\]/, /1 initial state was given/);
    await expectValueError(() => wl.layers.gru({ units: 4 }).apply(x(), { initialState: [state(4), state(4)] }), /GRU\) has 1 state \[h\]/, /2 initial states were given/);
    await expectValueError(() => wl.layers.simpleRNN({ units: 4 }).apply(x(), { initialState: [state(4), state(4)] }), /SimpleRNN\) has 1 state \[h\]/);
    await expectValueError(() => wl.layers.lstm({ units: 4 }).apply([x(), state(4)]), /has 2 states \[h, c\]/, /1 initial state was given/);
    await expectValueError(() => wl.layers.lstm({ units: 4 }).apply([x(), state(4), state(4), state(4)]), /takes 1 to 3 inputs/, /called on 4/);
    await expectValueError(
      () => wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 4 }) }).apply(x(), { initialState: [state(4), state(4), state(4)] }),
      /takes 4 initial states \(the forward layer's 2, then the backward layer's\)/, /3 were given/,
    );
    await expectValueError(() => wl.layers.simpleRNN({ units: 4 }).apply([x(), state(4)], { initialState: [state(4)] }), /either in the input list or as initialState, not both/);
  });

  it('the wrong shape names the state, the expected (batch, units) and the shape received', async () => {
    await expectValueError(() => wl.layers.gru({ units: 4 }).apply(x(), { initialState: [state(7)] }), /initial state h must have shape \(None, 4\), but received \(None, 7\)/);
    await expectValueError(() => wl.layers.lstm({ units: 4 }).apply(x(), { initialState: [state(4), state(3)] }), /initial state c must have shape \(None, 4\), but received \(None, 3\)/);
    await expectValueError(() => wl.layers.simpleRNN({ units: 4 }).apply(x(), { initialState: [wl.input({ shape: [2, 4] })] }), /must have shape \(None, 4\), but received \(None, 2, 4\)/);
    await expectValueError(
      () => wl.layers.simpleRNN({ units: 4 }).apply(wl.input({ batchShape: [2, T, F] }), { initialState: [wl.input({ batchShape: [3, 4] })] }),
      /must have shape \(2, 4\), but received \(3, 4\)/,
    );
    await expectValueError(
      () => wl.layers.bidirectional({ layer: wl.layers.gru({ units: 4 }) }).apply(x(), { initialState: [state(4), state(5)] }),
      /backward_gru\w*: initial state h must have shape \(None, 4\), but received \(None, 5\)/,
    );
  });
});

describe('stateful', () => {
  it('without a fixed batch size: refused at build, saying how to give one', async () => {
    await expectValueError(() => wl.sequential({ layers: [wl.layers.lstm({ units: 4, stateful: true, inputShape: [T, F] })] }),
      /is stateful, so it needs a fixed batch size/, /batchInputShape/, /Received input shape \(None, 5, 3\)/);
    await expectValueError(() => wl.layers.gru({ units: 4, stateful: true }).apply(x()), /needs a fixed batch size/);
    await expectValueError(() => wl.layers.bidirectional({ layer: wl.layers.simpleRNN({ units: 4, stateful: true }) }).apply(x()), /needs a fixed batch size/);
  });

  it('a batch of another size in predict / evaluate / fit, or workers > 0: refused before any work (the states stay)', async () => {
    const model = wl.sequential({ layers: [wl.layers.lstm({ units: 4, stateful: true, batchInputShape: [2, T, F] })] });
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const xv = wl.tensor(Float32Array.from({ length: 2 * T * F }, (_, i) => Math.sin(i)), [2, T, F]);
    const first = ((await model.predict(xv)) as wl.Tensor).dataSync().slice();
    const weights = model.getWeights().map((w) => w.dataSync().slice());
    const size = /stateful with batch size 2: \w+ must run on batches of exactly 2 samples/;
    await expectValueError(() => model.predict(wl.zeros([3, T, F])), size, /got 3 sample\(s\) in batches of 32/);
    await expectValueError(() => model.predict(wl.zeros([4, T, F]), { batchSize: 4 }), size, /got 4 sample\(s\) in batches of 4/);
    await expectValueError(() => model.evaluate(wl.zeros([3, T, F]), wl.zeros([3, 4])), /evaluate must run on batches of exactly 2/);
    await expectValueError(() => model.fit(wl.zeros([4, T, F]), wl.zeros([4, 4]), { batchSize: 1 }), /fit must run on batches of exactly 2 samples, but got 4 sample\(s\) in batches of 1/);
    await expectValueError(() => model.fit(wl.zeros([3, T, F]), wl.zeros([3, 4]), { batchSize: 2 }), /fit must run on batches of exactly 2/, /got 3 sample/);
    await expectValueError(() => model.predictAsync(xv, { workers: 2 }), /is stateful/, /Use workers: 0 \(or 'auto'\)/);
    // nothing ran: the weights are unchanged and the second call continues from the first
    model.getWeights().forEach((w, i) => expect(w.dataSync()).toEqual(weights[i]));
    model.resetStates();
    expect(((await model.predict(xv)) as wl.Tensor).dataSync()).toEqual(first);
    await model.dispose();
  });

  it('resetStates: on a layer that is not stateful, with the wrong count or shape of states', async () => {
    const plain = wl.layers.lstm({ units: 3 });
    plain.apply(x());
    await expectValueError(() => (plain as wl.LSTM).resetStates(), /is not stateful/);
    const model = wl.sequential({ layers: [wl.layers.lstm({ units: 4, stateful: true, batchInputShape: [2, T, F] })] });
    const layer = model.layers[0] as wl.LSTM;
    await expectValueError(() => layer.resetStates([wl.zeros([2, 4])]), /expects 2 state tensor\(s\), got 1/);
    await expectValueError(() => layer.resetStates([wl.zeros([3, 4]), wl.zeros([2, 4])]), /state 0 must have shape \(2, 4\), got \(3, 4\)/);
    await model.dispose();
  });
});

describe('layer arguments', () => {
  it('Bidirectional around a layer that is not recurrent, or no layer', async () => {
    await expectValueError(() => wl.layers.bidirectional({ layer: wl.layers.dense({ units: 3 }) }), /must be a recurrent layer \(LSTM, GRU, SimpleRNN\), got Dense/);
    await expectValueError(() => wl.layers.bidirectional({} as never), /layer/, /Received: layer=undefined/);
  });

  it('an unknown mergeMode lists the modes', async () => {
    await expectValueError(() => wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 3 }), mergeMode: 'max' as never }),
      /mergeMode/, /"concat", "sum", "mul", "ave", null/, /Received: mergeMode="max"/);
  });

  it('dropout outside [0, 1)', async () => {
    for (const [make, rate] of [
      [(d: number) => wl.layers.lstm({ units: 3, dropout: d }), 1],
      [(d: number) => wl.layers.gru({ units: 3, dropout: d }), -0.1],
      [(d: number) => wl.layers.simpleRNN({ units: 3, dropout: d }), 1.5],
      [(d: number) => wl.layers.lstm({ units: 3, dropout: d }), NaN],
    ] as const) {
      await expectValueError(() => make(rate), /invalid value for dropout, expected a number in \[0, 1\)/, new RegExp(`Received: dropout=${rate}`));
    }
    await expectValueError(() => wl.layers.lstm({ units: 3, recurrentDropout: 1 }), /recurrentDropout/, /\[0, 1\)/);
  });

});

describe('call options and input ranks', () => {
  it('apply(x, {unknownOption}) names the option and the one supported', async () => {
    await expectValueError(() => wl.layers.lstm({ units: 3 }).apply(x(), { foo: 1 } as never), /unknown call option foo; the one supported is initialState/);
    await expectValueError(() => wl.layers.gru({ units: 3 }).apply(x(), { initialStates: [state(3)] } as never), /unknown call option initialStates/);
    await expectValueError(() => wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 3 }) }).apply(x(), { foo: 1 } as never), /unknown call option foo/);
  });

  it('a Masking layer (or a recurrent layer) on a 2-D input: the rank expected and the shape received', async () => {
    await expectValueError(() => wl.layers.masking().apply(wl.input({ shape: [4] })), /masking/, /expected min_ndim=3, found ndim=2/, /\(None, 4\)/);
    await expectValueError(() => wl.sequential({ layers: [wl.layers.masking({ inputShape: [4] }), wl.layers.dense({ units: 2 })] }), /expected min_ndim=3, found ndim=2/);
    await expectValueError(() => wl.layers.lstm({ units: 3 }).apply(wl.input({ shape: [4] })), /expected ndim=3, found ndim=2/);
  });
});
