// Parent side of a stack process: fork it (the parent's node flags, e.g. --expose-gc, plus the
// stack's own), send one request at a time, collect anything it prints (tfjs notices), and count
// its busy time.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts `script` and resolves, once it is ready, to { info, request(cmd, id), output, busyMs, close() }. */
export function startStack(name, { script, args, execArgv = [] }, extraArgs) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [...args, ...extraArgs], {
    silent: true, execArgv: [...process.execArgv, ...execArgv],
  });
  const output = [];
  const collect = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) output.push(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const pending = new Map();
  let seq = 0;
  child.on('message', ({ seq: n, ok, reply, error }) => {
    const p = pending.get(n);
    pending.delete(n);
    if (ok) p?.resolve(reply);
    else p?.reject(new Error(`${name}: ${error}`));
  });
  child.on('exit', (code, signal) => {
    const why = new Error(`${name} exited with ${signal ?? code}${output.length ? `:\n${output.join('\n')}` : ''}`);
    for (const p of pending.values()) p.reject(why);
    pending.clear();
  });
  const wait = (n) => new Promise((resolve, reject) => pending.set(n, { resolve, reject }));

  const handle = {
    output,
    busyMs: 0,
    async request(cmd, id) {
      const n = ++seq;
      const start = performance.now();
      const reply = wait(n);
      child.send({ seq: n, cmd, id });
      try {
        return await reply;
      } finally {
        handle.busyMs += performance.now() - start;
      }
    },
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode != null) return resolve();
        child.once('exit', resolve);
        child.send({ seq: ++seq, cmd: 'exit' });
      }),
  };
  return wait(0).then((info) => Object.assign(handle, { info }));
}
