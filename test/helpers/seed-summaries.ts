/** The exact summary texts of the seed models (SPEC §6; Keras 2 layout), shared by every runtime's tests. */
const RULE = '_'.repeat(65);
const DOUBLE = '='.repeat(65);
const HEADER = 'Layer (type)                 Output Shape              Param #   ';
const TOTALS = ['Total params: 1,672', 'Trainable params: 1,672', 'Non-trainable params: 0', RULE];

const rows = (...r: string[]) => [RULE, HEADER, DOUBLE, r[0], RULE, r[1], RULE, r[2], DOUBLE, ...TOTALS];

export const SEED_SUMMARIES = {
  model1: rows(
    'gru_1 (GRU)                  (None, 64, 16)            1536      ',
    'time_distributed_1 (TimeDist (None, 64, 8)             136       ',
    'activation_1 (Activation)    (None, 64, 8)             0         ',
  ),
  model2: rows(
    'gru_2 (GRU)                  (None, 64, 16)            1536      ',
    'dense_2 (Dense)              (None, 64, 8)             136       ',
    'activation_2 (Activation)    (None, 64, 8)             0         ',
  ),
  model3: rows(
    'gru_3 (GRU)                  (None, 16)                1536      ',
    'dense_3 (Dense)              (None, 8)                 136       ',
    'activation_3 (Activation)    (None, 8)                 0         ',
  ),
};

export const SUMMARY_PARTS = { RULE, DOUBLE, HEADER, TOTALS };
