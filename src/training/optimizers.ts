/**
 * Optimizers with Keras 3's update rules and defaults (shared/SPEC.md §5). State (slots) lives in
 * engine memory next to the weights and survives an engine shutdown like them.
 */
import type { Engine } from '../backend/engine.js';
import { ValueError, describe, invalidArgument, unknownName } from '../errors.js';
import type { GradientMap } from '../layers/context.js';
import { LayerVariable } from '../layers/variable.js';
import { checkArgKeys } from '../layers/args.js';
import type { GradientRows } from '../ops/grad-rows.js';
import { adamUpdate, rmspropUpdate, sgdUpdate } from '../ops/optimizer.js';

export abstract class Optimizer {
  /** Keras class name. */
  abstract readonly className: 'RMSprop' | 'Adam' | 'SGD';
  /** The step size. */
  abstract readonly learningRate: number;
  /** Steps applied so far. */
  iterations = 0;
  private readonly slots = new Map<LayerVariable, LayerVariable[]>();

  /**
   * Applies one update to each variable from its gradient. `gradientRows`: the row records of
   * row-sparse gradients (every other row of those is zero), which an update that is the identity
   * on a zero-gradient row may restrict itself to; the others update every element, as Keras does.
   * @internal
   */
  applyGradients(engine: Engine, variables: readonly LayerVariable[], gradients: GradientMap, gradientRows?: ReadonlyMap<LayerVariable, GradientRows>): void {
    this.iterations++;
    for (const v of variables) {
      const g = gradients.get(v);
      if (g != null) this.update(engine, v, g, gradientRows?.get(v) ?? null);
    }
  }

  protected abstract update(engine: Engine, variable: LayerVariable, gradPtr: number, rows: GradientRows | null): void;

  /**
   * Whether an update from a row-sparse gradient changes only the recorded rows (the update of a
   * zero-gradient row being the identity), so that only those need copying to the pool's workers.
   * @internal
   */
  updatesRowsOnly(): boolean {
    return false;
  }

  /** Names of the per-variable slots this optimizer keeps (e.g. ['rms', 'momentum']). */
  protected abstract slotNames(): string[];

  /** The slots of `variable` in engine memory (zeros on first use). */
  protected slotPtrs(engine: Engine, variable: LayerVariable): number[] {
    let slots = this.slots.get(variable);
    if (!slots) {
      slots = this.slotNames().map((s) => new LayerVariable(`${variable.name}/${s}`, variable.shape, new Float32Array(variable.size), false));
      this.slots.set(variable, slots);
    }
    return slots.map((s) => s.ptrIn(engine));
  }

  /** Keras config (snake_case). */
  abstract getConfig(): Record<string, unknown>;

  /**
   * The state, in tfjs's naming: `iter` (the step count), then each variable's slots
   * (`gru_1/kernel/rms`, ...), for the variables given, in their order.
   */
  getWeights(variables: readonly LayerVariable[]): { name: string; shape: number[]; values: Float32Array | Int32Array }[] {
    const out: { name: string; shape: number[]; values: Float32Array | Int32Array }[] = [{ name: 'iter', shape: [], values: Int32Array.of(this.iterations) }];
    for (const v of variables) {
      for (const slot of this.slots.get(v) ?? []) out.push({ name: slot.name, shape: [...slot.shape], values: slot.read() });
    }
    return out;
  }

