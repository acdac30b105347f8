/**
 * The member names of TensorFlow.js 4.22's namespaces (tfjs-layers and tfjs-core; tf.data from tfjs-data),
 * so that reading one this library lacks says so by name (src/not-implemented.ts). test/peers/tfjs-names.test.ts
 * keeps the lists equal to the installed tfjs.
 */
export const TFJS_NAMESPACE_MEMBERS = {
  layers: [
    'Layer', 'RNN', 'RNNCell', 'activation', 'add', 'alphaDropout', 'average', 'averagePooling1d',
    'averagePooling2d', 'averagePooling3d', 'avgPool1d', 'avgPool2d', 'avgPool3d', 'avgPooling1d',
    'avgPooling2d', 'avgPooling3d', 'batchNormalization', 'bidirectional', 'categoryEncoding', 'centerCrop',
    'concatenate', 'conv1d', 'conv2d', 'conv2dTranspose', 'conv3d', 'conv3dTranspose', 'convLstm2d',
    'convLstm2dCell', 'cropping2D', 'dense', 'depthwiseConv2d', 'dot', 'dropout', 'elu', 'embedding',
    'flatten', 'gaussianDropout', 'gaussianNoise', 'globalAveragePooling1d', 'globalAveragePooling2d',
    'globalMaxPool1d', 'globalMaxPool2d', 'globalMaxPooling1d', 'globalMaxPooling2d', 'gru', 'gruCell',
    'input', 'inputLayer', 'layerNormalization', 'leakyReLU', 'lstm', 'lstmCell', 'masking', 'maxPool1d',
    'maxPool2d', 'maxPooling1d', 'maxPooling2d', 'maxPooling3d', 'maximum', 'minimum', 'multiply', 'permute',
    'prelu', 'randomWidth', 'reLU', 'repeatVector', 'rescaling', 'reshape', 'resizing', 'rnn',
    'separableConv2d', 'simpleRNN', 'simpleRNNCell', 'softmax', 'spatialDropout1d', 'stackedRNNCells',
    'thresholdedReLU', 'timeDistributed', 'upSampling2d', 'zeroPadding2d',
  ],
  initializers: [
    'constant', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'identity', 'leCunNormal',
    'leCunUniform', 'ones', 'orthogonal', 'randomNormal', 'randomUniform', 'truncatedNormal',
    'varianceScaling', 'zeros',
  ],
  regularizers: [
    'l1', 'l1l2', 'l2',
  ],
  constraints: [
    'maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm',
  ],
  metrics: [
    'MAPE', 'MSE', 'binaryAccuracy', 'binaryCrossentropy', 'categoricalAccuracy', 'categoricalCrossentropy',
    'cosineProximity', 'mape', 'meanAbsoluteError', 'meanAbsolutePercentageError', 'meanSquaredError', 'mse',
    'precision', 'r2Score', 'recall', 'sparseCategoricalAccuracy',
  ],
  callbacks: [
    'earlyStopping',
  ],
  train: [
    'adadelta', 'adagrad', 'adam', 'adamax', 'momentum', 'rmsprop', 'sgd',
  ],
  losses: [
    'absoluteDifference', 'computeWeightedLoss', 'cosineDistance', 'hingeLoss', 'huberLoss', 'logLoss',
    'meanSquaredError', 'sigmoidCrossEntropy', 'softmaxCrossEntropy',
  ],
  util: [
    'arraysEqual', 'arraysEqualWithNull', 'assert', 'assertNonNegativeIntegerDimensions', 'assertNonNull',
    'assertShapesMatch', 'bytesFromStringArray', 'bytesPerElement', 'checkConversionForErrors', 'clamp',
    'computeStrides', 'convertBackendValuesAndArrayBuffer', 'createScalarValue', 'createShuffledIndices',
    'decodeString', 'distSquared', 'encodeString', 'fetch', 'fingerPrint64', 'flatten', 'getArrayFromDType',
    'getTypedArrayFromDType', 'hasEncodingLoss', 'hexToLong', 'indexToLoc', 'inferDtype',
    'inferFromImplicitShape', 'isBoolean', 'isFunction', 'isInt', 'isNumber', 'isPromise', 'isScalarShape',
    'isString', 'isTypedArray', 'isValidDtype', 'locToIndex', 'makeOnesTypedArray',
    'makeZerosNestedTypedArray', 'makeZerosTypedArray', 'nearestDivisor', 'nearestLargerEven', 'now',
    'parseAxisParam', 'randUniform', 'repeatedTry', 'rightPad', 'shuffle', 'shuffleCombo', 'sizeFromShape',
    'sizeToSquarishShape', 'squeezeShape', 'sum', 'swap', 'tanh', 'toNestedArray', 'toTypedArray',
  ],
  io: [
    'CompositeArrayBuffer', 'browserFiles', 'browserHTTPRequest', 'concatenateArrayBuffers', 'copyModel',
    'decodeWeights', 'decodeWeightsStream', 'encodeWeights', 'fromMemory', 'fromMemorySync',
    'getLoadHandlers', 'getModelArtifactsForJSON', 'getModelArtifactsForJSONSync',
    'getModelArtifactsInfoForJSON', 'getSaveHandlers', 'getWeightSpecs', 'http', 'isHTTPScheme',
    'listModels', 'loadWeights', 'moveModel', 'registerLoadRouter', 'registerSaveRouter', 'removeModel',
    'weightsLoaderFactory', 'withSaveHandler', 'withSaveHandlerSync',
  ],
  data: [
    'array', 'csv', 'func', 'generator', 'microphone', 'webcam', 'zip',
  ],
} as const;

/** A tfjs namespace this library mirrors. */
export type TfjsNamespace = keyof typeof TFJS_NAMESPACE_MEMBERS;
