/**
 * Weight initializers with Keras 3 semantics: glorot uniform/normal, orthogonal (QR of a normal
 * matrix with the sign fix), constants and plain random ones. An initializer with a `seed` gives the
 * same values every call; without one it draws from the global stream (wl.setSeed).
 */
import { randomFor, type Random } from '../random.js';
import { ValueError, invalidArgument, unknownName, describe } from '../errors.js';
import { sizeOf } from '../shape.js';
import { tfjsNamespace } from '../not-implemented.js';

export interface SeedArgs {
  seed?: number;
}

export abstract class Initializer {
  /** Keras class name, as in saved configs. */
  abstract readonly className: string;

  /** Values for a weight of `shape`, row-major. */
  abstract generate(shape: readonly number[]): Float32Array;

  /** Keras config (snake_case keys). */
  getConfig(): Record<string, unknown> {
    return {};
  }
}

abstract class SeededInitializer extends Initializer {
  protected readonly seed: number | null;

  constructor(args: SeedArgs = {}) {
    super();
    if (args.seed != null && !Number.isSafeInteger(args.seed)) throw invalidArgument(this.constructor.name, 'seed', 'an integer', args.seed);
    this.seed = args.seed ?? null;
  }

  protected rng(): Random {
    return randomFor(this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export class Zeros extends Initializer {
  readonly className = 'Zeros';
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape));
  }
}

export class Ones extends Initializer {
  readonly className = 'Ones';
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape)).fill(1);
  }
}

export class Constant extends Initializer {
  readonly className = 'Constant';
  readonly value: number;
  constructor(args: { value: number }) {
    super();
    if (typeof args?.value !== 'number' || !Number.isFinite(args.value)) throw invalidArgument('Constant', 'value', 'a finite number', args?.value);
    this.value = args.value;
  }
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(sizeOf(shape)).fill(this.value);
  }
  override getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

export class RandomUniform extends SeededInitializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  constructor(args: { minval?: number; maxval?: number } & SeedArgs = {}) {
    super(args);
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
  }
  generate(shape: readonly number[]): Float32Array {
    const rng = this.rng();
    return Float32Array.from({ length: sizeOf(shape) }, () => this.minval + (this.maxval - this.minval) * rng.uniform());
  }
  override getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

export class RandomNormal extends SeededInitializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  constructor(args: { mean?: number; stddev?: number } & SeedArgs = {}) {
    super(args);
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
  }
  generate(shape: readonly number[]): Float32Array {
    const rng = this.rng();
    return Float32Array.from({ length: sizeOf(shape) }, () => this.mean + this.stddev * rng.normal());
  }
  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

/** fan_in, fan_out as Keras computes them (rank 2: rows, columns; rank 1: the length twice). */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** U(−l, l) with l = sqrt(6 / (fan_in + fan_out)). */
export class GlorotUniform extends SeededInitializer {
  readonly className = 'GlorotUniform';
  generate(shape: readonly number[]): Float32Array {
    const [fanIn, fanOut] = fans(shape);
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const rng = this.rng();
    return Float32Array.from({ length: sizeOf(shape) }, () => (2 * rng.uniform() - 1) * limit);
  }
}

/** Truncated normal (±2σ) with σ = sqrt(2 / (fan_in + fan_out)) / 0.8796 (Keras's correction). */
export class GlorotNormal extends SeededInitializer {
  readonly className = 'GlorotNormal';
  generate(shape: readonly number[]): Float32Array {
    const [fanIn, fanOut] = fans(shape);
    return truncatedNormal(this.rng(), sizeOf(shape), 0, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATION_STDDEV);
  }
}

/** The standard deviation of a unit normal truncated at ±2 (Keras divides by it to keep the variance). */
const TRUNCATION_STDDEV = 0.87962566103423978;

/** `length` draws of N(mean, stddev²) redrawn beyond 2 stddev. */
function truncatedNormal(rng: Random, length: number, mean: number, stddev: number): Float32Array {
  return Float32Array.from({ length }, () => {
    let v: number;
    do v = rng.normal();
    while (Math.abs(v) > 2);
    return mean + v * stddev;
  });
}

