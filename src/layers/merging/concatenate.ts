/**
 * Concatenate (shared/SPEC-LAYERS.md §13): the inputs joined along `axis` (default −1); every other
 * axis must match. Masks as Keras 3 (concatenate.py compute_mask): an input without a mask counts as
 * all valid, each mask is stretched over its input's features, the stretched masks are joined along
 * `axis`, and the output's mask is their `any` over the last axis — for (B, T, F) inputs the OR of
 * the masks when joining features, the masks joined along time when joining timesteps.
 */
import { ValueError, invalidArgument, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { concat, slice } from '../../ops/combine.js';
import { broadcastTo } from '../../ops/broadcast.js';
import { reshape, type DeviceTensor, type Scratch } from '../../ops/device-tensor.js';
import type { Device } from '../../backend/engine.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';
import { orMasks } from './merge.js';

export interface ConcatenateLayerArgs extends LayerArgs {
  /** The axis to join along, negative from the end (default −1); the batch axis 0 is refused. */
  axis?: number;
}

const SCHEMA = layerSchema<ConcatenateLayerArgs>()('Concatenate', {
  axis: {
    resolve(owner, name, v) {
      if (v === undefined || v === null) return -1;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidArgument(owner, name, 'an integer', v);
      return v;
    },
    toConfig: (v: number) => v,
  },
});

interface ConcatenateCache {
  axis: number;
  sizes: number[];
}

export class Concatenate extends Layer<ConcatenateCache> {
  static readonly className = 'Concatenate';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example const joined = wl.layers.concatenate().apply([context, decoded]);
   * @example wl.layers.concatenate({ axis: 1 }) // join along time
   */
  constructor(args: ConcatenateLayerArgs = {}) {
    super(args);
  }

  get axis(): number {
    return this.options.axis;
  }

  protected override inputCountRange(): [number, number] {
    return [2, Infinity];
  }

  /** The axis as an index into shapes of `rank` (refusing the batch axis and axes out of range). */
  private axisIndex(rank: number, shapes: readonly Shape[]): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis < 1 || axis >= rank) {
      throw new ValueError(`Concatenate ${this.name}: axis=${this.axis} is ${axis === 0 ? 'the batch axis (not supported)' : 'out of range'} for inputs of rank ${rank}: ${shapes.map(pythonTuple).join(', ')}`);
    }
    return axis;
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    const rank = inputShapes[0].length;
    const mismatch = () => new ValueError(
      `Concatenate ${this.name}: a Concatenate layer requires inputs with matching shapes except for the concatenation axis (axis=${this.axis}). ` +
      `Received: input_shape=[${inputShapes.map(pythonTuple).join(', ')}]`,
    );
    if (inputShapes.some((s) => s.length !== rank)) throw mismatch();
    const axis = this.axisIndex(rank, inputShapes);
    const out = inputShapes[0].map((_, d) => {
      const dims = inputShapes.map((s) => s[d]);
      if (d === axis) return dims.some((n) => n == null) ? null : dims.reduce<number>((n, m) => n + m!, 0);
      const known = new Set(dims.filter((n) => n != null));
      if (d > 0 && known.size > 1) throw mismatch();
      return known.size ? [...known][0] : null;
    });
    return [out];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override outputMayBeMasked(inputsMasked: readonly boolean[]): boolean {
    return inputsMasked.some((m) => m);
  }

  /** @internal */
  forward(inputs: DeviceTensor[], { engine, scratch, masks }: ForwardContext): ForwardResult<ConcatenateCache> {
    const axis = this.axisIndex(inputs[0].shape.length, inputs.map((x) => x.shape));
    const y = concat(engine, scratch, inputs, axis);
    return { outputs: [y], cache: { axis, sizes: inputs.map((x) => x.shape[axis]) }, masks: [this.outputMask(engine, scratch, inputs, masks, axis)] };
  }

  private outputMask(engine: Device, scratch: Scratch, inputs: DeviceTensor[], masks: readonly (DeviceTensor | null)[], axis: number): DeviceTensor | null {
    if (masks.every((m) => m == null)) return null;
    const rank = inputs[0].shape.length;
    // each mask stretched over its input's axes but the last (all valid where missing)
    const stretched = inputs.map((x, i) => {
      const shape = x.shape.slice(0, -1);
      const mask = masks[i];
      if (!mask) return allValid(engine, scratch, shape);
      return broadcastTo(engine, scratch, reshape(mask, [...mask.shape, ...new Array(shape.length - mask.shape.length).fill(1)]), shape);
    });
    return axis === rank - 1 ? orMasks(engine, scratch, stretched) : concat(engine, scratch, stretched, axis);
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], { axis, sizes }: ConcatenateCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    let from = 0;
    return sizes.map((size, i) => {
      const start = from;
      from += size;
      return dy && needInputGradients[i] ? slice(engine, scratch, dy, axis, start, size) : null;
    });
  }
}

function allValid(engine: Device, scratch: Scratch, shape: readonly number[]): DeviceTensor {
  const t = scratch.alloc(shape);
  engine.f32(t.ptr, t.size).fill(1);
  return t;
}
