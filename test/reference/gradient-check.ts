// The check the float64 references' own gradients pass (vitest only: finite-difference.ts stays pure).
import { expectClose } from '../helpers/compare.js';
import { numericGradient } from './finite-difference.js';

/**
 * Analytic gradients against central finite differences of `loss`, within the references' tol 1e-6
 * (scale 1e-3): each check is [label, the analytic gradient, the parameter it is the gradient of].
 */
export function expectFiniteDifferences(loss: () => number, checks: [string, ArrayLike<number>, Float64Array][]): void {
  for (const [label, analytic, param] of checks) expectClose(analytic, numericGradient(loss, param), { tol: 1e-6, scale: 1e-3, label });
}
