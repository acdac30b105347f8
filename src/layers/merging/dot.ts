/**
 * Dot (shared/SPEC-LAYERS.md §13): the per-sample dot product of two inputs along one axis of each
 * (Keras's batch_dot). With x (B, …, K at axis a1, …) and y (B, …, K at axis a2, …) the output holds
 * x's remaining axes then y's, (B, 1) when none remain: (B, T1, U)·(B, T2, U) with axes [2, 2] gives
 * (B, T1, T2) attention scores, (B, T1, T2)·(B, T2, U) with axes [2, 1] the context. Each sample is
 * one GEMM: x permuted to (B, M, K), y to (B, K, N) (no data moves when the axes are already there).
 * `normalize` L2-normalises each input along its axis first (cosine similarity; Keras 3's floor of
 * 1e-7 on the norm, where tfjs floors the squared norm: §22 #21). No output mask.
 */
import { ValueError, describe, pythonTuple } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { batchMatmul, l2Normalize, l2NormalizeBackward, type Normalized } from '../../ops/batch-matmul.js';
import { reshape, type DeviceTensor } from '../../ops/device-tensor.js';
import { inversePermutation, movesData, permute, permutedShape } from '../../ops/permute.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult } from '../layer.js';
import { arg, layerSchema, type ArgSpec, type ArgsOf } from '../schema.js';

export interface DotLayerArgs extends LayerArgs {
  /** The axis of both inputs, or [axis of the first, axis of the second]; negative from the end; not 0 (batch). Required. */
  axes: number | [number, number];
  /** L2-normalise each input along its axis first, giving cosine similarities (default false). */
  normalize?: boolean;
}

const axesSpec: ArgSpec<number | [number, number]> = {
  resolve(owner, name, v) {
    const isInt = (a: unknown) => typeof a === 'number' && Number.isSafeInteger(a);
    if (isInt(v)) return v as number;
    if (Array.isArray(v) && v.length === 2 && v.every(isInt)) return [v[0], v[1]] as [number, number];
    throw new ValueError(`${owner}: received an invalid value for ${name}, expected an integer or a list of two integers. Received: ${name}=${describe(v)}`);
  },
  toConfig: (v) => (Array.isArray(v) ? [...v] : v),
};

const SCHEMA = layerSchema<DotLayerArgs>()('Dot', {
  axes: axesSpec,
  normalize: arg.bool(false),
});

interface DotCache {
  /** The operands as multiplied: x permuted to (B, M, K), y to (B, K, N). */
  a: DeviceTensor;
  b: DeviceTensor;
  /** The (normalised) inputs and the permutations that made a and b of them. */
  x: DeviceTensor;
  y: DeviceTensor;
  permA: number[];
  permB: number[];
  normX: Normalized | null;
  normY: Normalized | null;
  sizes: { batch: number; m: number; n: number; k: number };
}

export class Dot extends Layer<DotCache> {
  static readonly className = 'Dot';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  /**
   * @example const scores = wl.layers.dot({ axes: [2, 2] }).apply([decoded, encoded]);
   * @example const cosine = wl.layers.dot({ axes: 1, normalize: true }).apply([a, b]);
   */
  constructor(args: DotLayerArgs) {
    super(args);
  }

  get axes(): number | [number, number] {
    return this.options.axes;
  }

  get normalize(): boolean {
    return this.options.normalize;
  }

  protected override inputCountRange(): [number, number] {
    return [2, 2];
  }