export interface VarianceScalingArgs extends SeedArgs {
  /** Default 1. */
  scale?: number;
  /** 'fanIn' (default), 'fanOut' or 'fanAvg' (also snake_case). */
  mode?: string;
  /** 'truncatedNormal' (default), 'untruncatedNormal', 'normal' (tfjs: truncated) or 'uniform'. */
  distribution?: string;
}

/**
 * VarianceScaling, the family behind Glorot / He / LeCun: variance scale / n with n the fan in, out or
 * their mean. tfjs saves its glorotNormal default as VarianceScaling(fan_avg, normal), where
 * 'normal' is truncated (Keras 2's meaning).
 */
export class VarianceScaling extends SeededInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: 'fan_in' | 'fan_out' | 'fan_avg';
  readonly distribution: 'truncated_normal' | 'untruncated_normal' | 'normal' | 'uniform';

  constructor(args: VarianceScalingArgs = {}) {
    super(args);
    this.scale = args.scale ?? 1;
    if (!(this.scale > 0)) throw invalidArgument('VarianceScaling', 'scale', 'a positive number', args.scale);
    const mode = canonical(args.mode ?? 'fan_in');
    if (mode !== 'fan_in' && mode !== 'fan_out' && mode !== 'fan_avg') throw invalidArgument('VarianceScaling', 'mode', "'fan_in', 'fan_out' or 'fan_avg'", args.mode);
    this.mode = mode;
    const distribution = canonical(args.distribution ?? 'truncated_normal');
    if (!['truncated_normal', 'untruncated_normal', 'normal', 'uniform'].includes(distribution)) {
      throw invalidArgument('VarianceScaling', 'distribution', "'truncated_normal', 'untruncated_normal', 'normal' or 'uniform'", args.distribution);
    }
    this.distribution = distribution as VarianceScaling['distribution'];
  }

  generate(shape: readonly number[]): Float32Array {
    const [fanIn, fanOut] = fans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const rng = this.rng();
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return Float32Array.from({ length: sizeOf(shape) }, () => (2 * rng.uniform() - 1) * limit);
    }
    if (this.distribution === 'untruncated_normal') return Float32Array.from({ length: sizeOf(shape) }, () => rng.normal() * Math.sqrt(variance));
    return truncatedNormal(rng, sizeOf(shape), 0, Math.sqrt(variance) / TRUNCATION_STDDEV);
  }

  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

/**
 * Wraps an initializer without running it: the weights start at zero, the config is the wrapped
 * one's. For models whose weights are set right after construction (loaded models, worker replicas).
 */
export class Deferred extends Initializer {
  /**
   * @param budget when given, the floats the weights may take in all (what a loaded file holds);
   *   a weight beyond it is refused before anything is allocated
   */
  constructor(readonly wrapped: Initializer, private readonly budget?: { floats: number }) {
    super();
  }
  get className(): string {
    return this.wrapped.className;
  }
  generate(shape: readonly number[]): Float32Array {
    const size = sizeOf(shape);
    if (this.budget) {
      if (size > this.budget.floats) {
        throw new ValueError(`The model config declares a weight of shape [${shape.join(', ')}] (${size} values), more than the ${this.budget.floats} values the weight data has left`);
      }
      this.budget.floats -= size;
    }
    return new Float32Array(size);
  }
  override getConfig(): Record<string, unknown> {
    return this.wrapped.getConfig();
  }
}

/** U(−l, l) with l = sqrt(6 / fan_in). */
export class HeUniform extends SeededInitializer {
  readonly className = 'HeUniform';
  generate(shape: readonly number[]): Float32Array {
    const limit = Math.sqrt(6 / fans(shape)[0]);
    const rng = this.rng();
    return Float32Array.from({ length: sizeOf(shape) }, () => (2 * rng.uniform() - 1) * limit);
  }
}

