/** InputLayer and wl.input(): the entry of a functional model. */
import { ValueError, StateError } from '../errors.js';
import type { Shape } from '../shape.js';
import type { DeviceTensor } from '../ops/device-tensor.js';
import { checkArgKeys, BASE_ARG_KEYS, type LayerArgs } from './args.js';
import { Layer } from './layer.js';
import { SymbolicTensor } from './symbolic.js';

export class InputLayer extends Layer<never> {
  readonly className = 'InputLayer';
  /** The tensor this layer feeds into the graph. */
  readonly output: SymbolicTensor;

  constructor(args: LayerArgs) {
    checkArgKeys('InputLayer', args, BASE_ARG_KEYS);
    super(args, 'input');
    if (this.batchInputShape == null) {
      throw new ValueError(`InputLayer ${this.name}: an inputShape or batchInputShape is required`);
    }
    this.output = new SymbolicTensor(this.batchInputShape, this, null);
    this.buildFor(this.batchInputShape);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  /** @internal */
  forward(): { y: DeviceTensor; cache: never } {
    throw new StateError('InputLayer has no computation');
  }

  /** @internal */
  backward(): DeviceTensor | null {
    throw new StateError('InputLayer has no computation');
  }
}

/** Arguments of wl.input (tfjs spelling). */
export interface InputArgs {
  /** Shape without the batch axis: `[64, 15]`. */
  shape?: (number | null)[];
  /** Shape with the batch axis: `[null, 64, 15]`. */
  batchShape?: (number | null)[];
  name?: string;
  dtype?: 'float32';
}

/**
 * A symbolic input for the functional API.
 * @example const x = wl.input({ shape: [64, 15] }); const y = wl.layers.gru({ units: 16 }).apply(x);
 */
export function input(args: InputArgs): SymbolicTensor {
  checkArgKeys('input', args, ['shape', 'batchShape', 'name', 'dtype']);
  if ((args.shape == null) === (args.batchShape == null)) {
    throw new ValueError('input: give exactly one of shape (without the batch axis) or batchShape (with it)');
  }
  return new InputLayer({ name: args.name, inputShape: args.shape, batchInputShape: args.batchShape }).output;
}
