/** The arguments of LayersModel's constructor and of its inference calls. */
import type { SymbolicTensor } from '../layers/symbolic.js';
import type { WorkersOption } from '../training/fit.js';

export interface ModelEvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
  /**
   * evaluate and predict run in the calling thread: 0 or 'auto' (the default) say so; a count of
   * worker threads is refused, pointing to evaluateAsync / predictAsync, which take it.
   */
  workers?: 0 | 'auto';
}

export type ModelPredictArgs = ModelEvaluateArgs;

export interface ModelEvaluateAsyncArgs {
  batchSize?: number;
  verbose?: 0 | 1;
  /** Where the batches run (see WorkersOption): 'auto' (default), a count of worker threads, or 0. */
  workers?: WorkersOption;
}

export type ModelPredictAsyncArgs = ModelEvaluateAsyncArgs;

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}
