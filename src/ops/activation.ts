/** Forward and backward of an activation (elementwise or softmax over the last axis) on engine memory. */
import type { Device } from '../backend/engine.js';
import { ActivationCode } from '../backend/activation-codes.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

/** An activation as the ops see it: an elementwise kernel code, or null for softmax over the last axis. */
export interface ActivationOp {
  readonly code: ActivationCode | null;
}

/** y = act(x); y may be x. */
export function activationForward(engine: Device, act: ActivationOp, x: DeviceTensor, y: DeviceTensor): void {
  if (act.code == null) {
    const n = x.shape[x.shape.length - 1];
    engine.kernels.f32_softmax_rows(x.size / n, n, x.ptr, y.ptr);
  } else if (act.code !== ActivationCode.linear || x.ptr !== y.ptr) {
    engine.kernels.f32_activation(x.size, x.ptr, y.ptr, act.code);
  }
}

/** dL/dx from the output y and dL/dy (dy itself for linear). */
export function activationBackward(engine: Device, scratch: Scratch, act: ActivationOp, y: DeviceTensor, dy: DeviceTensor): DeviceTensor {
  if (act.code === ActivationCode.linear) return dy;
  const dx = scratch.alloc(dy.shape);
  if (act.code == null) {
    const n = y.shape[y.shape.length - 1];
    engine.kernels.f32_softmax_rows_bwd(y.size / n, n, y.ptr, dy.ptr, dx.ptr);
  } else {
    engine.kernels.f32_activation_bwd(y.size, y.ptr, dy.ptr, dx.ptr, act.code);
  }
  return dx;
}
