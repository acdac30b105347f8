/** Validation of layer constructor arguments: each failure names the argument and the value received. */
import { ValueError, invalidArgument, describe } from '../errors.js';
import type { Shape } from '../shape.js';
import { unimplementedOption } from '../not-implemented.js';

/** Arguments every layer takes (tfjs spelling). */
export interface LayerArgs {
  /** Layer name; default `<snake_class>_<n>`. */
  name?: string;
  /** Input shape without the batch axis, for a model's first layer: `[64, 15]`. */
  inputShape?: (number | null)[];
  /** Input shape with the batch axis: `[null, 64, 15]`. */
  batchInputShape?: (number | null)[];
  /** Batch size to combine with inputShape. */
  batchSize?: number;
  /** Whether the weights are updated by training (default true). */
  trainable?: boolean;
  /** Only 'float32'. */
  dtype?: 'float32';
}

/** Arguments every layer takes (handled by the Layer base class; every schema accepts them). */
export const BASE_ARG_KEYS = ['name', 'inputShape', 'batchInputShape', 'batchSize', 'trainable', 'dtype'] as const;

/** Throws on keys that are not arguments of `owner`, suggesting the camelCase spelling of a snake_case key. */
export function checkArgKeys(owner: string, args: object, known: readonly string[]): void {
  if (args == null || typeof args !== 'object') throw new ValueError(`${owner}: expected an arguments object, got ${describe(args)}`);
  for (const key of Object.keys(args)) {
    if (known.includes(key)) continue;
    const unimplemented = unimplementedOption(owner, key);
    if (unimplemented) throw unimplemented;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && known.includes(camel) ? ` Did you mean ${camel}?` : '';
    throw new ValueError(`${owner}: unknown argument ${key}.${hint} Known arguments: ${known.join(', ')}`);
  }
}

export function positiveInteger(owner: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw invalidArgument(owner, arg, 'a positive integer', value);
  return value;
}

/** Resolves inputShape / batchInputShape / batchSize into a batch input shape, or null. */
export function batchInputShapeOf(owner: string, args: LayerArgs): Shape | null {
  const dims = (arg: string, s: unknown): (number | null)[] => {
    if (!Array.isArray(s) || !s.every((d) => d === null || (Number.isSafeInteger(d) && d > 0))) {
      throw invalidArgument(owner, arg, 'an array of positive integers (null for an unknown dimension)', s);
    }
    return s as (number | null)[];
  };
  if (args.batchInputShape != null) return dims('batchInputShape', args.batchInputShape);
  if (args.inputShape != null) {
    const batch = args.batchSize == null ? null : positiveInteger(owner, 'batchSize', args.batchSize);
    return [batch, ...dims('inputShape', args.inputShape)];
  }
  return null;
}
