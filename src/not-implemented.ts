/**
 * What a TensorFlow.js script meets when it reaches past what is built here: a tfjs namespace member
 * (`tf.layers.conv2d`) or option (`fit({classWeight})`) this library lacks is a NotImplementedError that
 * names it and says what to use instead, never `undefined is not a function` or "unknown argument".
 * Top-level names (`tf.conv2d`) are read from an ES module namespace, which no code can intercept.
 */
import { NotImplementedError } from './errors.js';
import { TFJS_NAMESPACE_MEMBERS, type TfjsNamespace } from './tfjs-names.js';

/** Per namespace: what to do about a tfjs member that is missing here. */
const INSTEAD: Record<TfjsNamespace, string> = {
  layers: 'A model that needs it has to be trained with TensorFlow.js itself (README, "What is supported", gives the options of each layer built here).',
  initializers: 'Use one of the initializers listed below, by name or as an object.',
  regularizers: 'Layers accept regularizers only at their default (none); add a penalty to your data or train with TensorFlow.js.',
  constraints: 'Layers accept constraints only at their default (none).',
  metrics: 'Use one of the metric functions listed below, or compute it with the tensor ops.',
  callbacks: 'Use one of the callbacks listed below, or a callback object ({onEpochEnd, onBatchEnd, ...}).',
  train: 'Use tf.train.rmsprop, adam, sgd or momentum (model.compile also takes their names).',
  losses: 'Use one of the loss functions listed below, or compute it with the tensor ops.',
  util: 'Use the helpers listed below or plain JavaScript.',
  io: 'Use the handlers listed below (file://, http(s)://, indexeddb://, localstorage://, downloads://, in memory).',
  data: 'Use tf.data.array, generator or zip; a generator can read any source (a file, a socket, fetch).',
};

/**
 * `members` as the tfjs namespace `tf.<name>`: reading a member tfjs has and this library lacks throws
 * a NotImplementedError naming it, with what to use instead; any other missing member reads as
 * undefined, as on a plain object (so feature probes and inspection keep working).
 * @internal
 */
export function tfjsNamespace<T extends object>(name: TfjsNamespace, members: T): T {
  const tfjsMembers: ReadonlySet<string> = new Set(TFJS_NAMESPACE_MEMBERS[name]);
  return new Proxy(members, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || key in target || !tfjsMembers.has(key)) return Reflect.get(target, key, receiver);
      const available = Object.keys(target).sort().join(', ');
      throw new NotImplementedError(`wasm-layers does not implement tf.${name}.${key} yet. ${INSTEAD[name]} Available in tf.${name}: ${available}.`);
    },
  });
}

/**
 * tfjs options this library does not implement yet, per function (as checkArgKeys names its owner),
 * with what to use instead. An option not listed here and not known is an unknown argument.
 */
const TFJS_OPTIONS: Record<string, Record<string, string>> = {
  fit: {
    classWeight: 'repeat or drop examples to balance the classes, or weight the targets',
    sampleWeight: 'repeat or drop examples, or weight the targets',
    stepsPerEpoch: 'use model.fitDataset(dataset, {batchesPerEpoch})',
    validationSteps: 'use model.fitDataset with validationData and validationBatches',
    validationBatchSize: 'validation runs at the fit batchSize',
  },
  fitDataset: {
    classWeight: 'repeat or drop examples to balance the classes, or weight the targets',
    validationBatchSize: 'batch the validation dataset itself',
  },
  evaluate: {
    sampleWeight: 'weight or select the examples before evaluating',
    steps: 'evaluate on a slice of the data, or use model.evaluateDataset(dataset, {batches})',
  },
  predict: {},
  save: {
    trainableOnly: 'save the whole model (model.save) and keep the weights you need from model.getWeights()',
  },
  loadLayersModel: {
    strict: 'loading is always strict here: every weight must match',
    onProgress: 'loading reports no progress',
    weightPathPrefix: 'put weights.bin next to model.json, or load through an io handler',
    fetchFunc: 'load through wl.io.httpHandler or an in-memory handler',
    requestInit: 'load through wl.io.httpHandler or an in-memory handler',
    weightUrlConverter: 'load through wl.io.httpHandler or an in-memory handler',
    streamWeights: 'weights are read whole',
  },
  compile: {},
};

/** The NotImplementedError for tfjs option `key` of `owner`, or null when tfjs has no such option either. */
export function unimplementedOption(owner: string, key: string): NotImplementedError | null {
  const instead = TFJS_OPTIONS[owner]?.[key];
  if (instead === undefined) return null;
  return new NotImplementedError(`${owner}: ${key} is a TensorFlow.js option wasm-layers does not implement yet; ${instead}.`);
}
