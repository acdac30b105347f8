/**
 * The Keras 3 config dialect (config.json of a `.keras` file, `model_config` of a legacy `.h5`)
 * translated into the config this library reads (graph/from-config.ts through the layer registry):
 * the translation is a pure function of JSON, so there is one model builder. What it does:
 * - `module` / `registered_name` / `build_config` envelopes are dropped: the class name decides,
 *   and a class the registry does not know (a custom layer not registered with
 *   `wl.serialization.registerClass`, a Lambda) is refused by name, as in Keras's safe mode.
 * - `dtype` policy objects: float32 becomes `'float32'`; any other policy (`mixed_float16`,
 *   `bfloat16`...) is refused naming it, never loaded as float32.
 * - `quantization_config: null` is dropped; a quantization config is refused.
 * - Bidirectional's `backward_layer`, which Keras 3 always writes, is dropped when it is the
 *   forward layer's mirror (same config but its name and `go_backwards`); any other is refused.
 * - Initializers keep their `{class_name, config}` (the envelope dropped, `input_axes` /
 *   `output_axes` dropped when null); regularizers and constraints stay, so a non-null one is
 *   refused by the layer's schema by name.
 * - Activations by dialect: in a Keras 3 file `hard_sigmoid` is Keras 3's clip(x/6 + 0.5, 0, 1),
 *   `keras3_hard_sigmoid` here; in a Keras 2 file it keeps the Keras 2 / tfjs meaning.
 * Functional `inbound_nodes` in either form (Keras 3 `{args, kwargs}` with `__keras_tensor__`, Keras
 * 2 lists) and InputLayer's `batch_shape` / `optional` are read by graph/from-config.ts and
 * layers/core/input.ts.
 */
import { ValueError, describe } from '../../errors.js';
import type { ModelConfig } from '../../models/serialization.js';

/** Which Keras wrote a config: decides what activation names mean. */
export type KerasDialect = 'keras3' | 'keras2';

/** The dialect of a file saved by `kerasVersion` (`'3.15.1'`, `'2.15.0'`); unknown: Keras 3 when the config has `module` entries. */
export function dialectOf(kerasVersion: unknown, config: unknown): KerasDialect {
  if (typeof kerasVersion === 'string' && /^\d/.test(kerasVersion)) return Number.parseInt(kerasVersion, 10) >= 3 ? 'keras3' : 'keras2';
  return config != null && typeof config === 'object' && 'module' in config ? 'keras3' : 'keras2';
}

/** Model classes Keras writes at the top of a config. */
const MODEL_CLASSES = ['Sequential', 'Functional', 'Model'];
/** Keys of a layer's config that hold activation names. */
const ACTIVATION_KEYS = ['activation', 'recurrent_activation'];
/** Keys of a layer's config that hold one nested layer config. */
const NESTED_LAYER_KEYS = ['layer'];
/** dtype policy classes of Keras 3 (FloatDTypePolicy: Keras 3.0-3.3). */
const POLICY_CLASSES = ['DTypePolicy', 'FloatDTypePolicy'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v != null && typeof v === 'object' && !Array.isArray(v);

/**
 * A model config of Keras 3 (or Keras 2) translated into what `modelFromConfig` reads.
 * @example const spec = fromKerasConfig(JSON.parse(configJson), 'keras3'); const model = modelFromConfig(spec);
 */
export function fromKerasConfig(spec: unknown, dialect: KerasDialect): ModelConfig {
  if (!isObject(spec) || typeof spec.class_name !== 'string') throw new ValueError(`A Keras model config must be {class_name, config}, got ${describe(spec)}`);
  if (!MODEL_CLASSES.includes(spec.class_name)) {
    throw new ValueError(`The file holds a ${describe(spec.class_name)}, not a model this library can load (${MODEL_CLASSES.join(', ')}); subclassed models cannot be rebuilt from a config`);
  }
  const config = spec.config;
  if (!isObject(config)) throw new ValueError(`The ${spec.class_name} config must be an object, got ${describe(config)}`);
  const name = typeof config.name === 'string' ? config.name : spec.class_name;
  policyDType(config.dtype, `model ${name}`);
  if (!Array.isArray(config.layers)) throw new ValueError(`The ${spec.class_name} config has no layers array, got ${describe(config.layers)}`);
  const layers = config.layers.map((l, i) => layerSpec(l, dialect, `${name}.layers[${i}]`, 0));
  const out: Json = { name, layers };
  for (const key of ['input_layers', 'output_layers']) if (key in config) out[key] = config[key];
  return { class_name: spec.class_name === 'Sequential' ? 'Sequential' : 'Model', config: out };
}

/** Nested layer configs deeper than this are refused (wrappers in wrappers...). */
const MAX_DEPTH = 16;

function layerSpec(spec: unknown, dialect: KerasDialect, where: string, depth: number): Json {
  if (depth > MAX_DEPTH) throw new ValueError(`${where}: layer configs are nested more than ${MAX_DEPTH} deep`);
  if (!isObject(spec) || typeof spec.class_name !== 'string') throw new ValueError(`${where}: a layer config must be {class_name, config}, got ${describe(spec)}`);
  const config = spec.config ?? {};
  if (!isObject(config)) throw new ValueError(`${where} (${spec.class_name}): the config must be an object, got ${describe(config)}`);
  const name = typeof config.name === 'string' ? config.name : where;
  const out: Json = { class_name: spec.class_name, config: layerConfig(spec.class_name, config, dialect, `${spec.class_name} ${name}`, depth) };
  if ('name' in spec) out.name = spec.name;
  if ('inbound_nodes' in spec) out.inbound_nodes = spec.inbound_nodes;
  return out;
}

function layerConfig(className: string, config: Json, dialect: KerasDialect, where: string, depth: number): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'dtype') {
      // InputLayer's dtype is the data's (int32 token ids...), not a compute policy
      out.dtype = className === 'InputLayer' && typeof value === 'string' ? value : policyDType(value, where);
    } else if (key === 'quantization_config') {
      if (value != null) throw new ValueError(`${where}: quantization_config=${describe(value)} is not supported (quantized layers)`);
    } else if (ACTIVATION_KEYS.includes(key) && dialect === 'keras3' && value === 'hard_sigmoid') {
      out[key] = 'keras3_hard_sigmoid';
    } else if (NESTED_LAYER_KEYS.includes(key) && isObject(value)) {
      out[key] = layerSpec(value, dialect, `${where}.${key}`, depth + 1);
    } else if (key === 'backward_layer' && className === 'Bidirectional') {
      if (value != null && !mirrorsForward(config.layer, value)) {
        throw new ValueError(`${where}: backward_layer=${describe((value as Json).class_name)} differs from the forward layer's mirror; a separate backward layer is not supported`);
      }
    } else if (key.endsWith('_initializer') && isObject(value)) {
      out[key] = initializer(value);
    } else {
      // an own property even for "__proto__" (plain assignment would set the prototype and drop the key unseen): the layer's schema refuses it by name
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** A Keras 3 initializer `{module, class_name, config, registered_name}` as `{class_name, config}`. */
function initializer(value: Json): Json {
  const config = isObject(value.config) ? { ...value.config } : value.config;
  // Keras 3.15's variance-scaling initializers name their fan axes; null is the default
  if (isObject(config)) for (const k of ['input_axes', 'output_axes']) if (config[k] === null) delete config[k];
  return config === undefined ? { class_name: value.class_name } : { class_name: value.class_name, config };
}

/** Whether a Bidirectional's backward_layer is what Keras makes from its layer (name and go_backwards aside). */
function mirrorsForward(forward: unknown, backward: unknown): boolean {
  if (!isObject(forward) || !isObject(backward) || forward.class_name !== backward.class_name) return false;
  const strip = (c: unknown) => {
    const { name: _n, go_backwards: _g, ...rest } = isObject(c) ? c : {};
    return rest;
  };
  const f = forward.config as Json;
  const b = backward.config as Json;
  if (!isObject(f) || !isObject(b) || Boolean(f.go_backwards) === Boolean(b.go_backwards)) return false;
  return JSON.stringify(sorted(strip(f))) === JSON.stringify(sorted(strip(b)));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isObject(value)) return value;
  // shared_object_id: Keras's identity of an object within one save, not part of its config
  return Object.fromEntries(Object.keys(value).filter((k) => k !== 'shared_object_id').sort().map((k) => [k, sorted(value[k])]));
}

