// Every error of the engine core: what users get when input, arguments or state are wrong.
// Each is raised before any work starts and says what was expected and what was received.
import { describe, it, expect, beforeEach } from 'vitest';
import * as wl from '../../src/index.js';
import { seedModels } from '../helpers/seed-models.js';

const x = () => wl.zeros([10, 64, 15]);
const y1 = () => wl.zeros([10, 64, 8]);

describe('data checks in fit / evaluate / predict (Keras 2 messages, SPEC §7)', () => {
  beforeEach(() => wl.clearSession());

  it('input rank', async () => {
    const { model1 } = seedModels();
    await expect(model1.fit(wl.zeros([10, 15]), y1(), { verbose: 0 })).rejects.toThrow(
      'Error when checking input: expected gru_1_input to have 3 dimensions, but got array with shape (10, 15)',
    );
    await expect(model1.predict(wl.zeros([10, 64, 15, 1]))).rejects.toThrow(
      'Error when checking input: expected gru_1_input to have 3 dimensions, but got array with shape (10, 64, 15, 1)',
    );
  });

  it('input dimension at equal rank', async () => {
    const { model1 } = seedModels();
    await expect(model1.fit(wl.zeros([10, 64, 14]), y1(), { verbose: 0 })).rejects.toThrow(
      'Error when checking input: expected gru_1_input to have shape (None, 64, 15) but got array with shape (10, 64, 14)',
    );
  });

  it('target dimension at equal rank', async () => {
    const { model1 } = seedModels();
    await expect(model1.fit(x(), wl.zeros([10, 64, 15]), { verbose: 0 })).rejects.toThrow(
      'Error when checking target: expected activation_1 to have shape (None, 64, 8) but got array with shape (10, 64, 15)',
    );
    await expect(model1.evaluate(x(), wl.zeros([10, 8]))).rejects.toThrow(
      'Error when checking target: expected activation_1 to have 3 dimensions, but got array with shape (10, 8)',
    );
  });

  it('different sample counts of x and y', async () => {
    const { model1 } = seedModels();
    await expect(model1.fit(x(), wl.zeros([9, 64, 8]), { verbose: 0 })).rejects.toThrow(
      'Input arrays should have the same number of samples as target arrays. Found 10 input samples and 9 target samples.',
    );
  });

  it('a functional model names its input layer; nested arrays and flat Float32Arrays are checked the same way', async () => {
    const input = wl.input({ shape: [2] });
    const m = wl.model({ inputs: input, outputs: wl.layers.dense({ units: 1 }).apply(input) });
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    await expect(m.fit([[1, 2, 3]], [[1]], { verbose: 0 })).rejects.toThrow(
      'Error when checking input: expected input_1 to have shape (None, 2) but got array with shape (1, 3)',
    );
    await expect(m.predict(new Float32Array(5))).rejects.toThrow('A flat input of 5 values does not split into samples of shape [2] (2 values each)');
    await expect(m.predict(['a', 'b'] as never)).rejects.toThrow('tensor: expected a number at [0], but got "a"');
    await expect(m.predict(wl.zeros([0, 2]))).rejects.toThrow('Error when checking input: the array is empty (shape [0, 2]); at least one sample is needed');
  });
});