/** A named member of the VarianceScaling family (its Keras config is the seed alone). */
class FixedVarianceScaling extends VarianceScaling {
  constructor(override readonly className: string, family: Omit<VarianceScalingArgs, 'seed'>, args: SeedArgs) {
    super({ ...family, seed: args.seed });
  }
  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** Truncated normal with σ = sqrt(2 / fan_in) (Keras's HeNormal). */
export class HeNormal extends FixedVarianceScaling {
  constructor(args: SeedArgs = {}) {
    super('HeNormal', { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }, args);
  }
}

/** Truncated normal with σ = sqrt(1 / fan_in) (Keras's LecunNormal). */
export class LecunNormal extends FixedVarianceScaling {
  constructor(args: SeedArgs = {}) {
    super('LecunNormal', { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }, args);
  }
}

/** U(−l, l) with l = sqrt(3 / fan_in) (Keras's LecunUniform). */
export class LecunUniform extends FixedVarianceScaling {
  constructor(args: SeedArgs = {}) {
    super('LecunUniform', { scale: 1, mode: 'fan_in', distribution: 'uniform' }, args);
  }
}

/** N(mean, stddev²) redrawn beyond 2 stddev; defaults 0 and 0.05 (Keras 3 and tfjs). */
export class TruncatedNormal extends RandomNormal {
  override readonly className: string = 'TruncatedNormal';
  override generate(shape: readonly number[]): Float32Array {
    return truncatedNormal(this.rng(), sizeOf(shape), this.mean, this.stddev);
  }
}

/** gain times the identity matrix (Keras 3: any 2-D shape, ones on the main diagonal). */
export class Identity extends Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor(args: { gain?: number } = {}) {
    super();
    this.gain = args.gain ?? 1;
  }
  generate(shape: readonly number[]): Float32Array {
    if (shape.length !== 2) throw new ValueError(`Identity initializer needs a 2-D weight, got shape [${shape.join(', ')}]`);
    const out = new Float32Array(shape[0] * shape[1]);
    for (let i = 0; i < Math.min(shape[0], shape[1]); i++) out[i * shape[1] + i] = this.gain;
    return out;
  }
  override getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}

/**
 * Orthogonal: rows (or columns, whichever are fewer) orthonormal, times `gain`. Keras 3's recipe:
 * QR of a normal (max(r, c) × min(r, c)) matrix, Q's columns signed by diag(R), transposed when
 * there are fewer rows than columns (the GRU's (u, 3u) recurrent kernel).
 */
export class Orthogonal extends SeededInitializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  constructor(args: { gain?: number } & SeedArgs = {}) {
    super(args);
    this.gain = args.gain ?? 1;
  }
  generate(shape: readonly number[]): Float32Array {
    if (shape.length < 2) throw new ValueError(`Orthogonal initializer needs a weight of rank ≥ 2, got shape [${shape.join(', ')}]`);
    const cols = shape[shape.length - 1];
    const rows = sizeOf(shape) / cols;
    const m = Math.max(rows, cols), n = Math.min(rows, cols);
    const rng = this.rng();
    const a = Float64Array.from({ length: m * n }, () => rng.normal());
    const q = orthonormalColumns(a, m, n);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = this.gain * q[i * n + j];
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v; // transpose: out is (n = rows) × (m = cols)
      }
    }
    return out;
  }
  override getConfig(): Record<string, unknown> {
    return { gain: this.gain, seed: this.seed };
  }
}

