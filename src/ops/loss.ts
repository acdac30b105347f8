/**
 * Loss kernels over rows of the last axis: each returns Σ of the loss values and writes
 * scale·dΣ/d(input) into `grad`.
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor } from './device-tensor.js';

const lastAxis = (t: DeviceTensor) => t.shape[t.shape.length - 1] ?? 1;

/**
 * Softmax + categorical cross-entropy fused: `probs` are a softmax's outputs and the gradient is
 * taken w.r.t. its logits, (p·Σy − y)·scale; the value is −Σ y·log(clip(p, 1e-7, 1 − 1e-7)).
 */
export function softmaxCrossEntropy(engine: Device, probs: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(probs);
  return engine.kernels.f32_softmax_ce(probs.size / n, n, probs.ptr, targets.ptr, grad.ptr, scale);
}

/** Categorical cross-entropy of probabilities (normalised per row, clipped as Keras), gradient w.r.t. them. */
export function categoricalCrossEntropy(engine: Device, probs: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(probs);
  return engine.kernels.f32_categorical_ce(probs.size / n, n, probs.ptr, targets.ptr, grad.ptr, scale);
}

/** Σ over rows of the mean over the last axis of (p − y)². */
export function meanSquaredError(engine: Device, pred: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_mse(pred.size, pred.ptr, targets.ptr, grad.ptr, scale / n) / n;
}

/** Rows (over the last axis) whose argmax in `pred` equals the argmax in `targets`. */
export function argmaxMatches(engine: Device, pred: DeviceTensor, targets: DeviceTensor): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_argmax_matches(pred.size / n, n, pred.ptr, targets.ptr);
}

/** Sparse CE fused with softmax: `targets` hold one class index per row; gradient w.r.t. the logits. */
export function sparseSoftmaxCrossEntropy(engine: Device, probs: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(probs);
  return engine.kernels.f32_sparse_softmax_ce(probs.size / n, n, probs.ptr, targets.ptr, grad.ptr, scale);
}

/** Sparse CE of probabilities (clipped as Keras), gradient w.r.t. them. */
export function sparseCrossEntropy(engine: Device, probs: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(probs);
  return engine.kernels.f32_sparse_ce(probs.size / n, n, probs.ptr, targets.ptr, grad.ptr, scale);
}

/**
 * Σ over rows of the mean over the last axis of binary CE; the gradient w.r.t. a sigmoid's logits
 * when `fusedSigmoid`, else w.r.t. the probabilities.
 */
export function binaryCrossEntropy(engine: Device, pred: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number, fusedSigmoid: boolean): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_binary_ce(pred.size, pred.ptr, targets.ptr, grad.ptr, scale / n, fusedSigmoid) / n;
}

/** Σ over rows of the mean over the last axis of |p − y|. */
export function meanAbsoluteError(engine: Device, pred: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_mae(pred.size, pred.ptr, targets.ptr, grad.ptr, scale / n) / n;
}

/** Σ over rows of the mean over the last axis of the Huber terms (threshold `delta`). */
export function huber(engine: Device, pred: DeviceTensor, targets: DeviceTensor, grad: DeviceTensor, scale: number, delta: number): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_huber(pred.size, pred.ptr, targets.ptr, grad.ptr, scale / n, delta) / n;
}

/** Rows whose argmax in `pred` equals the class index in `targets` (one per row). */
export function sparseArgmaxMatches(engine: Device, pred: DeviceTensor, targets: DeviceTensor): number {
  const n = lastAxis(pred);
  return engine.kernels.f32_sparse_argmax_matches(pred.size / n, n, pred.ptr, targets.ptr);
}