describe('invalid layer arguments fail at construction, naming the argument and the value', () => {
  const cases: [string, () => unknown, string][] = [
    ['units=0', () => wl.layers.gru({ units: 0 }), 'GRU: received an invalid value for units, expected a positive integer. Received: units=0'],
    ['units=1.5', () => wl.layers.dense({ units: 1.5 }), 'Dense: received an invalid value for units, expected a positive integer. Received: units=1.5'],
    ['units="16"', () => wl.layers.dense({ units: '16' as never }), 'Dense: received an invalid value for units, expected a positive integer. Received: units="16"'],
    ['unknown activation', () => wl.layers.dense({ units: 2, activation: 'swish' as never }), 'Unknown activation: "swish". Expected one of: linear, relu, sigmoid, hard_sigmoid, hardSigmoid, keras3_hard_sigmoid, keras3HardSigmoid, tanh, softmax'],
    ['softmax as a GRU activation', () => wl.layers.gru({ units: 2, activation: 'softmax' }), 'GRU: received an invalid value for activation, expected an elementwise activation (tanh, sigmoid, hard_sigmoid, relu, linear). Received: activation="softmax"'],
    ['snake_case argument', () => wl.layers.gru({ units: 2, return_sequences: true } as never), 'GRU: unknown argument return_sequences. Did you mean returnSequences?'],
    ['misspelt argument', () => wl.layers.dense({ units: 2, usebias: false } as never), 'Dense: unknown argument usebias.'],
    ['dropout', () => wl.layers.gru({ units: 2, dropout: 1 }), 'GRU: received an invalid value for dropout, expected a number in [0, 1). Received: dropout=1'],
    ['recurrentDropout', () => wl.layers.lstm({ units: 2, recurrentDropout: -0.2 }), 'LSTM: received an invalid value for recurrentDropout, expected a number in [0, 1). Received: recurrentDropout=-0.2'],
    ['mergeMode', () => wl.layers.bidirectional({ layer: wl.layers.lstm({ units: 2 }), mergeMode: 'max' as never }), "Bidirectional: received an invalid value for mergeMode, expected one of \"concat\", \"sum\", \"mul\", \"ave\", null. Received: mergeMode=\"max\""],
    ['Bidirectional around Dense', () => wl.layers.bidirectional({ layer: wl.layers.dense({ units: 2 }) }), 'Bidirectional: the layer argument must be a recurrent layer (LSTM, GRU, SimpleRNN), got Dense'],
    ['resetAfter="no"', () => wl.layers.gru({ units: 2, resetAfter: 'no' as never }), 'GRU: received an invalid value for resetAfter, expected true or false. Received: resetAfter="no"'],
    ['inputShape', () => wl.layers.gru({ units: 2, inputShape: [64, -15] }), 'GRU: received an invalid value for inputShape, expected an array of positive integers (null for an unknown dimension). Received: inputShape=[64, -15]'],
    ['unknown initializer', () => wl.layers.dense({ units: 2, kernelInitializer: 'glorotUnifrom' }), 'Unknown initializer: "glorotUnifrom". Expected one of: zeros, ones, constant'],
    ['TimeDistributed of a non-layer', () => wl.layers.timeDistributed({ layer: {} as never }), 'TimeDistributed: the layer argument must be a layer'],
    ['Activation without activation', () => wl.layers.activation({} as never), 'Activation: the activation argument is required'],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => expect(make).toThrow(message));
  }

  it('a layer applied to an input of the wrong rank or size (Keras InputSpec messages)', () => {
    wl.clearSession();
    expect(() => wl.layers.gru({ units: 2 }).apply(wl.input({ shape: [15] }))).toThrow(
      'Input 0 of layer "gru_1" is incompatible with the layer: expected ndim=3, found ndim=2. Full shape received: (None, 15)',
    );
    const dense = wl.layers.dense({ units: 4 });
    dense.apply(wl.input({ shape: [16] }));
    expect(() => dense.apply(wl.input({ shape: [64, 15] }))).toThrow(
      'Input 0 of layer "dense_1" is incompatible with the layer: expected axis -1 of input shape to have value 16, but received input with shape (None, 64, 15)',
    );
  });
});