/**
 * Householder QR of a (m × n, m ≥ n, row-major): returns the thin Q (m × n, row-major) with each
 * column multiplied by the sign of R's diagonal, i.e. the Q of the QR whose R has a positive diagonal.
 * Works on columns (contiguous Float64Arrays) so every inner loop is a unit-stride dot or axpy.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const cols = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a[i * n + j]));
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  const reflect = (v: Float64Array, k: number, col: Float64Array) => {
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i] * col[i];
    dot *= 2;
    for (let i = k; i < m; i++) col[i] -= v[i] * dot;
  };
  for (let k = 0; k < n; k++) {
    const x = cols[k];
    let norm = 0;
    for (let i = k; i < m; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    const alpha = x[k] >= 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = x[i];
    v[k] -= alpha;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = k; i < m; i++) v[i] /= vnorm;
    for (let j = k; j < n; j++) reflect(v, k, cols[j]);
    rDiag[k] = cols[k][k];
    vs.push(v);
  }
  // Q = H_0 … H_{n−1} applied to the first n columns of the identity
  const q = Array.from({ length: n }, (_, j) => {
    const e = new Float64Array(m);
    e[j] = 1;
    for (let k = n - 1; k >= 0; k--) reflect(vs[k], k, e);
    return e;
  });
  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const sign = rDiag[j] < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) out[i * n + j] = sign * q[j][i];
  }
  return out;
}

type InitializerFactory = (config: Record<string, unknown>) => Initializer;

const FACTORIES: Record<string, InitializerFactory> = {
  zeros: () => new Zeros(),
  ones: () => new Ones(),
  constant: (c) => new Constant(c as { value: number }),
  random_uniform: (c) => new RandomUniform(c),
  uniform: (c) => new RandomUniform(c),
  random_normal: (c) => new RandomNormal(c),
  glorot_uniform: (c) => new GlorotUniform(c),
  glorot_normal: (c) => new GlorotNormal(c),
  he_uniform: (c) => new HeUniform(c),
  he_normal: (c) => new HeNormal(c),
  lecun_normal: (c) => new LecunNormal(c),
  le_cun_normal: (c) => new LecunNormal(c),
  lecun_uniform: (c) => new LecunUniform(c),
  le_cun_uniform: (c) => new LecunUniform(c),
  truncated_normal: (c) => new TruncatedNormal(c),
  identity: (c) => new Identity(c),
  orthogonal: (c) => new Orthogonal(c),
  variance_scaling: (c) => new VarianceScaling(c),
};

/** snake_case of tfjs/Keras spellings: `glorotUniform`, `GlorotUniform`, `glorot_uniform` → `glorot_uniform`. */
function canonical(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** What layer arguments accept for an initializer. */
export type InitializerIdentifier = string | Initializer | { className: string; config?: Record<string, unknown> } | { class_name: string; config?: Record<string, unknown> };

/** Resolves a name (`'glorotUniform'`, `'glorot_uniform'`), a `{className, config}` object, or an Initializer. */
export function resolveInitializer(value: unknown, owner: string, arg: string): Initializer {
  if (value instanceof Initializer) return value;
  let name: unknown = value;
  let config: Record<string, unknown> = {};
  if (value != null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    name = o.className ?? o.class_name;
    config = (o.config as Record<string, unknown>) ?? {};
  }
  if (typeof name !== 'string') throw invalidArgument(owner, arg, 'an initializer name, {className, config} or an Initializer', value);
  const key = canonical(name);
  if (!Object.hasOwn(FACTORIES, key)) throw unknownName('initializer', name, Object.keys(FACTORIES));
  const factory = FACTORIES[key];
  try {
    return factory(config);
  } catch (e) {
    throw new ValueError(`${owner}: invalid ${arg} ${describe(value)}: ${(e as Error).message}`);
  }
}

/** Keras config form of an initializer: `{class_name, config}`. */
export function serializeInitializer(init: Initializer): { class_name: string; config: Record<string, unknown> } {
  return { class_name: init.className, config: init.getConfig() };
}

/** Factories as wl.initializers exposes them (tfjs spelling). */
export const initializers = tfjsNamespace('initializers', {
  zeros: () => new Zeros(),
  ones: () => new Ones(),
  constant: (args: { value: number }) => new Constant(args),
  randomUniform: (args?: { minval?: number; maxval?: number } & SeedArgs) => new RandomUniform(args),
  randomNormal: (args?: { mean?: number; stddev?: number } & SeedArgs) => new RandomNormal(args),
  glorotUniform: (args?: SeedArgs) => new GlorotUniform(args),
  glorotNormal: (args?: SeedArgs) => new GlorotNormal(args),
  heUniform: (args?: SeedArgs) => new HeUniform(args),
  orthogonal: (args?: { gain?: number } & SeedArgs) => new Orthogonal(args),
  varianceScaling: (args?: VarianceScalingArgs) => new VarianceScaling(args),
  heNormal: (args?: SeedArgs) => new HeNormal(args),
  leCunNormal: (args?: SeedArgs) => new LecunNormal(args),
  leCunUniform: (args?: SeedArgs) => new LecunUniform(args),
  truncatedNormal: (args?: { mean?: number; stddev?: number } & SeedArgs) => new TruncatedNormal(args),
  identity: (args?: { gain?: number }) => new Identity(args),
});
