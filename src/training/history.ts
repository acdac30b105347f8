/** What fit() returns: per-epoch logs, as in Keras and tfjs. */

export interface FitParams {
  epochs: number;
  initialEpoch: number;
  /** null for fitDataset (the dataset's size is not known). */
  samples: number | null;
  /** Steps per epoch; null for fitDataset without batchesPerEpoch. */
  steps: number | null;
  /** null for fitDataset (the dataset makes the batches). */
  batchSize: number | null;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

export class History {
  /** The epochs run (0-based, initialEpoch first). */
  readonly epoch: number[] = [];
  /** One array per logged quantity, one value per epoch: `history.history.loss`. */
  readonly history: Record<string, number[]> = {};

  constructor(readonly params: FitParams) {}

  /** Per-epoch training loss (shorthand for history.history.loss). */
  get loss(): number[] {
    return this.history.loss ?? [];
  }

  /** Records an epoch's logs. */
  record(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