describe('models: compile, fit options, weights and state', () => {
  beforeEach(() => wl.clearSession());

  it('unknown loss or optimizer lists the known names', () => {
    const { model1 } = seedModels();
    expect(() => model1.compile({ loss: 'crossentropy' as never, optimizer: 'rmsprop' })).toThrow(
      'Unknown loss: "crossentropy". Expected one of: categorical_crossentropy, categoricalCrossentropy, sparse_categorical_crossentropy, sparseCategoricalCrossentropy, binary_crossentropy, binaryCrossentropy, mean_squared_error, meanSquaredError, mse, mean_absolute_error, meanAbsoluteError, mae, huber',
    );
    expect(() => model1.compile({ loss: 'mse', optimizer: 'adagrad' })).toThrow('Unknown optimizer: "adagrad". Expected one of: rmsprop, adam, sgd');
    expect(() => wl.optimizers.rmsprop({ learningRate: -1 })).toThrow('RMSprop: received an invalid value for learningRate, expected a number in (0, Infinity]. Received: learningRate=-1');
    expect(() => wl.optimizers.rmsprop({ rho: 1.5 })).toThrow('RMSprop: received an invalid value for rho, expected a number in [0, 1]. Received: rho=1.5');
  });

  it('fit before compile', async () => {
    const m = wl.sequential({ layers: [wl.layers.dense({ units: 1, inputShape: [2] })] });
    await expect(m.fit(wl.zeros([1, 2]), wl.zeros([1, 1]))).rejects.toThrow('You must compile a model before training it');
  });

  it('invalid fit options', async () => {
    const { model1 } = seedModels();
    await expect(model1.fit(x(), y1(), { batchSize: 0 })).rejects.toThrow('fit: received an invalid value for batchSize, expected a positive integer. Received: batchSize=0');
    await expect(model1.fit(x(), y1(), { batchSize: 2.5 })).rejects.toThrow('Received: batchSize=2.5');
    await expect(model1.fit(x(), y1(), { epochs: -1 })).rejects.toThrow('fit: received an invalid value for epochs, expected a non-negative integer. Received: epochs=-1');
    await expect(model1.fit(x(), y1(), { verbose: 3 as never })).rejects.toThrow('fit: received an invalid value for verbose, expected 0, 1 or 2. Received: verbose=3');
    await expect(model1.fit(x(), y1(), { batch_size: 128 } as never)).rejects.toThrow('fit: unknown argument batch_size. Did you mean batchSize?');
    await expect(model1.fit(x(), y1(), { workers: -2 })).rejects.toThrow("fit: received an invalid value for workers, expected 'auto' or a non-negative integer. Received: workers=-2");
  });

  it('a second fit while one runs', async () => {
    const { model1 } = seedModels();
    const first = model1.fit(x(), y1(), { verbose: 0, epochs: 2 });
    await expect(model1.fit(x(), y1(), { verbose: 0 })).rejects.toThrow('Cannot fit model sequential_1: fit is still running (await it first)');
    await first;
  });

  it('setWeights with the wrong count or shape', () => {
    const { model1 } = seedModels();
    const w = model1.getWeights();
    expect(() => model1.setWeights(w.slice(1))).toThrow(
      'You called setWeights(weights) on model sequential_1 with a weight list of length 4, but the model was expecting 5 weights.',
    );
    const wrong = [...w];
    wrong[0] = wl.zeros([16, 48]);
    expect(() => model1.setWeights(wrong)).toThrow('Weight gru_1/kernel has shape [15, 48], but the value given has shape [16, 48]');
  });

  it('a disposed model', async () => {
    const { model1 } = seedModels();
    model1.dispose();
    await expect(model1.predict(x())).rejects.toThrow('Cannot predict: model sequential_1 is disposed');
    expect(() => model1.getWeights()).toThrow('Cannot getWeights: model sequential_1 is disposed');
  });

  it('model construction: no input shape, disconnected graph, duplicate names, several outputs', () => {
    expect(() => wl.sequential().add(wl.layers.dense({ units: 2 }))).toThrow(
      'The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.',
    );
    const a = wl.input({ shape: [3] });
    const b = wl.input({ shape: [3] });
    expect(() => wl.model({ inputs: a, outputs: wl.layers.dense({ units: 2 }).apply(b) })).toThrow('Graph disconnected: cannot obtain value for tensor input_2');
    const first = wl.layers.dense({ units: 3, name: 'same' }).apply(a);
    expect(() => wl.model({ inputs: a, outputs: wl.layers.dense({ units: 3, name: 'same' }).apply(first) })).toThrow(
      'The name "same" is used 2 times in the model. All layer names should be unique.',
    );
    expect(wl.model({ inputs: a, outputs: [first, first] }).outputs).toHaveLength(2);
  });
});

describe('tensor creation', () => {
  it('ragged nesting, non-numbers and shape mismatches', () => {
    expect(() => wl.tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: expected an array of length 2 at [1], but got length 1');
    expect(() => wl.tensor([[1, 2], [3, [4]]] as never)).toThrow('tensor: expected a number at [1][1], but got an array (ragged nesting)');
    expect(() => wl.tensor([[1, true]] as never)).toThrow('tensor: expected a number at [0][1], but got true');
    expect(() => wl.tensor([1, 2, 3], [2, 2])).toThrow('tensor: shape [2, 2] needs 4 values, but the data has 3 (shape [3])');
    expect(() => wl.tensor2d([1, 2, 3])).toThrow('tensor2d: expected rank 2, but the values have shape [3]');
    expect(() => wl.oneHot([0, 3], 3)).toThrow('oneHot: index 1 is 3, expected an integer in [0, 3)');
    expect(() => wl.zeros([2, -1])).toThrow('zeros: received an invalid value for shape, expected an array of non-negative integers. Received: shape=[2, -1]');
  });
});
