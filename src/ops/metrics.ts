/**
 * A metric's two sums over a batch's predictions and targets (training/metrics.ts says what each
 * means): [numerator, denominator]. The accuracies' argmax runs in wasm; the rest read the values
 * (outputs are small next to the step's GEMMs).
 */
import type { Device } from '../backend/engine.js';
import type { MetricKind } from '../training/metrics.js';
import type { DeviceTensor } from './device-tensor.js';
import { argmaxMatches, sparseArgmaxMatches } from './loss.js';

const lastAxis = (t: DeviceTensor) => t.shape[t.shape.length - 1] ?? 1;

export function metricSums(engine: Device, kind: MetricKind, pred: DeviceTensor, target: DeviceTensor): [number, number] {
  const n = lastAxis(pred);
  const rows = pred.size / n;
  switch (kind) {
    case 'categoricalAccuracy':
      return [argmaxMatches(engine, pred, target), rows];
    case 'sparseCategoricalAccuracy':
      return [sparseArgmaxMatches(engine, pred, target), rows];
    default:
      return elementwiseSums(kind, engine.f32(pred.ptr, pred.size), engine.f32(target.ptr, target.size), n, rows);
  }
}

function elementwiseSums(kind: MetricKind, p: Float32Array, y: Float32Array, n: number, rows: number): [number, number] {
  let sum = 0, count = 0;
  for (let i = 0; i < p.length; i++) {
    const positive = p[i] > 0.5;
    switch (kind) {
      case 'binaryAccuracy': sum += (positive ? 1 : 0) === y[i] ? 1 : 0; break;
      case 'meanSquaredError': sum += (p[i] - y[i]) ** 2; break;
      case 'meanAbsoluteError': sum += Math.abs(p[i] - y[i]); break;
      // Keras's Precision / Recall: y_true taken as given (0 or 1), predictions thresholded at 0.5
      case 'precision': if (positive) { sum += y[i]; count++; } break;
      case 'recall': if (positive) sum += y[i]; count += y[i]; break;
      default: throw new Error(`metricSums: unhandled metric ${kind}`);
    }
  }
  // per-row means over the last axis, counted per row
  return kind === 'precision' || kind === 'recall' ? [sum, count] : [sum / n, rows];
}
