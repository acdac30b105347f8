/** The seed's three models (shared/seed/, SPEC §1), built in the seed's order so names match Keras 2. */
import * as wl from '../../src/index.js';

export const InputSize = 15;
export const MaxLen = 64;
export const HiddenSize = 16;
export const OutputSize = 8;

/** The seed's Keras 2.0 GRU: reset_after=false, hard_sigmoid (1536 parameters). */
export const keras2Gru = { resetAfter: false, recurrentActivation: 'hard_sigmoid' } as const;

export function seedModels(gruOptions: Partial<wl.GRULayerArgs> = keras2Gru) {
  const model1 = wl.sequential();
  model1.add(wl.layers.gru({ units: HiddenSize, returnSequences: true, inputShape: [MaxLen, InputSize], ...gruOptions }));
  model1.add(wl.layers.timeDistributed({ layer: wl.layers.dense({ units: OutputSize }) }));
  model1.add(wl.layers.activation({ activation: 'softmax' }));
  model1.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });

  const model2 = wl.sequential();
  model2.add(wl.layers.gru({ units: HiddenSize, returnSequences: true, inputShape: [MaxLen, InputSize], ...gruOptions }));
  model2.add(wl.layers.dense({ units: OutputSize }));
  model2.add(wl.layers.activation({ activation: 'softmax' }));
  model2.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });

  const model3 = wl.sequential();
  model3.add(wl.layers.gru({ units: HiddenSize, returnSequences: false, inputShape: [MaxLen, InputSize], ...gruOptions }));
  model3.add(wl.layers.dense({ units: OutputSize }));
  model3.add(wl.layers.activation({ activation: 'softmax' }));
  model3.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop' });
  return { model1, model2, model3 };
}

export function summaryLines(model: wl.LayersModel): string[] {
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  return lines;
}
