/**
 * Layer arguments declared once. A layer lists its arguments as specs (tfjs camelCase names); from
 * that one list come the argument checks (unknown keys and bad values named with what was expected
 * and received), the resolved values the layer reads, the Keras config it writes (snake_case keys),
 * and the arguments rebuilt from a config (saved models, worker replicas). Features not supported
 * yet are specs that accept only Keras's default, so a config using them is refused by name rather
 * than silently dropped.
 */
import { ValueError, describe, invalidArgument } from '../errors.js';
import { BASE_ARG_KEYS, checkArgKeys } from './args.js';
import { resolveActivation, type Activation } from './activations.js';
import { Deferred, resolveInitializer, serializeInitializer, type Initializer } from './initializers.js';
import type { Layer } from './layer.js';

/** What rebuilding arguments from a config needs. */
export interface FromConfigContext {
  /** false: weights start at zero without running their initializers (they are set right after). */
  initialize: boolean;
  /** With initialize false: the values the weights may take in all (a loaded file's). */
  weightBudget?: { floats: number };
  /** Builds a nested layer from its `{class_name, config}` (wrappers). */
  layerFromConfig(spec: unknown): Layer;
}

/** One argument: how a value is checked and defaulted, written to a config and read back. */
export interface ArgSpec<T> {
  /** The resolved value of a user's argument (undefined: the default); throws on a bad value. */
  resolve(owner: string, arg: string, value: unknown): T;
  /** The config value of a resolved value. */
  toConfig(value: T): unknown;
  /** The argument value a config value stands for (default: the config value itself). */
  fromConfig?(value: unknown, ctx: FromConfigContext): unknown;
  /** Left out of the written config (accepted for compatibility only). */
  readonly omitFromConfig?: boolean;
}

const identity = <T>(v: T): unknown => v;

/** The argument specs layers use. */
export const arg = {
  /** A required positive integer. */
  positiveInt(): ArgSpec<number> {
    return {
      resolve(owner, name, v) {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw invalidArgument(owner, name, 'a positive integer', v);
        return v;
      },
      toConfig: identity,
    };
  },
  /** true / false, with a default. */
  bool(fallback: boolean): ArgSpec<boolean> {
    return {
      resolve(owner, name, v) {
        if (v === undefined) return fallback;
        if (typeof v !== 'boolean') throw invalidArgument(owner, name, 'true or false', v);
        return v;
      },
      toConfig: identity,
    };
  },
  /** A fraction in [0, 1) (a dropout rate), default 0. */
  rate(): ArgSpec<number> {
    return {
      resolve(owner, name, v) {
        if (v === undefined || v === null) return 0;
        if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw invalidArgument(owner, name, 'a number in [0, 1)', v);
        return v;
      },
      toConfig: identity,
    };
  },
  /** A required fraction in [0, 1] (the Dropout layers' rate; Keras 3 refuses values outside, tfjs clips them). */
  fraction(): ArgSpec<number> {
    return {
      resolve(owner, name, v) {
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalidArgument(owner, name, 'a number in [0, 1]', v);
        return v;
      },
      toConfig: identity,
    };
  },
  /** An optional integer seed (null: none). */
  seed(): ArgSpec<number | null> {
    return {
      resolve(owner, name, v) {
        if (v === undefined || v === null) return null;
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidArgument(owner, name, 'an integer or null', v);
        return v;
      },
      toConfig: identity,
    };
  },
  /** One of a fixed list of values (Keras's default first). */
  oneOf<T>(allowed: readonly T[]): ArgSpec<T> {
    return {
      resolve(owner, name, v) {
        if (v === undefined) return allowed[0];
        if (!allowed.some((a) => a === v)) throw invalidArgument(owner, name, `one of ${allowed.map((a) => describe(a)).join(', ')}`, v);
        return v as T;
      },
      toConfig: identity,
    };
  },
  /** An activation name (tfjs or Keras spelling); `elementwise` refuses softmax. */
  activation(fallback: string, { elementwise = false } = {}): ArgSpec<Activation> {
    return {
      resolve(owner, name, v) {
        const act = resolveActivation(v ?? fallback);
        if (elementwise && act.code == null) throw invalidArgument(owner, name, 'an elementwise activation (tanh, sigmoid, hard_sigmoid, relu, linear)', v);
        return act;
      },
      toConfig: (act) => act.name,
    };
  },
  /** An initializer (name, `{className, config}` or an Initializer), with a default name. */
  initializer(fallback: string): ArgSpec<Initializer> {
    return {
      resolve: (owner, name, v) => resolveInitializer(v ?? fallback, owner, name),
      toConfig: serializeInitializer,
      fromConfig(v, ctx) {
        const init = resolveInitializer(v ?? fallback, 'config', 'initializer');
        return ctx.initialize ? init : new Deferred(init, ctx.weightBudget);
      },
    };
  },
  /** A layer instance (a wrapper's inner layer); its config nests `{module, class_name, config}`. */
  layer(example = 'wl.layers.dense({ units: 8 })'): ArgSpec<Layer> {
    return {
      resolve(owner, name, v) {
        if (v == null || typeof v !== 'object' || typeof (v as Layer).getConfig !== 'function' || typeof (v as Layer).apply !== 'function') {
          throw new ValueError(`${owner}: the ${name} argument must be a layer, e.g. ${example}. Received: ${name}=${describe(v)}`);
        }
        return v as Layer;
      },
      // Keras 3 needs the nested layer's module; tfjs ignores it
      toConfig: (layer) => ({ module: 'keras.layers', class_name: layer.className, config: layer.getConfig() }),
      fromConfig: (v, ctx) => ctx.layerFromConfig(v),
    };
  },
  /**
   * A Keras option not supported yet: accepted only with one of `allowed` (Keras's default first,
   * which the config writes); anything else is an error naming `why`.
   */
  onlyDefault<T>(allowed: readonly T[], why = 'not supported yet'): ArgSpec<T> {
    return {
      resolve(owner, name, v) {
        if (v === undefined) return allowed[0];
        if (!allowed.some((a) => a === v)) throw invalidArgument(owner, name, `${allowed.map((a) => describe(a)).join(' or ')} (${why})`, v);
        return v as T;
      },
      toConfig: () => allowed[0],
    };
  },
  /** Accepted for compatibility with no effect (tfjs's `implementation`, `unroll`): not validated beyond its type. */
  ignored(type: 'boolean' | 'number' | 'any', fallback: unknown): ArgSpec<unknown> {
    return {
      resolve(owner, name, v) {
        if (v === undefined || v === null) return fallback;
        if (type !== 'any' && typeof v !== type) throw invalidArgument(owner, name, `a ${type}`, v);
        return v;
      },
      toConfig: identity,
    };
  },
};


