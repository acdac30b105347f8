// Optimizer arguments (src/training/optimizers.ts): every argument of every class is taken at its
// bounds and refused past them naming the class and the argument; configs (Keras snake_case, tfjs
// camelCase, tfjs's lr / decay) restore every value, and getConfig writes Keras's fields. Written
// for the survivors of the mutation run (docs/RELIABILITY.md).
import { describe, it, expect } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { LayerVariable } from '../../src/layers/variable.js';
import { Adam, RMSprop, SGD, optimizerFromConfig, optimizers, resolveOptimizer } from '../../src/training/optimizers.js';

type Make = (args: Record<string, unknown>) => unknown;
const classes: Record<string, Make> = {
  RMSprop: (a) => optimizers.rmsprop(a),
  Adam: (a) => optimizers.adam(a),
  SGD: (a) => optimizers.sgd(a),
};

// [class, argument, values taken, values refused, expected text]
const BOUNDS: [string, string, unknown[], unknown[], string][] = [
  ['RMSprop', 'learningRate', [1e-9, 5], [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0.1'], '(0, Infinity]'],
  ['RMSprop', 'rho', [0, 1], [-0.1, 1.01], '[0, 1]'],
  ['RMSprop', 'momentum', [0, 1], [-0.1, 1.5], '[0, 1]'],
  ['RMSprop', 'epsilon', [1e-12], [0, -1], '(0, Infinity]'],
  ['RMSprop', 'centered', [true, false], ['yes', 1], 'true or false'],
  ['Adam', 'learningRate', [1e-9], [0], '(0, Infinity]'],
  ['Adam', 'beta1', [0, 0.999999], [-0.1, 1], '[0, 0.999999]'],
  ['Adam', 'beta2', [0, 0.999999], [-0.1, 1], '[0, 0.999999]'],
  ['Adam', 'epsilon', [1e-12], [0], '(0, Infinity]'],
  ['SGD', 'learningRate', [1e-9, 10], [0, -1], '(0, Infinity]'],
  ['SGD', 'momentum', [0, 1], [-0.5, 1.5], '[0, 1]'],
  ['SGD', 'nesterov', [true, false], ['true'], 'true or false'],
];

describe('optimizer arguments', () => {
  for (const [cls, arg, taken, refused, expected] of BOUNDS) {
    it(`${cls} ${arg}: takes ${taken.map(String).join(', ')}; refuses ${refused.map(String).join(', ')}`, () => {
      for (const v of taken) expect((classes[cls]({ [arg]: v }) as Record<string, unknown>)[arg]).toBe(v);
      for (const v of refused) {
        expect(() => classes[cls]({ [arg]: v })).toThrow(ValueError);
        expect(() => classes[cls]({ [arg]: v })).toThrow(`${cls}: received an invalid value for ${arg}, expected ${expected.startsWith('true') ? expected : `a number in ${expected}`}`);
      }
    });
  }

  it('refuses an unknown argument naming the class and what it takes', () => {
    expect(() => optimizers.sgd({ lr: 1 } as never)).toThrow('SGD: unknown argument lr. Known arguments: learningRate, momentum, nesterov');
    expect(() => optimizers.adam({ learning_rate: 0.5 } as never)).toThrow('Adam: unknown argument learning_rate. Did you mean learningRate? Known arguments: learningRate, beta1, beta2, epsilon');
    expect(() => optimizers.rmsprop({ decay: 0.5 } as never)).toThrow('RMSprop: unknown argument decay. Known arguments: learningRate, rho, momentum, epsilon, centered');
  });

  it('keeps the Keras defaults', () => {
    expect(new RMSprop().getConfig()).toEqual({ learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(new Adam().getConfig()).toEqual({ learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(new SGD().getConfig()).toEqual({ learning_rate: 0.01, momentum: 0, nesterov: false });
  });
});

describe('optimizer configs', () => {
  const roundTrips: [string, Record<string, unknown>][] = [
    ['RMSprop', { learning_rate: 0.5, rho: 0.8, momentum: 0.3, epsilon: 1e-3, centered: true }],
    ['Adam', { learning_rate: 0.5, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3, amsgrad: false }],
    ['SGD', { learning_rate: 0.5, momentum: 0.7, nesterov: true }],
  ];
  for (const [cls, config] of roundTrips) {
    it(`${cls}: every field of a Keras config is restored, and written back the same`, () => {
      const o = optimizerFromConfig({ class_name: cls, config });
      expect(o.className).toBe(cls);
      expect(o.getConfig()).toEqual(config);
    });
  }

  it('reads tfjs\'s camelCase, lr and decay', () => {
    for (const cls of ['RMSprop', 'Adam', 'SGD']) {
      for (const key of ['learning_rate', 'learningRate', 'lr']) {
        expect(optimizerFromConfig({ class_name: cls, config: { [key]: 0.25 } }).getConfig(), `${cls} ${key}`).toMatchObject({ learning_rate: 0.25 });
      }
    }
    expect(optimizerFromConfig({ class_name: 'RMSProp', config: { decay: 0.7 } }).getConfig()).toMatchObject({ rho: 0.7 });
    expect(optimizerFromConfig({ class_name: 'Adam', config: { beta1: 0.5, beta2: 0.6 } }).getConfig()).toMatchObject({ beta_1: 0.5, beta_2: 0.6 });
    expect(optimizerFromConfig({ class_name: 'SGD' }).getConfig()).toEqual(new SGD().getConfig());
  });

  it('ignores what Keras stores but does not apply (nulls, names, clipnorm)', () => {
    const keras = { name: 'rmsprop', weight_decay: null, clipnorm: null, centered: null, momentum: null, learning_rate: 0.1 };
    expect(optimizerFromConfig({ class_name: 'RMSprop', config: keras }).getConfig()).toEqual({ ...new RMSprop().getConfig(), learning_rate: 0.1 });
    expect(optimizerFromConfig({ class_name: 'SGD', config: { nesterov: null } }).getConfig()).toEqual(new SGD().getConfig());
  });

  it('refuses what is not a config or names another class', () => {
    expect(() => optimizerFromConfig(null)).toThrow('optimizer_config must be {class_name, config}, got null');
    expect(() => optimizerFromConfig('adam')).toThrow('optimizer_config must be {class_name, config}, got "adam"');
    expect(() => optimizerFromConfig({ class_name: 'Adagrad', config: {} })).toThrow(/Unknown optimizer class: "Adagrad". Expected one of: RMSprop, Adam, SGD/);
  });

  it('resolves names case-insensitively and passes instances through', () => {
    const adam = new Adam();
    expect(resolveOptimizer(adam)).toBe(adam);
    expect(resolveOptimizer('RMSprop').className).toBe('RMSprop');
    expect(resolveOptimizer('ADAM').className).toBe('Adam');
    expect(() => resolveOptimizer('adagrad')).toThrow(/Unknown optimizer: "adagrad"/);
    // a value that is neither a name nor an Optimizer gets the same clear refusal, not a TypeError
    expect(() => resolveOptimizer(42)).toThrow(ValueError);
    expect(() => resolveOptimizer({ toLowerCase: () => 'adam' })).toThrow(ValueError);
  });
});

describe('optimizer slots', () => {
  it('RMSprop keeps rms, then momentum and mg only when asked; SGD keeps momentum only with momentum', () => {
    const w = new LayerVariable('w', [2], new Float32Array(2));
    const names = (o: RMSprop | SGD) => {
      o.setWeights([w], new Map());
      return o.getWeights([w]).map((s) => s.name);
    };
    expect(names(new RMSprop())).toEqual(['iter', 'w/rms']);
    expect(names(new RMSprop({ momentum: 0.5, centered: true }))).toEqual(['iter', 'w/rms', 'w/momentum', 'w/mg']);
    expect(names(new SGD())).toEqual(['iter']);
    expect(names(new SGD({ momentum: 0.9 }))).toEqual(['iter', 'w/momentum']);
  });
});
