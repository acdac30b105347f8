/**
 * Every error the engine raises is made here, so messages stay consistent: each says what was
 * expected and what was received.
 */

/** Raised for invalid arguments, shapes and configurations (Keras raises ValueError). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** Raised when an operation is used in a state that does not allow it (e.g. fit before compile). */
export class StateError extends Error {
  override name = 'StateError';
}

/**
 * Raised for a TensorFlow.js name or option this library does not implement yet (tfjs-layers raises
 * NotImplementedError too); the message says what to use instead.
 */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}

/** User data quoted in a message is cut to this many characters (a message stays readable). */
const MAX_QUOTED = 200;

/** Formats a value for an error message: short, unambiguous, never throws. */
export function describe(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value.length > MAX_QUOTED ? `${JSON.stringify(value.slice(0, MAX_QUOTED))}… (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) {
    if (depth >= 4) return '[…]';
    const shown = value.slice(0, 8).map((v) => describe(v, depth + 1)).join(', ');
    return value.length > 8 ? `[${shown}, …]` : `[${shown}]`;
  }
  if (value instanceof DataView) return `DataView(${value.byteLength} bytes)`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  // class instances with their own text (a Tensor: `Tensor float32 [2, 3]`), never their contents
  const text = (value as { toString?: unknown }).toString;
  if (typeof text === 'function' && text !== Object.prototype.toString) return String(value);
  let json: string;
  try {
    if (nestingDepth(value, 32) > 32) return `${Object.prototype.toString.call(value)} (nested more than 32 deep)`;
    json = JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
  return json.length > MAX_QUOTED ? `${json.slice(0, MAX_QUOTED)}… (${json.length} characters)` : json;
}

/** `Received an invalid value for units, expected a positive integer. Received: units=0` (Keras). */
export function invalidArgument(owner: string, arg: string, expected: string, received: unknown): ValueError {
  return new ValueError(`${owner}: received an invalid value for ${arg}, expected ${expected}. Received: ${arg}=${describe(received)}`);
}

/** An unknown name for a kind of thing (activation, loss, optimizer, layer class...), listing the known ones. */
export function unknownName(kind: string, received: unknown, known: readonly string[]): ValueError {
  return new ValueError(`Unknown ${kind}: ${describe(received)}. Expected one of: ${known.join(', ')}`);
}

/** The Keras 2 data-check messages of fit/evaluate (shared/SPEC.md §7). */
export function rankMismatch(what: 'input' | 'target', name: string, rank: number, received: readonly number[]): ValueError {
  return new ValueError(
    `Error when checking ${what}: expected ${name} to have ${rank} dimensions, but got array with shape ${pythonTuple(received)}`,
  );
}

export function shapeMismatch(
  what: 'input' | 'target', name: string, expected: readonly (number | null)[], received: readonly number[],
): ValueError {
  return new ValueError(
    `Error when checking ${what}: expected ${name} to have shape ${pythonTuple(expected)} but got array with shape ${pythonTuple(received)}`,
  );
}

export function sampleCountMismatch(inputs: number, targets: number): ValueError {
  return new ValueError(
    `Input arrays should have the same number of samples as target arrays. Found ${inputs} input samples and ${targets} target samples.`,
  );
}

/** Python tuple text of a shape: `(None, 64, 8)`, `(8,)`. */
export function pythonTuple(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d == null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** A worker failed while running its shard of a step (piscina-style: the cause is attached). */
export class WorkerError extends Error {
  override name = 'WorkerError';
}

export function workerFailed(shard: number, shards: number, kind: string, cause: unknown): WorkerError {
  const reason = cause instanceof Error ? cause.message : describe(cause);
  return new WorkerError(`Worker for shard ${shard + 1} of ${shards} failed during a ${kind} step: ${reason}`, { cause });
}

/**
 * How deep `value` nests (objects and arrays), counted without recursion and up to `limit` + 1, so a
 * hostile value cannot overflow the stack of the code that measures it.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node == null || typeof node !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) if (child != null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Configs and files nesting deeper than this are refused before anything walks them. */
export const MAX_CONFIG_DEPTH = 100;

/** Refuses `value` (a config or a file's JSON, named `what`) when it nests deeper than MAX_CONFIG_DEPTH. */
export function checkConfigDepth(value: unknown, what: string): void {
  if (nestingDepth(value, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH) {
    throw new ValueError(`${what} nests objects and arrays more than ${MAX_CONFIG_DEPTH} deep; a model config needs far fewer levels`);
  }
}
