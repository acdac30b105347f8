// Where and when a run happened: UTC date, CPU, cores, Node, git commit.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

export function machine() {
  return {
    date: run('date', ['-u', '+%Y-%m-%d %H:%M:%S UTC']) ?? new Date().toISOString(),
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    node: process.version,
    commit: run('git', ['rev-parse', '--short', 'HEAD']), // read-only; null outside a git checkout
  };
}
