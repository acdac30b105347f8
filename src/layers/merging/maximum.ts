/** Maximum (shared/SPEC-LAYERS.md §13): the elementwise maximum of the inputs (masks as in extremum.ts). */
import { Extremum } from './extremum.js';
import { mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Maximum');

export class Maximum extends Extremum {
  static readonly className = 'Maximum';
  static readonly schema = SCHEMA;

  /**
   * @example const top = wl.layers.maximum().apply([a, b]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected keeps(a: number, b: number): boolean {
    return a >= b;
  }
}
