/** Subtract (shared/SPEC-LAYERS.md §13): x_0 − x_1 elementwise, exactly two inputs; gradients dy and −dy. */
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { scale, subtract } from '../../ops/combine.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Merge, mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Subtract');

export class Subtract extends Merge {
  static readonly className = 'Subtract';
  static readonly schema = SCHEMA;

  /**
   * @example const diff = wl.layers.subtract().apply([a, b]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected override inputCountRange(): [number, number] {
    return [2, 2];
  }

  protected merge([a, b]: DeviceTensor[], _masks: unknown[], { engine, scratch }: ForwardContext) {
    return { y: subtract(engine, scratch, a, b), data: null };
  }

  protected mergeBackward(dy: DeviceTensor, _data: null, [needA, needB]: readonly boolean[], { engine, scratch }: BackwardContext): (DeviceTensor | null)[] {
    return [needA ? dy : null, needB ? scale(engine, scratch, dy, -1) : null];
  }
}
