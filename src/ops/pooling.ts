/**
 * 1-D pooling on engine memory (shared/SPEC-LAYERS.md §11, §12), channels_last: max with the
 * arg-max kept for backward, average over each window's real (and unmasked) cells. Global pooling
 * is one window over all steps.
 */
import type { Device } from '../backend/engine.js';
import { conv1dGeometry } from './conv1d.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

export type Pool1DPadding = 'valid' | 'same';

/** A pooling window's geometry: output length, window, stride and the padding before the sequence. */
export interface Pool1DGeometry {
  steps: number;
  pool: number;
  stride: number;
  padBefore: number;
  outSteps: number;
}

/** The geometry of pooling windows of `pool` steps every `stride` (Keras's output length and SAME padding). */
export function pool1dGeometry(steps: number, pool: number, stride: number, padding: Pool1DPadding): Pool1DGeometry {
  const { outSteps, padBefore } = conv1dGeometry(steps, pool, stride, 1, padding);
  return { steps, pool, stride, padBefore, outSteps };
}

/** One window over all `steps` (global pooling). */
export const globalGeometry = (steps: number): Pool1DGeometry => ({ steps, pool: steps, stride: steps, padBefore: 0, outSteps: 1 });

const windowArgs = (x: DeviceTensor, g: Pool1DGeometry) => [x.shape[0], g.steps, x.shape[2], g.pool, g.stride, g.padBefore, g.outSteps] as const;

/** y (B, outSteps, C) = window maxima of x (B, steps, C); with `keepArgmax` also where they are (i32 steps). */
export function maxPool1d(engine: Device, scratch: Scratch, x: DeviceTensor, g: Pool1DGeometry, keepArgmax: boolean) {
  const shape = [x.shape[0], g.outSteps, x.shape[2]];
  const y = scratch.alloc(shape);
  const argmax = keepArgmax ? scratch.alloc(shape, 'int32') : null;
  engine.kernels.f32_max_pool1d(...windowArgs(x, g), x.ptr, y.ptr, argmax ? argmax.ptr : 0);
  return { y, argmax };
}

/** dL/dx (B, steps, C) of maxPool1d: each dy to its window's arg-max. */
export function maxPool1dBackward(engine: Device, scratch: Scratch, dy: DeviceTensor, argmax: DeviceTensor, g: Pool1DGeometry): DeviceTensor {
  const [batch, , channels] = argmax.shape;
  const dx = scratch.alloc([batch, g.steps, channels]);
  engine.kernels.f32_max_pool1d_bwd(batch, g.steps, channels, g.outSteps, dy.ptr, argmax.ptr, dx.ptr);
  return dx;
}

/** y (B, outSteps, C) = window means of x over the real cells, and only the unmasked ones given a (B, steps) mask. */
export function avgPool1d(engine: Device, scratch: Scratch, x: DeviceTensor, g: Pool1DGeometry, mask: DeviceTensor | null): DeviceTensor {
  const y = scratch.alloc([x.shape[0], g.outSteps, x.shape[2]]);
  engine.kernels.f32_avg_pool1d(...windowArgs(x, g), x.ptr, mask ? mask.ptr : 0, y.ptr);
  return y;
}

/** dL/dx (B, steps, C) of avgPool1d for x of shape `xShape`. */
export function avgPool1dBackward(
  engine: Device, scratch: Scratch, dy: DeviceTensor, g: Pool1DGeometry, mask: DeviceTensor | null, xShape: readonly number[],
): DeviceTensor {
  const dx = scratch.alloc(xShape);
  engine.kernels.f32_avg_pool1d_bwd(...windowArgs(dx, g), dy.ptr, mask ? mask.ptr : 0, dx.ptr);
  return dx;
}
