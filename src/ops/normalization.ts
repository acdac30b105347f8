/**
 * Normalization ops over engine memory (kernels in assembly/normalization.ts): LayerNormalization
 * over the trailing `n` values of each row, BatchNormalization over the channel axis of an
 * (outer, channels, inner) view of its input (inner = 1 when the channel axis is the last).
 */
import type { Device } from '../backend/engine.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

/** An input seen as (outer, channels, inner) around its channel axis. */
export interface ChannelLayout {
  outer: number;
  channels: number;
  inner: number;
}

/** The (outer, channels, inner) view of `shape` around `axis` (non-negative). */
export function channelLayout(shape: readonly number[], axis: number): ChannelLayout {
  const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  return { outer: product(shape.slice(0, axis)), channels: shape[axis], inner: product(shape.slice(axis + 1)) };
}

/** What layerNormForward saves for the backward pass. */
export interface LayerNormSaved {
  x: DeviceTensor;
  /** Per row: the mean and 1/√(var + ε). */
  mean: DeviceTensor;
  rstd: DeviceTensor;
}

/** y = (x − mean)·rstd·gamma + beta over each row of `n` values (gamma / beta 0: absent). */
export function layerNormForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, o: { n: number; gamma: number; beta: number; epsilon: number },
): { y: DeviceTensor; saved: LayerNormSaved } {
  const rows = x.size / o.n;
  const y = scratch.alloc(x.shape);
  const mean = scratch.alloc([rows]);
  const rstd = scratch.alloc([rows]);
  engine.kernels.f32_layernorm_fwd(rows, o.n, x.ptr, o.gamma, o.beta, o.epsilon, y.ptr, mean.ptr, rstd.ptr);
  return { y, saved: { x, mean, rstd } };
}

/**
 * dx of layerNormForward (null unless `needDx`); dgamma / dbeta accumulate into their gradient
 * slots (0: not wanted).
 */
export function layerNormBackward(
  engine: Device, scratch: Scratch, { x, mean, rstd }: LayerNormSaved, dy: DeviceTensor,
  o: { n: number; gamma: number; needDx: boolean; dgamma: number; dbeta: number },
): DeviceTensor | null {
  const dx = o.needDx ? scratch.alloc(x.shape) : null;
  engine.kernels.f32_layernorm_bwd(x.size / o.n, o.n, x.ptr, o.gamma, mean.ptr, rstd.ptr, dy.ptr, dx?.ptr ?? 0, o.dgamma, o.dbeta);
  return dx;
}

/**
 * The batch's mean and biased variance per channel, written at `mean` and `variance`; with a mask
 * (one weight per outer·inner position) Keras's masked moments.
 */
export function batchMoments(engine: Device, x: DeviceTensor, layout: ChannelLayout, mask: DeviceTensor | null, mean: number, variance: number): void {
  engine.kernels.f32_batchnorm_moments(layout.outer, layout.channels, layout.inner, x.ptr, mask?.ptr ?? 0, mean, variance);
}

/** y = (x − mean)·rstd·gamma + beta per channel; rstd = 1/√(variance + ε) is returned for backward. */
export function batchNormForward(
  engine: Device, scratch: Scratch, x: DeviceTensor, layout: ChannelLayout,
  o: { mean: number; variance: number; gamma: number; beta: number; epsilon: number },
): { y: DeviceTensor; rstd: DeviceTensor } {
  const y = scratch.alloc(x.shape);
  const rstd = scratch.alloc([layout.channels]);
  const work = scratch.alloc([2 * layout.channels]);
  engine.kernels.f32_batchnorm_fwd(layout.outer, layout.channels, layout.inner, x.ptr, o.mean, o.variance, o.gamma, o.beta, o.epsilon, y.ptr, rstd.ptr, work.ptr);
  return { y, rstd };
}

/**
 * dx of batchNormForward (null unless `needDx`): through the batch statistics when `training`
 * (with the same mask as the moments), else with the statistics held constant; dgamma / dbeta
 * accumulate into their gradient slots (0: not wanted).
 */
export function batchNormBackward(
  engine: Device, scratch: Scratch, x: DeviceTensor, dy: DeviceTensor, layout: ChannelLayout,
  o: { mean: number; rstd: number; gamma: number; mask: DeviceTensor | null; training: boolean; needDx: boolean; dgamma: number; dbeta: number },
): DeviceTensor | null {
  const dx = o.needDx ? scratch.alloc(x.shape) : null;
  const work = scratch.alloc([4 * layout.channels]);
  engine.kernels.f32_batchnorm_bwd(
    layout.outer, layout.channels, layout.inner, x.ptr, o.mask?.ptr ?? 0, o.mean, o.rstd, o.gamma, dy.ptr, o.training ? 1 : 0,
    dx?.ptr ?? 0, o.dgamma, o.dbeta, work.ptr,
  );
  return dx;
}

/** moving = moving·momentum + batch·(1 − momentum) over `n` values (Keras's moving statistics). */
export function movingAverage(engine: Device, n: number, moving: number, batch: number, momentum: number): void {
  engine.kernels.f32_moving_average(n, moving, batch, momentum, 1 - momentum);
}
