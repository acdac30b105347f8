/** The optimizers' update kernels: one call updates a weight from its gradient and slots. */
import type { Device } from '../backend/engine.js';

export interface RmspropStep {
  lr: number;
  rho: number;
  epsilon: number;
  momentum: number;
  centered: boolean;
}

/** RMSprop on n values: p, g, the rms slot, and the momentum / mean-gradient slots (0 when unused). */
export function rmspropUpdate(engine: Device, n: number, p: number, g: number, slots: { rms: number; momentum: number; mg: number }, s: RmspropStep): void {
  engine.kernels.f32_rmsprop(n, p, g, slots.rms, slots.momentum, slots.mg, s.lr, s.rho, 1 - s.rho, s.epsilon, s.momentum, s.centered ? 1 : 0);
}

/** Adam on n values with the step size `alpha` (bias correction folded in). */
export function adamUpdate(engine: Device, n: number, p: number, g: number, m: number, v: number, alpha: number, beta1: number, beta2: number, epsilon: number): void {
  engine.kernels.f32_adam(n, p, g, m, v, alpha, 1 - beta1, 1 - beta2, epsilon);
}

/** SGD on n values, with (Nesterov) momentum when `momentum` > 0 (slot `m`, else 0). */
export function sgdUpdate(engine: Device, n: number, p: number, g: number, m: number, lr: number, momentum: number, nesterov: boolean): void {
  engine.kernels.f32_sgd(n, p, g, m, lr, momentum, nesterov ? 1 : 0);
}
