/**
 * Float64 1-D pooling (shared/SPEC-LAYERS.md §11, §12) over (B, L, C): max (padding never wins,
 * first arg-max on ties) and average over the real cells of each window, or over the unmasked
 * ones given a (B, L) mask (GlobalAveragePooling1D with a mask); each with its backward.
 */
export interface Pool1DRefShape {
  batch: number;
  steps: number;
  channels: number;
  pool: number;
  stride: number;
  padding: 'valid' | 'same';
}

/** The cells [start, end) of each output step's window. */
export function poolWindows(s: Pool1DRefShape): [number, number][] {
  const out = s.padding === 'valid' ? Math.floor((s.steps - s.pool) / s.stride) + 1 : Math.ceil(s.steps / s.stride);
  const before = s.padding === 'valid' ? 0 : Math.floor(Math.max((out - 1) * s.stride + s.pool - s.steps, 0) / 2);
  return Array.from({ length: out }, (_, o): [number, number] => [Math.max(0, o * s.stride - before), Math.min(s.steps, o * s.stride - before + s.pool)]);
}

/** y (B, out, C) and, given dy, dx (B, L, C). */
export function maxPoolRef(s: Pool1DRefShape, x: ArrayLike<number>, dy?: ArrayLike<number>) {
  const windows = poolWindows(s);
  const y = new Float64Array(s.batch * windows.length * s.channels);
  const dx = new Float64Array(x.length);
  const at = (b: number, t: number, c: number) => (b * s.steps + t) * s.channels + c;
  for (let b = 0; b < s.batch; b++) {
    windows.forEach(([start, end], o) => {
      for (let c = 0; c < s.channels; c++) {
        let best = start;
        for (let t = start + 1; t < end; t++) if (x[at(b, t, c)] > x[at(b, best, c)]) best = t;
        const yi = (b * windows.length + o) * s.channels + c;
        y[yi] = x[at(b, best, c)];
        if (dy) dx[at(b, best, c)] += dy[yi];
      }
    });
  }
  return { y, dx };
}

/** y (B, out, C) and, given dy, dx; `mask` (B, L) excludes steps where it is 0. */
export function avgPoolRef(s: Pool1DRefShape, x: ArrayLike<number>, dy?: ArrayLike<number>, mask?: ArrayLike<number>) {
  const windows = poolWindows(s);
  const y = new Float64Array(s.batch * windows.length * s.channels);
  const dx = new Float64Array(x.length);
  for (let b = 0; b < s.batch; b++) {
    windows.forEach(([start, end], o) => {
      const cells = Array.from({ length: end - start }, (_, i) => start + i).filter((t) => !mask || mask[b * s.steps + t] !== 0);
      for (let c = 0; c < s.channels; c++) {
        const yi = (b * windows.length + o) * s.channels + c;
        y[yi] = cells.reduce((sum, t) => sum + x[(b * s.steps + t) * s.channels + c], 0) / cells.length;
        if (dy) for (const t of cells) dx[(b * s.steps + t) * s.channels + c] += dy[yi] / cells.length;
      }
    });
  }
  return { y, dx };
}

/** Global pooling as one window over all steps. */
export const globalShape = (batch: number, steps: number, channels: number): Pool1DRefShape => ({ batch, steps, channels, pool: steps, stride: steps, padding: 'valid' });