  /** Restores what getWeights() returned (by name); slots missing from `values` start at zero. */
  setWeights(variables: readonly LayerVariable[], values: ReadonlyMap<string, { shape: number[]; values: ArrayLike<number> }>): void {
    const iter = values.get('iter');
    if (iter) {
      const count = Number(iter.values[0]);
      if (iter.values.length !== 1 || !Number.isSafeInteger(count) || count < 0) {
        throw new ValueError(`Optimizer state iter must be one non-negative integer (the step count), got ${iter.values.length} value(s) starting ${iter.values[0]}`);
      }
      this.iterations = count;
    }
    for (const v of variables) {
      const slots = this.slotNames().map((s) => {
        const saved = values.get(`${v.name}/${s}`);
        if (saved && saved.values.length !== v.size) {
          throw new ValueError(`Optimizer state ${v.name}/${s} has ${saved.values.length} values, but ${v.name} has ${v.size}`);
        }
        if (saved && (saved.shape.length !== v.shape.length || saved.shape.some((d, i) => d !== v.shape[i]))) {
          throw new ValueError(`Optimizer state ${v.name}/${s} has shape [${saved.shape.join(', ')}], but ${v.name} has shape [${v.shape.join(', ')}]`);
        }
        if (saved && !(saved.values instanceof Float32Array)) {
          throw new ValueError(`Optimizer state ${v.name}/${s} must be float32 values, got ${saved.values.constructor.name}`);
        }
        return new LayerVariable(`${v.name}/${s}`, v.shape, saved ? Float32Array.from(saved.values) : new Float32Array(v.size), false);
      });
      for (const old of this.slots.get(v) ?? []) old.dispose();
      this.slots.set(v, slots);
    }
  }

  /** Frees the slots. */
  dispose(): void {
    for (const slots of this.slots.values()) for (const s of slots) s.dispose();
    this.slots.clear();
  }
}

function rate(owner: string, arg: string, value: unknown, fallback: number, { min = 0, max = Infinity, minInclusive = false } = {}): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (minInclusive ? value >= min : value > min) && value <= max;
  if (!ok) throw invalidArgument(owner, arg, `a number in ${minInclusive ? '[' : '('}${min}, ${max}]`, value);
  return value;
}

export interface RMSpropArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Discount of the squared-gradient average; default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7, added inside the square root (Keras ≥ 2.11 / 3). */
  epsilon?: number;
  /** Normalise by the gradient's variance estimate; default false. */
  centered?: boolean;
}

