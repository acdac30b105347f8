/**
 * The Keras 2 progress bar (keras/utils/generic_utils.py Progbar), counting samples:
 * `1000/1000 [==============================] - 1s 1ms/step - loss: 2.0794`.
 * Redrawn in place with \r on a TTY; elsewhere (pipes, browsers) one line when the epoch ends.
 */

/** Where progress text goes. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** stdout in Node (and Deno's Node compatibility); console.log lines elsewhere. */
export function defaultSink(): ProgressSink {
  const stdout = (globalThis as { process?: { stdout?: { write?: (s: string) => unknown; isTTY?: boolean } } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') {
    return { write: (s) => void stdout.write!(s), isTTY: stdout.isTTY === true };
  }
  let pending = '';
  return {
    isTTY: false,
    write(text) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) console.log(line.replace(/^.*\r/, ''));
    },
  };
}

/** Python's '%.4f' / '%.4e' choice for a metric value. */
export function formatValue(v: number): string {
  if (Math.abs(v) > 1e-3 || !Number.isFinite(v)) return Number.isFinite(v) ? v.toFixed(4) : String(v).toLowerCase().replace('infinity', 'inf');
  const [mantissa, exp] = v.toExponential(4).split('e');
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
}

function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

function formatPerStep(secondsPerUnit: number): string {
  if (secondsPerUnit >= 1) return `${secondsPerUnit.toFixed(0)}s/step`;
  if (secondsPerUnit >= 1e-3) return `${(secondsPerUnit * 1e3).toFixed(0)}ms/step`;
  return `${(secondsPerUnit * 1e6).toFixed(0)}us/step`;
}

export class ProgressBar {
  private readonly sums = new Map<string, [number, number]>();
  private seen = 0;
  private totalWidth = 0;
  private readonly start: number;

  constructor(
    private readonly target: number,
    private readonly sink: ProgressSink,
    private readonly verbose: 1 | 2,
    private readonly width = 30,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.start = this.now();
  }

  /** Records `current` samples seen and the batch's values (averaged weighted by samples). */
  update(current: number, values: Record<string, number>): void {
    for (const [k, v] of Object.entries(values)) {
      const s = this.sums.get(k) ?? [0, 0];
      s[0] += v * (current - this.seen);
      s[1] += current - this.seen;
      this.sums.set(k, s);
    }
    this.seen = current;
    const elapsed = this.now() - this.start;
    const done = current >= this.target;
    if (this.verbose === 2) {
      if (done) this.sink.write(` - ${elapsed.toFixed(0)}s${this.valuesText()}\n`);
      return;
    }
    if (!done && !this.sink.isTTY) return;
    const digits = Math.floor(Math.log10(Math.max(this.target, 1))) + 1;
    let bar = `${String(current).padStart(digits)}/${this.target} [`;
    const progWidth = Math.floor((this.width * current) / Math.max(this.target, 1));
    if (progWidth > 0) bar += '='.repeat(progWidth - 1) + (done ? '=' : '>');
    bar += '.'.repeat(Math.max(this.width - progWidth, 0)) + ']';
    const perUnit = current ? elapsed / current : 0;
    let info = done ? ` - ${elapsed.toFixed(0)}s ${formatPerStep(perUnit)}` : ` - ETA: ${formatEta(perUnit * (this.target - current))}`;
    info += this.valuesText();
    const previous = this.totalWidth;
    this.totalWidth = bar.length + info.length;
    if (previous > this.totalWidth) info += ' '.repeat(previous - this.totalWidth);
    this.sink.write((this.sink.isTTY ? '\r' : '') + bar + info + (done ? '\n' : ''));
  }

  private valuesText(): string {
    let text = '';
    for (const [k, [sum, n]] of this.sums) text += ` - ${k}: ${formatValue(sum / Math.max(1, n))}`;
    return text;
  }
}
