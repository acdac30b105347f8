/**
 * Inverted dropout on engine memory: masks drawn from the counter-based generator (random-noise.ts)
 * and products with a mask broadcast over size-1 axes. Used by the Dropout layers and by the input
 * dropout of recurrent layers. Plain loops over the device's views, as combine.ts; on a planning
 * device (no memory) they only allocate.
 *
 * A mask element depends on (the step's seed for this layer, the sample's row in the whole batch,
 * the element's index within the sample's part of the mask) and nothing else, so the rows of a batch
 * get the same masks however the batch is cut into chunks across workers.
 */
import type { Device } from '../backend/engine.js';
import { noiseAt, rowKey } from '../random-noise.js';
import { sizeOf } from '../shape.js';
import type { DeviceTensor, Scratch } from './device-tensor.js';

/** Where a chunk's training noise comes from: the step's seed (for this layer) and its first row. */
export interface NoiseSource {
  /** The seed of this step's noise for this layer call. */
  readonly seed: number;
  /** The chunk's first row within the whole batch. */
  readonly firstRow: number;
}

export interface DropoutMaskOptions {
  noise: NoiseSource;
  /** The fraction dropped, in [0, 1]; 1 drops everything. */
  rate: number;
  /** The mask's shape, batch axis first: the chunk's rows, or 1 when `shared`. */
  shape: readonly number[];
  /** One mask for every sample (a noise shape whose batch axis is 1). */
  shared?: boolean;
}

/** Row key of the mask shared by every sample (distinct from any sample row's, which are ≥ 0). */
const SHARED_ROW = -1;

/**
 * A mask of `shape` whose elements are 0 with probability `rate` and 1/(1 − rate) otherwise.
 * @example const m = dropoutMask(engine, scratch, { noise, rate: 0.3, shape: [batch, 1, channels] });
 */
export function dropoutMask(engine: Device, scratch: Scratch, { noise, rate, shape, shared = false }: DropoutMaskOptions): DeviceTensor {
  const mask = scratch.alloc(shape);
  const v = engine.f32(mask.ptr, mask.size);
  if (!v.length) return mask;
  const rows = shape[0];
  const perRow = mask.size / rows;
  const kept = rate < 1 ? 1 / (1 - rate) : 0;
  for (let r = 0; r < rows; r++) {
    const key = rowKey(noise.seed, shared ? SHARED_ROW : noise.firstRow + r);
    const offset = r * perRow;
    for (let j = 0; j < perRow; j++) v[offset + j] = noiseAt(key, j) < rate ? 0 : kept;
  }
  return mask;
}

/**
 * x ⊙ mask as a new tensor, the mask broadcast over its size-1 axes (same rank as x; each axis equal
 * to x's or 1). Forward of dropout, and its backward with dy in place of x.
 */
export function multiplyBroadcast(engine: Device, scratch: Scratch, x: DeviceTensor, mask: DeviceTensor): DeviceTensor {
  const out = scratch.alloc(x.shape);
  const vo = engine.f32(out.ptr, out.size);
  if (!vo.length) return out;
  const vx = engine.f32(x.ptr, x.size), vm = engine.f32(mask.ptr, mask.size);
  const rank = x.shape.length;
  if (sizeOf(mask.shape) === x.size) {
    for (let i = 0; i < vo.length; i++) vo[i] = vx[i] * vm[i];
    return out;
  }
  // the mask's stride along each axis of x (0 where it broadcasts)
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = mask.shape[d] === 1 ? 0 : s;
    s *= mask.shape[d];
  }
  const inner = x.shape[rank - 1];
  const innerStride = strides[rank - 1];
  const index = new Array<number>(rank).fill(0);
  let base = 0;
  for (let offset = 0; offset < x.size; offset += inner) {
    for (let j = 0; j < inner; j++) vo[offset + j] = vx[offset + j] * vm[base + j * innerStride];
    for (let d = rank - 2; d >= 0; d--) {
      base += strides[d];
      if (++index[d] < x.shape[d]) break;
      base -= strides[d] * index[d];
      index[d] = 0;
    }
  }
  return out;
}
