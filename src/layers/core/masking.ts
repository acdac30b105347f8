/**
 * Masking (shared/SPEC-LAYERS.md §6): a timestep whose features all equal maskValue is masked for
 * the layers after it (recurrent layers carry their state over it), and its features are set to 0.
 * The mask is (B, T): 1 where any feature differs from maskValue.
 */
import type { Shape } from '../../shape.js';
import type { DeviceTensor } from '../../ops/device-tensor.js';
import { maskSteps, multiplyByMask } from '../../ops/mask.js';
import { invalidArgument } from '../../errors.js';
import type { LayerArgs } from '../args.js';
import type { BackwardContext, ForwardContext } from '../context.js';
import { Layer, type ForwardResult, type InputSpec } from '../layer.js';
import { layerSchema, type ArgsOf } from '../schema.js';

export interface MaskingLayerArgs extends LayerArgs {
  /** The value whose timesteps are masked (default 0). */
  maskValue?: number;
}

const SCHEMA = layerSchema<MaskingLayerArgs>()('Masking', {
  maskValue: {
    resolve(owner, name, v) {
      if (v === undefined || v === null) return 0;
      if (typeof v !== 'number' || Number.isNaN(v)) throw invalidArgument(owner, name, 'a number', v);
      return v;
    },
    toConfig: (v: number) => v,
  },
});

export class Masking extends Layer<DeviceTensor> {
  static readonly className = 'Masking';
  static readonly schema = SCHEMA;
  declare protected readonly options: ArgsOf<typeof SCHEMA>;

  constructor(args: MaskingLayerArgs = {}) {
    super(args);
  }

  get maskValue(): number {
    return this.options.maskValue;
  }

  protected override defaultInputSpec(): InputSpec {
    return { minNdim: 3 };
  }

  computeOutputShapes(inputShapes: Shape[]): Shape[] {
    return [inputShapes[0]];
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override outputMayBeMasked(): boolean {
    return true;
  }

  /** @internal */
  forward([x]: DeviceTensor[], { engine, scratch }: ForwardContext): ForwardResult<DeviceTensor> {
    const mask = maskSteps(engine, scratch, x, this.maskValue);
    return { outputs: [multiplyByMask(engine, scratch, x, mask)], cache: mask, masks: [mask] };
  }

  /** @internal */
  backward([dy]: (DeviceTensor | null)[], mask: DeviceTensor, { engine, scratch, needInputGradients }: BackwardContext): (DeviceTensor | null)[] {
    if (!dy || !needInputGradients[0]) return [null];
    return [multiplyByMask(engine, scratch, dy, mask)];
  }
}
