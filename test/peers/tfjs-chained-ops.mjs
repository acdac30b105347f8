// tfjs-core's Node entry (a CommonJS bundle) does not register the chained tensor methods
// (t.flatten(), t.reshape(), ...) that tfjs-layers calls; the @tensorflow/tfjs union package does it
// by importing tfjs-core/dist/public/chained_ops/register_all_chained_ops, an ESM file Node cannot
// load. This registers the same methods, each a call of the op of the same name on `this`.
import * as tf from '@tensorflow/tfjs-core';

const SAME_NAME = `abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND
  batchNorm broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace
  depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv
  gather greater greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual localResponseNormalization
  log log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum
  mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6
  reshape reverse rfft round rsqrt selu separableConv2d sigmoid sign sin sinh slice softmax softplus
  spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan tanh tile topk
  transpose unique unsortedSegmentSum unstack zerosLike`.split(/\s+/);

const SPECIAL = {
  resizeBilinear(...a) { return tf.image.resizeBilinear(this, ...a); },
  resizeNearestNeighbor(...a) { return tf.image.resizeNearestNeighbor(this, ...a); },
  asScalar() { tf.util.assert(this.size === 1, () => 'The array must have only 1 element.'); return tf.reshape(this, []); },
  as1D() { return tf.reshape(this, [this.size]); },
  as2D(...shape) { return tf.reshape(this, shape); },
  as3D(...shape) { return tf.reshape(this, shape); },
  as4D(...shape) { return tf.reshape(this, shape); },
  as5D(...shape) { return tf.reshape(this, shape); },
  asType(dtype) { return tf.cast(this, dtype); },
  flatten() { return tf.reshape(this, [this.size]); },
  reshapeAs(x) { return tf.reshape(this, x.shape); },
  toBool() { return tf.cast(this, 'bool'); },
  toFloat() { return tf.cast(this, 'float32'); },
  toInt() { return tf.cast(this, 'int32'); },
  concat(x, axis) { return tf.concat([this, ...(x instanceof tf.Tensor ? [x] : x)], axis); },
  stack(x, axis) { return tf.stack(x instanceof tf.Tensor ? [this, x] : [this, ...x], axis); },
  where(condition, x) { return tf.where(condition, this, x); },
};

const proto = tf.Tensor.prototype;
for (const name of SAME_NAME) {
  if (typeof tf[name] !== 'function') throw new Error(`tfjs-core has no op ${name}`);
  proto[name] ??= function (...args) { this.throwIfDisposed(); return tf[name](this, ...args); };
}
for (const [name, fn] of Object.entries(SPECIAL)) {
  proto[name] ??= function (...args) { this.throwIfDisposed(); return fn.apply(this, args); };
}
