/**
 * The Executor on this thread's engine: the step runner, with the optimizer applied after each step.
 * evaluateNow / predictNow are the same steps without waiting (the synchronous predict and evaluate).
 */
import type { Engine } from '../backend/engine.js';
import { batchSize, type Batch, type BatchTotals, type Executor, type HostTensor } from '../training/executor.js';
import type { Optimizer } from '../training/optimizers.js';
import type { ModelProgram } from './program.js';
import { StepRunner, applyStep } from './step-runner.js';

export class InProcessExecutor implements Executor {
  readonly runner: StepRunner;

  constructor(private readonly engine: Engine, program: ModelProgram, private readonly optimizer: Optimizer | null) {
    this.runner = new StepRunner(engine, program);
  }

  async trainBatch(batch: Batch): Promise<BatchTotals> {
    const totals = this.runner.computeGradients(batch);
    applyStep(this.engine, this.runner.program, this.optimizer!, this.runner.gradients(), totals, batchSize(batch));
    return totals;
  }

  async evaluateBatch(batch: Batch): Promise<BatchTotals> {
    return this.evaluateNow(batch);
  }

  async predictBatch(inputs: HostTensor[]): Promise<HostTensor[]> {
    return this.predictNow(inputs);
  }

  evaluateNow(batch: Batch): BatchTotals {
    return this.runner.evaluate(batch);
  }

  predictNow(inputs: HostTensor[]): HostTensor[] {
    return this.runner.predict(inputs);
  }

  dispose(): void {
    this.runner.dispose();
  }
}
