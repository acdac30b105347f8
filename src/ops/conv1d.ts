/**
 * Conv1D on engine memory (shared/SPEC-LAYERS.md §10), channels_last, as GEMMs over each sample.
 * With dilation 1 the im2col matrix of a sample needs no copy: its row t is the K·C floats of the
 * (padded) input starting at row t·stride, so the GEMM reads A in place with row stride stride·C
 * (its packing is the im2col): forward y = A·W (K·C deep), dW += Aᵀ·dz. With stride 1 the input
 * gradient is the "full" convolution of dz with the flipped kernel, again one GEMM over overlapping
 * rows (of dz padded by K − 1 each side, K·F deep), so no col2im pass either. Dilated kernels (and
 * the input gradient with stride > 1) take one GEMM per tap. Padding copies one sample at a time.
 */
import type { Device } from '../backend/engine.js';
import { ActivationCode } from '../backend/activation-codes.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';
import { columnSums } from './elementwise.js';
import { matmul } from './matmul.js';

export type Conv1DPadding = 'valid' | 'same' | 'causal';

/** Where a 1-D window runs: the output length and the zeros added before and after the sequence. */
export interface Conv1DGeometry {
  steps: number;
  taps: number;
  stride: number;
  dilation: number;
  outSteps: number;
  padBefore: number;
  padAfter: number;
}

/**
 * The geometry of a convolution (or a pooling window: dilation 1) over `steps`, as Keras and
 * TensorFlow lay it out: valid `floor((L − span)/s) + 1`; same `ceil(L/s)` with the total padding
 * `max((out − 1)·s + span − L, 0)` split with the extra zero after; causal `ceil(L/s)` with
 * `span − 1` zeros before. `outSteps` ≤ 0 means the window does not fit (valid padding).
 */
export function conv1dGeometry(steps: number, taps: number, stride: number, dilation: number, padding: Conv1DPadding): Conv1DGeometry {
  const span = dilation * (taps - 1) + 1;
  const base = { steps, taps, stride, dilation };
  if (padding === 'valid') return { ...base, outSteps: Math.floor((steps - span) / stride) + 1, padBefore: 0, padAfter: 0 };
  const outSteps = Math.ceil(steps / stride);
  if (padding === 'causal') return { ...base, outSteps, padBefore: span - 1, padAfter: 0 };
  const total = Math.max((outSteps - 1) * stride + span - steps, 0);
  const before = Math.floor(total / 2);
  return { ...base, outSteps, padBefore: before, padAfter: total - before };
}

/** The weights of a convolution: kernel (K, C, F), bias (F) or 0, the activation fused into the last product. */
export interface Conv1DWeights {
  channels: number;
  filters: number;
  kernel: number;
  bias: number;
  activation: ActivationCode;
}

/** Byte offset of row `row` of a float matrix with `width` columns. */
const rowAt = (ptr: number, row: number, width: number) => ptr + row * width * 4;

/**
 * Sample b of x, padded to the geometry's length in `buffer` (one sample's rows), or x's own rows
 * when there is no padding.
 */
function paddedSample(engine: Device, x: DeviceTensor, b: number, g: Conv1DGeometry, channels: number, buffer: DeviceTensor | null): number {
  const sample = rowAt(x.ptr, b * g.steps, channels);
  if (!buffer) return sample;
  engine.kernels.f32_rows_window(1, g.steps, buffer.shape[1], channels, -g.padBefore, sample, buffer.ptr);
  return buffer.ptr;
}

const paddedSteps = (g: Conv1DGeometry) => g.steps + g.padBefore + g.padAfter;
const sampleBuffer = (scratch: Scratch, g: Conv1DGeometry, channels: number) =>
  paddedSteps(g) === g.steps ? null : scratch.alloc([1, paddedSteps(g), channels]);

/** y (B, outSteps, F) = act(conv(x, kernel) + bias) for x (B, steps, C). */
export function conv1dForward(engine: Device, scratch: Scratch, x: DeviceTensor, g: Conv1DGeometry, w: Conv1DWeights): DeviceTensor {
  const batch = x.shape[0];
  const { channels: C, filters: F, kernel, bias, activation } = w;
  const { taps: K, stride: s, dilation: d, outSteps } = g;
  const y = scratch.alloc([batch, outSteps, F]);
  const buffer = sampleBuffer(scratch, g, C);
  for (let b = 0; b < batch; b++) {
    const a = paddedSample(engine, x, b, g, C, buffer);
    const c = rowAt(y.ptr, b * outSteps, F);
    if (d === 1) {
      matmul(engine, { m: outSteps, n: F, k: K * C, a, lda: s * C, b: kernel, c, bias, activation });
      continue;
    }
    for (let k = 0; k < K; k++) {
      const last = k === K - 1;
      matmul(engine, {
        m: outSteps, n: F, k: C, a: rowAt(a, k * d, C), lda: s * C, b: rowAt(kernel, k * C, F), c,
        accumulate: k > 0, bias: last ? bias : 0, activation: last ? activation : ActivationCode.linear,
      });
    }
  }
  return y;
}

