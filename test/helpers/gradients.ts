/** Gradients of a compiled model's loss from the wasm engine, and finite-difference checks against a float64 model. */
import { expect } from 'vitest';
import type * as wl from '../../src/index.js';
import { getEngine } from '../../src/backend/engine.js';
import { ModelProgram } from '../../src/runtime/program.js';
import { StepRunner } from '../../src/runtime/step-runner.js';
import { resolveLoss, type LossIdentifier } from '../../src/training/losses.js';
import { numericGradient } from '../reference/finite-difference.js';
import { expectClose } from './compare.js';

/** The wasm engine's loss and dLoss/dw (Keras order) on one batch. */
export async function engineGradients(model: wl.LayersModel, loss: LossIdentifier, x: wl.Tensor, y: wl.Tensor) {
  const engine = await getEngine();
  const program = new ModelProgram({ topology: model.graphTopology, heads: [{ loss: resolveLoss(loss), weight: 1, metrics: [] }] });
  const runner = new StepRunner(engine, program);
  try {
    const { losses, counts } = runner.computeGradients({ inputs: [{ data: x.dataSync(), shape: x.shape }], targets: [{ data: y.dataSync(), shape: y.shape }] });
    return { loss: losses[0] / counts[0], grads: model.trainableWeights.map((v) => Float32Array.from(runner.gradients().read(v))) };
  } finally {
    runner.dispose();
  }
}

/**
 * Checks the engine's loss and every weight gradient against central finite differences of
 * `refLoss`, a float64 model that reads its weights from the arrays it is given (copies of
 * getWeights(), so both see the same float32 values).
 */
export async function checkGradients(
  model: wl.LayersModel, loss: LossIdentifier, x: wl.Tensor, y: wl.Tensor,
  refLoss: (weights: Float64Array[]) => number, tol = 1e-5,
): Promise<void> {
  const weights = model.getWeights().map((w) => Float64Array.from(w.dataSync()));
  const { loss: engineLoss, grads } = await engineGradients(model, loss, x, y);
  expectClose([engineLoss], [refLoss(weights)], { tol, scale: 0, label: 'loss' });
  weights.forEach((w, i) => {
    const fd = numericGradient(() => refLoss(weights), w);
    const rms = Math.sqrt(fd.reduce((s, g) => s + g * g, 0) / fd.length);
    expect(rms, `gradient of ${model.trainableWeights[i].name} is not trivially zero`).toBeGreaterThan(1e-6);
    expectClose(grads[i], fd, { tol, scale: rms, label: model.trainableWeights[i].name });
  });
}
