// How a stack process reports to the parent: progress and one result over the IPC channel of
// child_process.fork. Run by hand (`node bench/stack-ours.mjs`), a stack prints JSON to stdout.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Child side: one progress line (stderr when run by hand). */
export function progress(text) {
  if (process.send) process.send({ type: 'progress', text });
  else process.stderr.write(`${text}\n`);
}

/** Child side: the result; the process should exit after it. */
export function sendResult(data) {
  if (process.send) process.send({ type: 'result', data });
  else process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

/**
 * Parent side: runs one stack in its own Node process (same node flags as the parent, e.g.
 * --expose-gc) and resolves with its result plus any stray output it printed (warnings).
 */
export function runStack(name, { script, args }, extraArgs, onProgress) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), [...args, ...extraArgs], { silent: true });
    const output = [];
    const collect = (chunk) => {
      for (const line of String(chunk).split('\n')) if (line.trim()) output.push(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let result = null;
    child.on('message', (message) => {
      if (message.type === 'progress') onProgress(message.text);
      else if (message.type === 'result') result = message.data;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result) resolve({ ...result, output });
      else reject(new Error(`${name} exited with ${signal ?? code}${output.length ? `:\n${output.join('\n')}` : ''}`));
    });
  });
}
