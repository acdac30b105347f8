import { describe, it, expect } from 'vitest';
import { ProgressBar, formatValue } from '../../src/training/progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { isTTY, write: (s: string) => void out.push(s) } };
}

describe('Keras 2 progress bar', () => {
  it('prints one line per epoch when not on a TTY (SPEC §8)', () => {
    const { out, sink: s } = sink(false);
    let t = 0;
    const bar = new ProgressBar(1000, s, 1, 30, () => t);
    for (let i = 1; i <= 8; i++) {
      t += 0.15;
      bar.update(Math.min(i * 128, 1000), { loss: 2.0794 });
    }
    expect(out).toEqual(['1000/1000 [==============================] - 1s 1ms/step - loss: 2.0794\n']);
  });

  it('redraws in place with \\r on a TTY, with ">" at the head and an ETA while running', () => {
    const { out, sink: s } = sink(true);
    let t = 0;
    const bar = new ProgressBar(1000, s, 1, 30, () => t);
    t = 1;
    bar.update(128, { loss: 2.5 });
    t = 8;
    bar.update(1000, { loss: 1.5 });
    expect(out[0]).toBe(`\r 128/1000 [==>${'.'.repeat(27)}] - ETA: 6s - loss: 2.5000`);
    // the weighted running mean: (2.5·128 + 1.5·872) / 1000 = 1.628
    expect(out[1]).toBe('\r1000/1000 [==============================] - 8s 8ms/step - loss: 1.6280\n');
  });

  it('verbose 2 prints the time and values only', () => {
    const { out, sink: s } = sink(false);
    const bar = new ProgressBar(10, s, 2, 30, () => 0);
    bar.update(10, { loss: 0.00012 });
    expect(out).toEqual([' - 0s - loss: 1.2000e-04\n']);
  });

  it('formats values as Python %.4f / %.4e', () => {
    expect(formatValue(2.07944)).toBe('2.0794');
    expect(formatValue(-3.5e-5)).toBe('-3.5000e-05');
    expect(formatValue(1.5e-12)).toBe('1.5000e-12');
  });
});