/** Config keys every layer may carry besides its own (Keras 3 adds module, registered_name, build_config). */
const BASE_CONFIG_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape', 'module', 'registered_name', 'build_config'];

/** `useBias` → `use_bias`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A layer's argument specs by argument name. */
export type Specs = Record<string, ArgSpec<unknown>>;
/** The resolved values of a schema's arguments. */
export type Resolved<S extends Specs> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

/** The resolved arguments of a schema: `declare protected readonly options: ArgsOf<typeof SCHEMA>`. */
export type ArgsOf<T> = T extends LayerSchema<infer S> ? Resolved<S> : never;

/** A layer class's arguments: checks, config writing and reading. */
export class LayerSchema<S extends Specs> {
  /** Every argument name a constructor accepts (base ones included). */
  readonly argNames: readonly string[];

  constructor(readonly className: string, readonly specs: S) {
    this.argNames = [...BASE_ARG_KEYS, ...Object.keys(specs)];
  }

  /** Checks `args` (an object of known keys, valid values) and returns every argument resolved. */
  resolve(args: object): Resolved<S> {
    checkArgKeys(this.className, args, this.argNames);
    const given = args as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(this.specs)) out[name] = spec.resolve(this.className, name, given[name]);
    return out as Resolved<S>;
  }

  /** The layer's own config entries (snake_case keys). */
  toConfig(resolved: Resolved<S>): Record<string, unknown> {
    const config: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(this.specs)) {
      if (!spec.omitFromConfig) config[snakeCase(name)] = spec.toConfig(resolved[name] as never);
    }
    return config;
  }

  /** Constructor arguments from a Keras config; a key the schema does not know is refused by name. */
  argsFromConfig(config: Record<string, unknown>, ctx: FromConfigContext): Record<string, unknown> {
    const byKey = new Map(Object.keys(this.specs).map((name) => [snakeCase(name), name]));
    for (const [key, value] of Object.entries(config)) {
      if (!BASE_CONFIG_KEYS.includes(key) && !byKey.has(key)) throw new ValueError(`${this.className} config: ${key}=${describe(value)} is not supported`);
    }
    const args: Record<string, unknown> = {};
    for (const [key, name] of byKey) {
      const spec = this.specs[name];
      const present = Object.hasOwn(config, key);
      // a spec that reads configs (initializers, nested layers) also stands for its absent default
      if (!present && !spec.fromConfig) continue;
      const value = spec.fromConfig ? spec.fromConfig(config[key], ctx) : config[key];
      // a spec refuses an unsupported value with the argument's name; say it is the config's
      try {
        spec.resolve(this.className, name, value);
      } catch (e) {
        throw new ValueError(`${this.className} config: ${key}=${describe(config[key])} is not supported: ${(e as Error).message}`);
      }
      args[name] = value;
    }
    return args;
  }
}

/**
 * Declares a layer's arguments. `Args` is the layer's TSDoc'd argument interface: every one of its
 * own keys must have a spec (TypeScript checks it); extra specs are Keras options accepted at their
 * default only.
 */
export function layerSchema<Args>() {
  return <S extends Specs & { [K in Exclude<keyof Args, (typeof BASE_ARG_KEYS)[number]>]-?: ArgSpec<unknown> }>(className: string, specs: S) =>
    new LayerSchema<S>(className, specs);
}
