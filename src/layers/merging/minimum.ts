/** Minimum (shared/SPEC-LAYERS.md §13): the elementwise minimum of the inputs (masks as in extremum.ts). */
import { Extremum } from './extremum.js';
import { mergeSchema, type MergeLayerArgs } from './merge.js';

const SCHEMA = mergeSchema('Minimum');

export class Minimum extends Extremum {
  static readonly className = 'Minimum';
  static readonly schema = SCHEMA;

  /**
   * @example const low = wl.layers.minimum().apply([a, b]);
   */
  constructor(args: MergeLayerArgs = {}) {
    super(args);
  }

  protected keeps(a: number, b: number): boolean {
    return a <= b;
  }
}