/** `'float32'` for a float32 dtype or policy; anything else refused naming the policy. */
function policyDType(dtype: unknown, where: string): 'float32' | undefined {
  if (dtype == null || dtype === 'float32') return dtype == null ? undefined : 'float32';
  if (isObject(dtype) && typeof dtype.class_name === 'string' && POLICY_CLASSES.includes(dtype.class_name)) {
    const name = isObject(dtype.config) ? dtype.config.name : undefined;
    if (name === 'float32') return 'float32';
    throw new ValueError(`${where}: the dtype policy ${describe(name)} is not supported (float32 only); save the model with dtype policy "float32" in Keras`);
  }
  throw new ValueError(`${where}: dtype ${describe(dtype)} is not supported (float32 only)`);
}

/** Keras 3's float32 dtype policy object. */
export const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/**
 * One layer's config (as `layer.getConfig()` writes it) in the Keras 3 dialect: dtype as a policy
 * object, initializers and nested layers in Keras 3's envelope, `keras3_hard_sigmoid` as Keras 3's
 * `hard_sigmoid`. tfjs's hard_sigmoid (0.2x + 0.5) has no Keras 3 equivalent and is refused, as is
 * any option Keras 3 does not have. `batch_input_shape` is left out: the model's InputLayer holds it.
 */
export function toKeras3LayerConfig(className: string, config: Json, where = `${className} ${describe(config.name)}`): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'batch_input_shape') continue;
    if (key === 'dtype') out.dtype = FLOAT32_POLICY;
    else if (ACTIVATION_KEYS.includes(key) && value === 'hard_sigmoid') {
      throw new ValueError(`${where}: ${key} "hard_sigmoid" is tfjs's clip(0.2x + 0.5, 0, 1), which Keras 3 does not have (its hard_sigmoid is keras3_hard_sigmoid here); a .keras file cannot hold it`);
    } else if (ACTIVATION_KEYS.includes(key) && value === 'keras3_hard_sigmoid') out[key] = 'hard_sigmoid';
    else if (NESTED_LAYER_KEYS.includes(key) && isObject(value)) out[key] = keras3Envelope(value.class_name as string, toKeras3LayerConfig(value.class_name as string, value.config as Json), 'keras.layers');
    else if (key.endsWith('_initializer') && isObject(value)) out[key] = keras3Envelope(value.class_name as string, (value.config ?? {}) as Json, 'keras.initializers');
    else out[key] = value;
  }
  return out;
}

/** `{module, class_name, config, registered_name: null}`, as Keras 3 serializes its own classes. */
export function keras3Envelope(className: string, config: Json, module: string): Json {
  return { module, class_name: className, config, registered_name: null };
}