/** RMSprop: v = ρv + (1−ρ)g²; p −= lr·g / sqrt(v + ε) (with momentum / centered variants). */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly learningRate: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(args: RMSpropArgs = {}) {
    super();
    checkArgKeys('RMSprop', args, ['learningRate', 'rho', 'momentum', 'epsilon', 'centered']);
    this.learningRate = rate('RMSprop', 'learningRate', args.learningRate, 0.001);
    this.rho = rate('RMSprop', 'rho', args.rho, 0.9, { max: 1, minInclusive: true });
    this.momentum = rate('RMSprop', 'momentum', args.momentum, 0, { max: 1, minInclusive: true });
    this.epsilon = rate('RMSprop', 'epsilon', args.epsilon, 1e-7);
    if (args.centered !== undefined && typeof args.centered !== 'boolean') throw invalidArgument('RMSprop', 'centered', 'true or false', args.centered);
    this.centered = args.centered ?? false;
  }

  protected slotNames(): string[] {
    return ['rms', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['mg'] : [])];
  }

  protected update(engine: Engine, v: LayerVariable, g: number): void {
    const [rms, ...rest] = this.slotPtrs(engine, v);
    const m = this.momentum > 0 ? rest.shift()! : 0;
    const mg = this.centered ? rest.shift()! : 0;
    rmspropUpdate(engine, v.size, v.ptrIn(engine), g, { rms, momentum: m, mg }, { lr: this.learningRate, rho: this.rho, epsilon: this.epsilon, momentum: this.momentum, centered: this.centered });
  }

  getConfig(): Record<string, unknown> {
    return { learning_rate: this.learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adam (Keras 3 form, bias correction folded into the step size). */
export class Adam extends Optimizer {
  readonly className = 'Adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamArgs = {}) {
    super();
    checkArgKeys('Adam', args, ['learningRate', 'beta1', 'beta2', 'epsilon']);
    this.learningRate = rate('Adam', 'learningRate', args.learningRate, 0.001);
    this.beta1 = rate('Adam', 'beta1', args.beta1, 0.9, { max: 0.999999, minInclusive: true });
    this.beta2 = rate('Adam', 'beta2', args.beta2, 0.999, { max: 0.999999, minInclusive: true });
    this.epsilon = rate('Adam', 'epsilon', args.epsilon, 1e-7);
  }

  protected slotNames(): string[] {
    return ['m', 'v'];
  }

  protected update(engine: Engine, v: LayerVariable, g: number): void {
    const [m, s] = this.slotPtrs(engine, v);
    const t = this.iterations;
    const alpha = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    adamUpdate(engine, v.size, v.ptrIn(engine), g, m, s, alpha, this.beta1, this.beta2, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { learning_rate: this.learningRate, beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: false };
  }
}

export interface SGDArgs {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0. */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

/** Stochastic gradient descent, with optional (Nesterov) momentum. */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super();
    checkArgKeys('SGD', args, ['learningRate', 'momentum', 'nesterov']);
    this.learningRate = rate('SGD', 'learningRate', args.learningRate, 0.01);
    this.momentum = rate('SGD', 'momentum', args.momentum, 0, { max: 1, minInclusive: true });
    if (args.nesterov !== undefined && typeof args.nesterov !== 'boolean') throw invalidArgument('SGD', 'nesterov', 'true or false', args.nesterov);
    this.nesterov = args.nesterov ?? false;
  }

  protected slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  override updatesRowsOnly(): boolean {
    return this.momentum === 0;
  }

  /** Without momentum, a zero gradient leaves a weight as it is (p − lr·0 = p): a row-sparse gradient updates its recorded rows only. */
  protected update(engine: Engine, v: LayerVariable, g: number, rows: GradientRows | null): void {
    if (rows && this.momentum === 0) return rows.sgd(v.ptrIn(engine), g, this.learningRate);
    const [m = 0] = this.slotPtrs(engine, v);
    sgdUpdate(engine, v.size, v.ptrIn(engine), g, m, this.learningRate, this.momentum, this.nesterov);
  }

  getConfig(): Record<string, unknown> {
    return { learning_rate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** Factories as wl.optimizers exposes them. */
export const optimizers = {
  rmsprop: (args?: RMSpropArgs) => new RMSprop(args),
  adam: (args?: AdamArgs) => new Adam(args),
  sgd: (args?: SGDArgs) => new SGD(args),
};

const BY_NAME: Record<string, () => Optimizer> = { rmsprop: () => new RMSprop(), adam: () => new Adam(), sgd: () => new SGD() };

/**
 * An optimizer from a Keras / tfjs training config's `optimizer_config` ({class_name, config}); keys
 * in snake_case or tfjs's camelCase, tfjs's `decay` read as RMSprop's rho, unknown keys ignored
 * (Keras also stores name, weight_decay, clipnorm... which have no effect here when null or false).
 */
export function optimizerFromConfig(spec: unknown): Optimizer {
  if (spec == null || typeof spec !== 'object') throw new ValueError(`optimizer_config must be {class_name, config}, got ${describe(spec)}`);
  const { class_name: className, config = {} } = spec as { class_name?: unknown; config?: Record<string, unknown> };
  const num = (...keys: string[]) => {
    for (const k of keys) if (typeof config[k] === 'number') return config[k] as number;
    return undefined;
  };
  const bool = (k: string) => (typeof config[k] === 'boolean' ? (config[k] as boolean) : undefined);
  switch (String(className).toLowerCase()) {
    case 'rmsprop':
      return new RMSprop({ learningRate: num('learning_rate', 'learningRate', 'lr'), rho: num('rho', 'decay'), momentum: num('momentum'), epsilon: num('epsilon'), centered: bool('centered') });
    case 'adam':
      return new Adam({ learningRate: num('learning_rate', 'learningRate', 'lr'), beta1: num('beta_1', 'beta1'), beta2: num('beta_2', 'beta2'), epsilon: num('epsilon') });
    case 'sgd':
      return new SGD({ learningRate: num('learning_rate', 'learningRate', 'lr'), momentum: num('momentum'), nesterov: bool('nesterov') });
    default:
      throw unknownName('optimizer class', className, ['RMSprop', 'Adam', 'SGD']);
  }
}

/** Resolves 'rmsprop' / 'RMSprop' / 'adam' / 'sgd' (Keras defaults) or an Optimizer instance. */
export function resolveOptimizer(value: unknown): Optimizer {
  if (value instanceof Optimizer) return value;
  const key = typeof value === 'string' ? value.toLowerCase() : '';
  if (Object.hasOwn(BY_NAME, key)) return BY_NAME[key]();
  throw unknownName('optimizer', value, Object.keys(BY_NAME));
}