  /** The contracted axis of each input as an index (checked: rank ≥ 2, not the batch axis, equal sizes). */
  private axisPair(shapes: readonly Shape[]): [number, number] {
    const [s1, s2] = shapes;
    const where = `Dot ${this.name}`;
    if (s1.length < 2 || s2.length < 2) throw new ValueError(`${where}: cannot take a batch dot product of inputs of rank < 2. Received shapes ${pythonTuple(s1)} and ${pythonTuple(s2)}`);
    const given = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    const axes = given.map((a, i) => (a < 0 ? a + shapes[i].length : a)) as [number, number];
    axes.forEach((a, i) => {
      if (a === 0) throw new ValueError(`${where}: axes=${describe(this.axes)} includes the batch axis 0 of input ${i}; the dot product is per sample. Received shapes ${pythonTuple(s1)} and ${pythonTuple(s2)}`);
      if (a < 0 || a >= shapes[i].length) throw new ValueError(`${where}: axes=${describe(this.axes)} is out of range for input ${i} of shape ${pythonTuple(shapes[i])}`);
    });
    const [d1, d2] = [s1[axes[0]], s2[axes[1]]];
    if (d1 != null && d2 != null && d1 !== d2) {
      throw new ValueError(`${where}: incompatible input shapes: axis values ${d1} (at axis ${axes[0]}) != ${d2} (at axis ${axes[1]}). Full input shapes: ${pythonTuple(s1)}, ${pythonTuple(s2)}`);
    }
    return axes;
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    const [a1, a2] = this.axisPair(inputShapes);
    const [s1, s2] = inputShapes;
    const out = [...s1.filter((_, i) => i !== a1), ...s2.filter((_, i) => i !== 0 && i !== a2)];
    return [out.length === 1 ? [out[0], 1] : out];
  }

  /** @internal */
  forward(inputs: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<DotCache> {
    const [a1, a2] = this.axisPair(inputs.map((t) => t.shape));
    const normX = this.normalize ? l2Normalize(engine, scratch, inputs[0], a1) : null;
    const normY = this.normalize ? l2Normalize(engine, scratch, inputs[1], a2) : null;
    const [x, y] = [normX?.y ?? inputs[0], normY?.y ?? inputs[1]];
    const axesBut = (rank: number, skip: number) => Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 0 && i !== skip);
    const permA = [0, ...axesBut(x.shape.length, a1), a1];
    const permB = [0, a2, ...axesBut(y.shape.length, a2)];
    const a = permute(engine, scratch, x, permA), b = permute(engine, scratch, y, permB);
    const batch = x.shape[0], k = x.shape[a1];
    const sizes = { batch, m: x.size / (batch * k), n: y.size / (batch * k), k };
    const [out] = this.computeOutputShapes([x.shape, y.shape]) as number[][];
    const c = scratch.alloc(out);
    batchMatmul(engine, { ...sizes, a: a.ptr, b: b.ptr, c: c.ptr });
    return { outputs: [c], cache: { a, b, x, y, permA, permB, normX, normY, sizes }, masks: [null] };
  }

  /** @internal dA = dC·Bᵀ and dB = Aᵀ·dC per sample, then back through the permutations and the normalisation. */
  backward([dc]: (DeviceTensor | null)[], cache: DotCache, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    const { a, b, x, y, permA, permB, normX, normY, sizes: { batch, m, n, k } } = cache;
    if (!dc) return [null, null];
    let dx: DeviceTensor | null = null, dy: DeviceTensor | null = null;
    // Bᵀ per sample: y with its contracted axis last (a view for attention keys (B, T2, U))
    const permBt = [0, ...permB.slice(2), permB[1]];
    if (needInputGradients[0]) {
      const bt = permute(engine, scratch, y, permBt);
      const da = scratch.alloc(a.shape);
      batchMatmul(engine, { batch, m, n: k, k: n, a: dc.ptr, b: bt.ptr, c: da.ptr });
      dx = permute(engine, scratch, da, inversePermutation(permA));
      if (normX) dx = l2NormalizeBackward(engine, scratch, normX, dx);
    }
    if (needInputGradients[1]) {
      // dBᵀ = dCᵀ·A when y already holds Bᵀ (no transposes), else dB = Aᵀ·dC
      const transposed = !movesData(y.shape, permBt);
      const db = scratch.alloc(transposed ? [batch, n, k] : b.shape);
      if (transposed) batchMatmul(engine, { batch, m: n, n: k, k: m, a: dc.ptr, transposeA: true, b: a.ptr, c: db.ptr });
      else batchMatmul(engine, { batch, m: k, n, k: m, a: a.ptr, transposeA: true, b: dc.ptr, c: db.ptr });
      dy = permute(engine, scratch, reshape(db, transposed ? permutedShape(y.shape, permBt) : b.shape), inversePermutation(transposed ? permBt : permB));
      if (normY) dy = l2NormalizeBackward(engine, scratch, normY, dy);
    }
    return [dx, dy];
  }
}

