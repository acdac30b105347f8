// Where and when a run happened: UTC date, CPU, cores, Node, git commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/**
 * x86 family and model from /proc/cpuinfo (Linux): a VM's model name ("Intel(R) Xeon(R) Processor")
 * can hide which core runs, and the cores differ in what a separate multiply and add cost.
 */
function cpuModelNumbers() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => info.match(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm'))?.[1];
    const [family, model] = [field('cpu family'), field('model')];
    return family && model ? ` (family ${family} model ${model})` : '';
  } catch {
    return '';
  }
}

export function machine() {
  return {
    date: run('date', ['-u', '+%Y-%m-%d %H:%M:%S UTC']) ?? new Date().toISOString(),
    cpu: `${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}${cpuModelNumbers()}`,
    cores: os.cpus().length,
    node: process.version,
    commit: run('git', ['rev-parse', '--short', 'HEAD']), // read-only; null outside a git checkout
  };
}