/** Where conv1dBackward puts the weight gradients (0: not wanted), and whether dx is. */
export interface Conv1DGradientTargets {
  kernel: number;
  bias: number;
  input: boolean;
}

/**
 * The output's gradient: `dy` w.r.t. y = act(z) with the activation code to differentiate through
 * (from y), or linear when dy is already dL/dz (a softmax the layer differentiated, a fused loss).
 */
export interface Conv1DOutputGradient {
  y: DeviceTensor;
  dy: DeviceTensor;
  activation: ActivationCode;
}

/**
 * Adds dL/dkernel and dL/dbias into the targets and returns dL/dx (B, steps, C), or null when not
 * wanted. One sample at a time: its dz (the activation's derivative applied) stays in cache for
 * the bias sums and both products.
 */
export function conv1dBackward(
  engine: Device, scratch: Scratch, x: DeviceTensor, out: Conv1DOutputGradient, g: Conv1DGeometry, w: Conv1DWeights, to: Conv1DGradientTargets,
): DeviceTensor | null {
  const batch = x.shape[0];
  const { channels: C, filters: F } = w;
  const { taps: K, stride: s, dilation: d, outSteps, steps } = g;
  const xBuffer = to.kernel ? sampleBuffer(scratch, g, C) : null;
  const dzBuffer = out.activation === ActivationCode.linear ? null : scratch.alloc([1, outSteps, F]);
  const dx = to.input ? scratch.alloc([batch, steps, C]) : null;
  const input = dx ? inputGradientPlan(engine, scratch, g, w) : null;
  for (let b = 0; b < batch; b++) {
    let dzb = rowAt(out.dy.ptr, b * outSteps, F);
    if (dzBuffer) {
      engine.kernels.f32_activation_bwd(outSteps * F, rowAt(out.y.ptr, b * outSteps, F), dzb, dzBuffer.ptr, out.activation);
      dzb = dzBuffer.ptr;
    }
    if (to.bias) columnSums(engine, outSteps, F, dzb, F, to.bias);
    if (to.kernel) {
      const a = paddedSample(engine, x, b, g, C, xBuffer);
      if (d === 1) {
        matmul(engine, { m: K * C, n: F, k: outSteps, a, transposeA: true, lda: s * C, b: dzb, c: to.kernel, accumulate: true });
      } else {
        for (let k = 0; k < K; k++) {
          matmul(engine, { m: C, n: F, k: outSteps, a: rowAt(a, k * d, C), transposeA: true, lda: s * C, b: dzb, c: rowAt(to.kernel, k * C, F), accumulate: true });
        }
      }
    }
    if (dx && input) input(dzb, rowAt(dx.ptr, b * steps, C));
  }
  return dx;
}

/**
 * The input gradient of one sample, dz (outSteps, F) → dx (steps, C): into the padded length, then
 * cropped. With stride and dilation 1 it is the "full" convolution of dz with the flipped kernel,
 * dxp[u] = Σ_j dzp[u + j] · W[K − 1 − j]ᵀ with dzp = dz padded by K − 1 zeros each side: one GEMM
 * over overlapping rows; otherwise each tap adds dz · W[k]ᵀ to every stride-th row.
 */
function inputGradientPlan(engine: Device, scratch: Scratch, g: Conv1DGeometry, w: Conv1DWeights): (dzb: number, dxb: number) => void {
  const { channels: C, filters: F, kernel } = w;
  const { taps: K, stride: s, dilation: d, outSteps, steps } = g;
  const lp = paddedSteps(g);
  const buffer = sampleBuffer(scratch, g, C);
  const flipped = s === 1 && d === 1;
  // each tap's kernel transposed to (F, C); in reverse tap order for the flipped convolution
  const wt = scratch.alloc([K * F, C]);
  for (let k = 0; k < K; k++) engine.kernels.f32_transpose(C, F, rowAt(kernel, k * C, F), rowAt(wt.ptr, (flipped ? K - 1 - k : k) * F, C));
  const dzp = flipped ? scratch.alloc([1, outSteps + 2 * (K - 1), F]) : null;
  return (dzb, dxb) => {
    const target = buffer ? buffer.ptr : dxb;
    if (dzp) {
      engine.kernels.f32_rows_window(1, outSteps, dzp.shape[1], F, -(K - 1), dzb, dzp.ptr);
      matmul(engine, { m: lp, n: C, k: K * F, a: dzp.ptr, lda: F, b: wt.ptr, c: target });
    } else {
      engine.zero(target, lp * C);
      for (let k = 0; k < K; k++) {
        matmul(engine, { m: outSteps, n: C, k: F, a: dzb, b: rowAt(wt.ptr, k * F, C), c: rowAt(target, k * d, C), ldc: s * C, accumulate: true });
      }
    }
    if (buffer) engine.kernels.f32_rows_window(1, lp, steps, C, g.padBefore, buffer.ptr, dxb);
  };
}
